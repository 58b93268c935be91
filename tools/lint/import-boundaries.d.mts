// Types for tools/lint/import-boundaries.mjs (plain JS, so `npm run lint` runs it with node alone).
export declare const SIMULATION_ENTRY_POINT: string;
export declare function productFiles(root: string): string[];
export declare function importSpecifiers(text: string): string[];
export declare function boundaryProblem(from: string, to: string): string | undefined;
export declare function checkImportBoundaries(root: string): string[];
