import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { releaseCommand } from '../cli/commands/release.ts';
import { releaseStep } from '../lib/release/release.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { createStep } from '../lib/step-yml/new-step.ts';
import { collect, tempDir } from './helpers.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

let root: string;

/** A temporary repository holding one generated, built and committed Step. */
async function makeRepo(): Promise<string> {
  const dir = tempDir('steps-release-');
  for (const path of ['common', 'node_modules']) symlinkSync(join(REPO_ROOT, path), join(dir, path));
  copyFileSync(join(REPO_ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  mkdirSync(join(dir, 'e2e'));
  writeFileSync(join(dir, '.gitignore'), 'node_modules\ncommon\n');
  await createStep(
    {
      title: 'Release Me',
      summary: 'A Step to release',
      typeTag: 'utility',
      author: 'Test',
      website: 'https://github.com/example/steps',
      sourceCodeUrl: 'https://github.com/example/steps',
      supportUrl: 'https://github.com/example/steps/issues',
    },
    { root: dir },
  );
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, '-c', 'user.name=T', '-c', 'user.email=t@e.x', 'commit', '-qm', 'init');
  return dir;
}

describe('steps release', () => {
  beforeAll(async () => {
    root = await makeRepo();
  }, 60_000);

  it('creates release/<id> and <id>/<version> whose root is the Step folder', async () => {
    const out = collect();
    const env = {
      GIT_AUTHOR_NAME: 'T',
      GIT_AUTHOR_EMAIL: 't@e.x',
      GIT_COMMITTER_NAME: 'T',
      GIT_COMMITTER_EMAIL: 't@e.x',
    };
    Object.assign(process.env, env);
    expect(await releaseCommand({ id: 'release-me', version: '1.0.0', root, out })).toBe(0);
    const files = git(root, 'ls-tree', '--name-only', '-r', 'release-me/1.0.0').split('\n');
    expect(files).toEqual(expect.arrayContaining(['step.yml', 'step.sh', 'dist/index.mjs', 'README.md']));
    expect(git(root, 'show', 'release-me/1.0.0:dist/index.mjs')).toBe(
      readFileSync(join(root, 'steps', 'release-me', 'dist', 'index.mjs'), 'utf8').trim(),
    );
    expect(git(root, 'rev-parse', 'release/release-me')).toBe(
      git(root, 'rev-parse', 'release-me/1.0.0^{commit}'),
    );
    expect(out.text()).toContain('- git::https://github.com/example/steps.git@release-me/1.0.0:');
    expect(out.text()).toContain('    - message: ...');

    // What the Bitrise CLI does with git::<repo>@<tag>: a shallow clone of the tag.
    const clone = join(tempDir(), 'clone');
    git(root, 'clone', '-q', '--depth=1', '--branch', 'release-me/1.0.0', `file://${root}`, clone);
    expect(readFileSync(join(clone, 'step.yml'), 'utf8')).toContain('title: Release Me');

    // The next release builds on the previous one, like git subtree split.
    appendFileSync(join(root, 'steps', 'release-me', 'README.md'), '\nMore.\n');
    git(root, '-c', 'user.name=T', '-c', 'user.email=t@e.x', 'commit', '-qam', 'docs');
    const second = await releaseStep({ id: 'release-me', version: '1.0.1', root });
    expect(git(root, 'rev-parse', `${second.commit}^`)).toBe(
      git(root, 'rev-parse', 'release-me/1.0.0^{commit}'),
    );
  });

  it('refuses a bad version, an existing tag, uncommitted changes and a stale bundle', async () => {
    await expect(releaseStep({ id: 'release-me', version: 'v1.0', root, dryRun: true })).rejects.toThrow(
      /not a semantic version/,
    );
    await expect(releaseStep({ id: 'release-me', version: '1.0.0', root, dryRun: true })).rejects.toThrow(
      /already exists/,
    );
    const bundle = join(root, 'steps', 'release-me', 'dist', 'index.mjs');
    appendFileSync(bundle, '// edited by hand\n');
    await expect(releaseStep({ id: 'release-me', version: '2.0.0', root, dryRun: true })).rejects.toThrow(
      /uncommitted changes/,
    );
    git(root, '-c', 'user.name=T', '-c', 'user.email=t@e.x', 'commit', '-qam', 'stale');
    await expect(releaseStep({ id: 'release-me', version: '2.0.0', root, dryRun: true })).rejects.toThrow(
      /is stale/,
    );
  });

  it('refuses a Step that fails the audit', async () => {
    const yml = join(root, 'steps', 'release-me', 'step.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace(/^summary: .*$/m, 'summary: ""'));
    git(root, '-c', 'user.name=T', '-c', 'user.email=t@e.x', 'commit', '-qam', 'break');
    await expect(releaseStep({ id: 'release-me', version: '3.0.0', root, dryRun: true })).rejects.toThrow(
      /steps audit fails:[\s\S]*summary: required/,
    );
  });
});
