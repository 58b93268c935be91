import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workspaceProjects } from '../project/workspace.ts';
import { SAMPLE_DIR } from './fixtures/sample/generate.ts';

describe('workspaceProjects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ws-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the projects of the Sample workspace without Pods/Pods.xcodeproj', () => {
    expect(workspaceProjects(join(SAMPLE_DIR, 'Sample.xcworkspace'))).toEqual([
      join(SAMPLE_DIR, 'Sample.xcodeproj'),
    ]);
  });

  it('resolves group, container and absolute locations inside nested groups', () => {
    const ws = join(dir, 'App.xcworkspace');
    mkdirSync(ws);
    writeFileSync(
      join(ws, 'contents.xcworkspacedata'),
      `<?xml version="1.0" encoding="UTF-8"?>
<Workspace version = "1.0">
   <Group location = "group:Modules" name = "Modules">
      <FileRef location = "group:Feature/Feature.xcodeproj"></FileRef>
      <FileRef location = "container:App/App.xcodeproj"/>
      <FileRef location = "group:README.md"></FileRef>
   </Group>
   <!-- <FileRef location = "group:Commented.xcodeproj"></FileRef> -->
   <FileRef location = "absolute:/opt/Shared &amp; Co/Shared.xcodeproj"></FileRef>
   <FileRef location = "self:"></FileRef>
</Workspace>
`,
    );
    expect(workspaceProjects(ws)).toEqual([
      join(dir, 'Modules/Feature/Feature.xcodeproj'),
      join(dir, 'App/App.xcodeproj'),
      '/opt/Shared & Co/Shared.xcodeproj',
    ]);
  });

  it('fails on malformed XML instead of listing what it could read', () => {
    const ws = join(dir, 'Broken.xcworkspace');
    mkdirSync(ws);
    writeFileSync(
      join(ws, 'contents.xcworkspacedata'),
      '<Workspace version = "1.0">\n   <FileRef location = "group:App.xcodeproj">\n</Workspace>\n',
    );
    expect(() => workspaceProjects(ws)).toThrow(
      /failed to parse .*Broken\.xcworkspace\/contents\.xcworkspacedata/,
    );
  });
});
