import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JS build script without type declarations
import { buildTools, TOOLS_BUNDLE } from '../build.mjs';
import { REPO_ROOT } from '../lib/repo.ts';

describe('the steps command bundle', () => {
  it('tools/dist/steps.mjs is current with tools/cli (run `npm run build`)', async () => {
    const files = (await buildTools()) as Array<{ path: string; contents: Buffer }>;
    const bundle = files.find((f) => f.path === TOOLS_BUNDLE)!;
    expect(
      readFileSync(TOOLS_BUNDLE, 'utf8') === bundle.contents.toString('utf8'),
      'stale: run npm run build',
    ).toBe(true);
  });

  it('the package bin runs and lists every command', () => {
    const help = execFileSync(process.execPath, [join(REPO_ROOT, 'tools', 'bin', 'steps.mjs'), '--help'], {
      encoding: 'utf8',
    });
    for (const command of ['audit', 'readme']) expect(help).toContain(`steps ${command}`);
  });
});
