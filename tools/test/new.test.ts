import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readme } from '../cli/commands/readme.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { auditStepYml } from '../lib/step-yml/audit.ts';
import { staleGeneratedFiles } from '../lib/step-yml/generate.ts';
import { createStep, type NewStepAnswers, planNewStep } from '../lib/step-yml/new-step.ts';
import { outputKeyFor, stepIdFromTitle } from '../lib/step-yml/slug.ts';
import { collect, tempDir } from './helpers.ts';

const answers: NewStepAnswers = {
  title: "Bob's Hello World",
  summary: 'Says hello',
  description: 'Says hello.\n\nTwice, if asked: `$NAME`.',
  typeTag: 'utility',
  author: 'Bob',
  website: 'https://github.com/bob/steps',
  sourceCodeUrl: 'https://github.com/bob/steps',
  supportUrl: 'https://github.com/bob/steps/issues',
};

/** A scratch repository: real common/, tools/, step.yml.templates/, testkit's stand-ins and envman, and node_modules linked in, its own steps/ and e2e/. */
function scratchRepo(): string {
  const root = tempDir();
  for (const path of ['common', 'tools', 'step.yml.templates', 'node_modules'])
    symlinkSync(join(REPO_ROOT, path), join(root, path));
  // Copied, not linked: biome resolves a linked config against the link target's folder.
  for (const path of ['tsconfig.json', 'biome.json']) copyFileSync(join(REPO_ROOT, path), join(root, path));
  mkdirSync(join(root, 'e2e'));
  mkdirSync(join(root, 'testkit'));
  for (const path of ['stand-ins', 'envman'])
    symlinkSync(join(REPO_ROOT, 'testkit', path), join(root, 'testkit', path));
  return root;
}

describe('step ids', () => {
  it('follows the bitrise :step create slug rule', () => {
    expect(stepIdFromTitle('A simple Test')).toBe('a-simple-test');
    expect(stepIdFromTitle('A  simple Test')).toBe('a--simple-test');
    expect(stepIdFromTitle("  Bob's Hello World! ")).toBe('bob-s-hello-world');
    expect(outputKeyFor('a--simple-test', 'MESSAGE')).toBe('A_SIMPLE_TEST_MESSAGE');
    expect(outputKeyFor('3d-tool', 'MESSAGE')).toBe('STEP_3D_TOOL_MESSAGE');
  });
});

describe('steps new', () => {
  it('writes a Step that passes the audit, has a current README, builds, and whose test passes unedited', async () => {
    const root = scratchRepo();
    writeFileSync(
      join(root, 'e2e', 'bitrise.yml'),
      'format_version: "11"\nworkflows:\n  test_other:\n    steps: []\n',
    );
    const plan = await createStep(answers, { root });
    expect(plan.id).toBe('bob-s-hello-world');
    const dir = join(root, 'steps', plan.id);
    for (const file of [
      'step.yml',
      'step.sh',
      'src/main.ts',
      'src/inputs.generated.ts',
      'test/main.test.ts',
      'README.md',
      'dist/index.mjs',
    ])
      expect(existsSync(join(dir, file)), file).toBe(true);
    expect(statSync(join(dir, 'step.sh')).mode & 0o111).not.toBe(0);
    // step.yml is the one source of the inputs: no hand-written schema, the generated one current.
    expect(existsSync(join(dir, 'src', 'inputs.ts'))).toBe(false);
    expect(staleGeneratedFiles({ root, ids: [plan.id] })).toEqual({ stale: [], problems: [] });

    expect(auditStepYml(join(dir, 'step.yml'))).toEqual([]);
    expect(readme({ root, check: true, out: collect() })).toBe(0);
    const stepYml = parse(readFileSync(join(dir, 'step.yml'), 'utf8'));
    expect(stepYml.title).toBe("Bob's Hello World");
    expect(stepYml.description).toBe(answers.description);

    const e2e = parse(readFileSync(join(root, 'e2e', 'bitrise.yml'), 'utf8'));
    expect(Object.keys(e2e.workflows)).toEqual(['test_other', 'test_bob-s-hello-world']);
    expect(e2e.workflows['test_bob-s-hello-world'].steps[0]).toHaveProperty([
      'path::./steps/bob-s-hello-world',
    ]);

    const vitest = spawnSync(
      join(root, 'node_modules', '.bin', 'vitest'),
      ['run', '--root', root, `steps/${plan.id}/test`],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, CI: 'true' },
      },
    );
    expect(vitest.status, vitest.stdout + vitest.stderr).toBe(0);
    expect(vitest.stdout).toMatch(/2 passed/);

    const biome = spawnSync(join(root, 'node_modules', '.bin', 'biome'), ['check', `steps/${plan.id}`], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(biome.status, biome.stdout + biome.stderr).toBe(0);
  }, 60_000);

  it('refuses an existing folder and an existing workflow', async () => {
    const root = scratchRepo();
    mkdirSync(join(root, 'steps', 'taken'), { recursive: true });
    await expect(createStep({ ...answers, title: 'Taken' }, { root, build: async () => {} })).rejects.toThrow(
      /steps\/taken already exists/,
    );
    writeFileSync(join(root, 'e2e', 'bitrise.yml'), 'workflows:\n  test_free:\n    steps: []\n');
    await expect(createStep({ ...answers, title: 'Free' }, { root, build: async () => {} })).rejects.toThrow(
      /already has test_free/,
    );
    expect(existsSync(join(root, 'steps', 'free'))).toBe(false);
  });

  it('rejects answers the audit would reject', () => {
    expect(() =>
      planNewStep({ ...answers, summary: 'x'.repeat(101), typeTag: 'shiny', website: 'ftp://x' }),
    ).toThrow(/summary: 101 characters[\s\S]*type tag: "shiny"[\s\S]*website: "ftp:\/\/x"/);
    expect(() => planNewStep({ ...answers, title: '!!!' })).toThrow(/id: "" is not a valid Step id/);
  });
});
