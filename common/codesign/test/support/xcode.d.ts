// The `xcode` package ships no types. It is a devDependency only: an independent pbxproj parser that
// tests use as a referee for our edits; product code reads projects with `pbxproj/openstep.ts`.
declare module 'xcode' {
  interface PbxProject {
    parseSync(): PbxProject;
    hash: { project: { objects: Record<string, unknown>; rootObject: string } };
  }
  const xcode: { project(path: string): PbxProject };
  export default xcode;
}
