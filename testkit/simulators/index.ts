/** Local simulators for end-to-end tests. One export line per simulator. */
export * from './build-api/index.ts';
export * from './portal/index.ts';
