import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildStep, stepIds } from '../tools/build.mjs';

/** The committed bundles are what the Bitrise CLI runs; they must be what the sources build. */
describe('committed Step bundles', () => {
  it.each(stepIds() as string[])('%s: dist/ matches a fresh build', async (id) => {
    const files = (await buildStep(id)) as Array<{ path: string; contents: Buffer }>;
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      let committed: Buffer | undefined;
      try {
        committed = readFileSync(file.path);
      } catch {
        committed = undefined;
      }
      expect({
        path: file.path,
        upToDate: committed?.equals(file.contents),
      }).toEqual({
        path: file.path,
        upToDate: true,
      });
    }
  });
});
