// The `xcode` package ships no types; we only use its parser.
declare module 'xcode' {
  interface PbxProject {
    parseSync(): PbxProject;
    hash: { project: { objects: Record<string, unknown>; rootObject: string } };
  }
  const xcode: { project(path: string): PbxProject };
  export default xcode;
}
