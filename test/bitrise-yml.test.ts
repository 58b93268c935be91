import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateBitriseYml } from '../tools/lib/bitrise-yml.ts';
import { REPO_ROOT } from '../tools/lib/repo.ts';

/**
 * Both bitrise.yml files of the repository reference only Steps, inputs and workflows that
 * exist; path:: refs resolve from the repository root, where `bitrise run` is started.
 */
describe.each(['bitrise.yml', 'e2e/bitrise.yml'])('%s', (file) => {
  const path = join(REPO_ROOT, file);
  it.skipIf(!existsSync(path))(
    'has an accepted format_version and valid Step, input and workflow references',
    () => {
      const problems = validateBitriseYml(path, { root: REPO_ROOT }).map((p) => `${p.where}: ${p.message}`);
      expect(problems).toEqual([]);
    },
  );
});
