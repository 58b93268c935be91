// The bundle entry (tools/dist/steps.mjs): the CLI, plus what tools/start.mjs calls directly.
export { cli, main } from './main.ts';
