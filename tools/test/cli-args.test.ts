import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { createStep } from '../lib/step-yml/new-step.ts';
import { collect, tempDir } from './helpers.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/**
 * A scratch repository holding one generated, built and committed Step, `release-me`, that
 * `steps release release-me 9.9.9` would really release: so a command line that reached the
 * handler would leave a branch, a tag or files behind.
 */
async function scratchRepo(): Promise<string> {
  const dir = tempDir('steps-cli-args-');
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

/** Everything a command could create: refs, and new or changed files (git status sees both). */
function repoState(root: string): string {
  return `${git(root, 'for-each-ref', '--format=%(refname)')}\n${git(root, 'status', '--porcelain', '--untracked-files=all')}`;
}

async function steps(root: string, ...argv: string[]) {
  const out = collect();
  const code = await main(argv, { root, out });
  return { code, out, text: out.text() };
}

const STACK_FRAME = /^\s+at /m;

let root: string;

beforeAll(async () => {
  root = await scratchRepo();
  // The release the tests guard against would be committed by the handler; give git an identity.
  vi.stubEnv('GIT_AUTHOR_NAME', 'T');
  vi.stubEnv('GIT_AUTHOR_EMAIL', 't@e.x');
  vi.stubEnv('GIT_COMMITTER_NAME', 'T');
  vi.stubEnv('GIT_COMMITTER_EMAIL', 't@e.x');
}, 60_000);

afterAll(() => {
  vi.unstubAllEnvs();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a wrong command line: usage, one line, exit 2, nothing created', () => {
  // [argv, the start of the command's usage, the last line printed]
  const cases: [string[], string, RegExp][] = [
    [['audit', '--bogus'], 'steps audit [targets..]', /^steps: Unknown argument: bogus$/],
    [['audit', '--strict=maybe'], 'steps audit [targets..]', /^steps: --strict is a switch/],
    [['audit', 'no-such-step'], 'steps audit [targets..]', /^steps: no Step "no-such-step" under steps\//],
    [['audit', 'missing/step.yml'], 'steps audit [targets..]', /^steps: no such file: missing\/step\.yml$/],
    [['readme', '--bogus'], 'steps readme [ids..]', /^steps: Unknown argument: bogus$/],
    [['readme', '--check=yes'], 'steps readme [ids..]', /^steps: --check is a switch/],
    [['readme', 'no-such-step'], 'steps readme [ids..]', /^steps: no Step "no-such-step"/],
    [['run'], 'steps run <id>', /^steps: Not enough non-option arguments: got 0, need at least 1$/],
    [['run', 'no-such-step'], 'steps run <id>', /^steps: no Step "no-such-step"/],
    [['run', '../release-me'], 'steps run <id>', /^steps: no Step "\.\.\/release-me"/],
    [['run', 'release-me', '--bogus'], 'steps run <id>', /^steps: Unknown argument: bogus$/],
    [['run', 'release-me', 'extra'], 'steps run <id>', /^steps: Unknown argument: extra$/],
    [['run', 'release-me', '-i', 'novalue'], 'steps run <id>', /^steps: --input "novalue" is not key=value$/],
    [['run', 'release-me', '--input'], 'steps run <id>', /^steps: Not enough arguments following: input$/],
    [['run', 'release-me', '--simulate=yes'], 'steps run <id>', /^steps: --simulate is a switch/],
    [
      ['release', 'release-me', '9.9.9', '--dryrun'],
      'steps release <id> <version>',
      /^steps: Unknown argument: dryrun$/,
    ],
    [
      ['release', 'release-me', '9.9.9', '--dry-run=yes'],
      'steps release <id> <version>',
      /^steps: --dry-run is a switch/,
    ],
    [
      ['release', 'release-me', '9.9.9', '--push'],
      'steps release <id> <version>',
      /^steps: Not enough arguments following: push$/,
    ],
    [
      ['release', 'release-me', '1.0'],
      'steps release <id> <version>',
      /^steps: "1\.0" is not a semantic version X\.Y\.Z/,
    ],
    [
      ['release', 'release-me', 'v9.9.9'],
      'steps release <id> <version>',
      /^steps: "v9\.9\.9" is not a semantic version/,
    ],
    [
      ['release', 'release-me'],
      'steps release <id> <version>',
      /^steps: Not enough non-option arguments: got 1, need at least 2$/,
    ],
    [['release', 'no-such-step', '9.9.9'], 'steps release <id> <version>', /^steps: no Step "no-such-step"/],
    [['new', '--titel', 'Typo', '--summary', 'S'], 'steps new', /^steps: Unknown argument: titel$/],
    [['new', '--title'], 'steps new', /^steps: Not enough arguments following: title$/],
    [
      ['new', '--title', 'Shiny', '--summary', 'S', '--type-tag', 'shiny'],
      'steps new',
      /^ {2}Argument: type-tag, Given: "shiny"/m,
    ],
    [['e2e', '--bogus'], 'steps e2e [workflows..]', /^steps: Unknown argument: bogus$/],
    [
      ['e2e', 'test_nope'],
      'steps e2e [workflows..]',
      /^steps: e2e\/bitrise\.yml has no test workflow test_nope/,
    ],
    [['e2e', '--list=1'], 'steps e2e [workflows..]', /^steps: --list is a switch/],
    [['connection', '--bogus'], 'steps connection', /^steps: Unknown argument: bogus$/],
    [['connection', '--build-url'], 'steps connection', /^steps: Not enough arguments following: build-url$/],
    [['--debug=yes', 'audit'], 'steps audit [targets..]', /^steps: --debug is a switch/],
    [[], 'steps <command> [options]', /^steps: Name a command; see --help$/],
    [['audi'], 'steps <command> [options]', /^steps: Did you mean audit\?$/],
  ];

  it.each(cases)('steps %j', async (argv, usage, line) => {
    const before = repoState(root);
    const { code, out, text } = await steps(root, ...argv);
    expect(code).toBe(2);
    // One report: the usage, a blank line, the error; no handler printed anything.
    expect(out.lines).toHaveLength(1);
    expect(text.startsWith(usage)).toBe(true);
    expect(text.split('\n').at(-1)).toMatch(line);
    expect(text).not.toMatch(STACK_FRAME);
    expect(repoState(root)).toBe(before);
  });

  it('checks that the scratch Step would really be released, so the typo cases can fail', async () => {
    const { code, text } = await steps(root, 'release', 'release-me', '9.9.9', '--dry-run');
    expect(text).toContain('dry run: would create branch release/release-me and tag release-me/9.9.9');
    expect(code).toBe(0);
  }, 60_000);

  it('runs no handler after --help', async () => {
    const help = vi.spyOn(console, 'log').mockImplementation(() => {});
    const before = repoState(root);
    expect(await steps(root, 'release', 'release-me', '9.9.9', '--help')).toMatchObject({
      code: 0,
      text: '',
    });
    expect(help.mock.calls.join('\n')).toContain('steps release <id> <version>');
    expect(repoState(root)).toBe(before);
  });
});

describe('a mistake the command finds: one line, exit 2, nothing created', () => {
  const cases: [string[], RegExp][] = [
    [['run', 'release-me', '-i', 'nope=1'], /^steps: release-me has no input "nope"; its inputs: /],
    [
      ['connection', '--build-url', 'x', '--token-file', 'no-such-token.txt'],
      /^steps: token file no-such-token\.txt does not exist$/,
    ],
    [['new', '--title', 'Fresh', '--no-interactive'], /^steps: --summary is required/],
    [
      ['new', '--title', 'Release Me', '--summary', 'S', '--no-interactive'],
      /^steps: steps\/release-me already exists$/,
    ],
  ];

  it.each(cases)('steps %j', async (argv, line) => {
    const before = repoState(root);
    const { code, text } = await steps(root, ...argv);
    expect(code).toBe(2);
    expect(text).toMatch(line);
    expect(text.split('\n')).toHaveLength(1);
    expect(repoState(root)).toBe(before);
  });
});

describe('a bug in steps', () => {
  /** A step.yml that is a directory: reading it fails in a way no check expects. */
  function brokenRoot(): string {
    const dir = tempDir('steps-cli-bug-');
    mkdirSync(join(dir, 'steps', 'broken', 'step.yml'), { recursive: true });
    return dir;
  }

  it('is one line pointing at --debug, exit 1', async () => {
    const { code, text } = await steps(brokenRoot(), 'audit', 'broken');
    expect(code).toBe(1);
    expect(text).toMatch(/^steps: unexpected error: EISDIR.*\(run again with --debug for the stack trace\)$/);
    expect(text).not.toMatch(STACK_FRAME);
  });

  it('shows its stack trace with --debug, before or after the command', async () => {
    for (const argv of [
      ['--debug', 'audit', 'broken'],
      ['audit', 'broken', '--debug'],
    ]) {
      const { code, text } = await steps(brokenRoot(), ...argv);
      expect(code).toBe(1);
      expect(text).toMatch(/^Error: EISDIR/);
      expect(text).toMatch(STACK_FRAME);
    }
  });
});

describe('the steps bin', () => {
  const bin = (...args: string[]) =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'bin', 'steps.mjs'), ...args], {
      encoding: 'utf8',
    });

  it.each([
    [['run', 'no-such-step'], /\n\nsteps: no Step "no-such-step" under steps\/[^\n]*\n$/],
    [['release', 'fastlane-wrapper', '1.0'], /\n\nsteps: "1\.0" is not a semantic version[^\n]*\n$/],
  ])(
    'exits 2 on %j with the usage and one line on stderr, no stack',
    (args, tail) => {
      const result = bin(...args);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(tail);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    },
    30_000,
  );
});
