import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/repo.ts';
import { checkImportBoundaries } from '../lint/import-boundaries.mjs';
import { tempDir } from './helpers.ts';

const CHECKER = join(REPO_ROOT, 'tools', 'lint', 'import-boundaries.mjs');

/** A scratch tree holding `files` (repo-relative path -> content). */
function tree(files: Record<string, string>): string {
  const root = tempDir('import-boundaries-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

function runChecker(root: string) {
  return spawnSync(process.execPath, [CHECKER, root], { encoding: 'utf8' });
}

/** Files every scratch tree has: test support, its entry point and a product module. */
const BASE = {
  'testkit/simulation.ts': "export { startSimulators } from './simulators/index.ts';\n",
  'testkit/simulators/index.ts': 'export function startSimulators() {}\n',
  'testkit/harness.ts': 'export const REPO_ROOT = "";\n',
  'common/step/logger.ts': 'export class Logger {}\n',
};

describe('the import-boundary check of npm run lint', () => {
  it('passes on this repository', () => {
    const result = runChecker(REPO_ROOT);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('fails, naming file, specifier and rule, when product code imports test support', () => {
    const root = tree({
      ...BASE,
      'common/step/bad.ts':
        "import { REPO_ROOT } from '../../testkit/harness.ts';\nexport const x = REPO_ROOT;\n",
    });
    const result = runChecker(root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "common/step/bad.ts: '../../testkit/harness.ts' -> testkit/harness.ts: test support; product code never imports it",
    );
  });

  it('lets tools/ import the entry point only, also through tsImport and dynamic import', () => {
    const root = tree({
      ...BASE,
      'tools/lib/simulate.ts':
        "import { startSimulators } from '../../testkit/simulation.ts';\nstartSimulators();\n",
      'tools/lib/sneaky.ts': "export const load = () => import('../../testkit/simulators/index.ts');\n",
      'tools/start.mjs': "const { REPO_ROOT } = await tsImport('../testkit/harness.ts', import.meta.url);\n",
    });
    expect(checkImportBoundaries(root)).toEqual([
      "tools/lib/sneaky.ts: '../../testkit/simulators/index.ts' -> testkit/simulators/index.ts: test support; tools/ reaches testkit/ only through testkit/simulation.ts",
      "tools/start.mjs: '../testkit/harness.ts' -> testkit/harness.ts: test support; tools/ reaches testkit/ only through testkit/simulation.ts",
    ]);
  });

  it('treats every test/ folder as test support, and does not check test files themselves', () => {
    const root = tree({
      ...BASE,
      'steps/demo/src/main.ts': "import { helper } from '../test/helpers.ts';\nhelper();\n",
      'steps/demo/test/helpers.ts':
        "import { REPO_ROOT } from '../../../testkit/harness.ts';\nexport const helper = () => REPO_ROOT;\n",
      'common/step/test/logger.test.ts': "import '../../../testkit/harness.ts';\n",
      'common/step/run.ts':
        "import { Logger } from './logger.ts';\nimport '../../test/fixtures/x.ts';\nnew Logger();\n",
    });
    expect(checkImportBoundaries(root)).toEqual([
      "common/step/run.ts: '../../test/fixtures/x.ts' -> test/fixtures/x.ts: test support; product code never imports it",
      "steps/demo/src/main.ts: '../test/helpers.ts' -> steps/demo/test/helpers.ts: test support; product code never imports it",
    ]);
  });

  it('keeps arrows pointing down: common/ imports no Step or tool, a Step no other Step', () => {
    const root = tree({
      ...BASE,
      'common/step/up.ts': "import '../../tools/lib/repo.ts';\n",
      'steps/a/src/main.ts': "import '../../b/src/config.ts';\nimport '../../../common/step/logger.ts';\n",
      'steps/b/src/config.ts': "import { x } from './inputs.ts';\nexport const y = x;\n",
    });
    expect(checkImportBoundaries(root)).toEqual([
      "common/step/up.ts: '../../tools/lib/repo.ts' -> tools/lib/repo.ts: common/ knows no particular Step and no tool",
      "steps/a/src/main.ts: '../../b/src/config.ts' -> steps/b/src/config.ts: a Step never imports another Step",
    ]);
  });

  it('ignores import-shaped text in strings and comments', () => {
    const root = tree({
      ...BASE,
      'tools/lib/template.ts':
        "// import { REPO_ROOT } from '../../testkit/harness.ts';\nexport const text = `import x from '../../testkit/harness.ts'`;\n",
    });
    expect(checkImportBoundaries(root)).toEqual([]);
  });
});
