// Types for tools/build.mjs (plain JS: bundling needs no TypeScript loader; the step.yml generator
// it runs first is loaded through tsx).
export declare const ROOT: string;
export declare const NODE_TARGET: string;
export interface BuiltFile {
  path: string;
  contents: Buffer;
}
export declare function stepIds(root?: string): string[];
export declare function buildStep(id: string, root?: string): Promise<BuiltFile[]>;
export declare function generateFromStepYml(root?: string): Promise<string[]>;
export declare function buildAll(root?: string): Promise<Array<{ id: string; files: BuiltFile[] }>>;
