// Types for tools/build.mjs (plain JS so `npm run build` needs no TypeScript loader).
export declare const ROOT: string;
export declare const NODE_TARGET: string;
export interface BuiltFile {
  path: string;
  contents: Buffer;
}
export declare function stepIds(root?: string): string[];
export declare function buildStep(id: string, root?: string): Promise<BuiltFile[]>;
export declare function buildAll(root?: string): Promise<Array<{ id: string; files: BuiltFile[] }>>;
