import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectIpa, inspectPkg } from '../src/artifact.ts';
import { ipa, pkg } from './support.ts';

/**
 * The artifacts e2e/bitrise.yml uploads are committed (the Bitrise CLI cannot build them); they
 * are exactly what the test writers produce. `UPDATE_FIXTURES=1 npx vitest run <this file>` rewrites them.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures');
const expected: Record<string, Buffer> = {
  'App.ipa': ipa({ bundleId: 'io.bitrise.sample', version: '1.4.2', build: '187' }),
  'AppBinaryPlist.ipa': ipa({ bundleId: 'io.bitrise.sample', version: '1.4.2', build: '188' }, 'binary'),
  'App.pkg': pkg(),
};

describe('committed artifact fixtures', () => {
  it.each(Object.keys(expected))('%s is what the test writers produce', (name) => {
    const path = join(FIXTURES, name);
    if (process.env['UPDATE_FIXTURES'] === '1') writeFileSync(path, expected[name]!);
    expect(readFileSync(path).equals(expected[name]!)).toBe(true);
  });

  it('reads them as the Step does', async () => {
    expect(await inspectIpa(join(FIXTURES, 'App.ipa'))).toMatchObject({
      bundleId: 'io.bitrise.sample',
      build: '187',
    });
    expect(await inspectIpa(join(FIXTURES, 'AppBinaryPlist.ipa'))).toMatchObject({ build: '188' });
    expect(inspectPkg(join(FIXTURES, 'App.pkg')).kind).toBe('pkg');
  });
});
