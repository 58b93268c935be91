import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEnvStore, readEnvStore } from '../lib/bitrise-cli/envstore.ts';
import { ENVMAN_DIR } from '../lib/bitrise-cli/run-step.ts';
import { tempDir } from './helpers.ts';

const ENVMAN = join(ENVMAN_DIR, 'envman');

interface Call {
  store?: string;
  /** Given to envman through Node's stdin pipe, which is a UNIX socket, not a FIFO. */
  socketInput?: string;
  cwd?: string;
  env?: Record<string, string>;
}

function envman(args: string[], call: Call) {
  return spawnSync(ENVMAN, args, {
    cwd: call.cwd,
    input: call.socketInput,
    encoding: 'utf8',
    env: { ...process.env, ENVMAN_ENVSTORE_PATH: call.store ?? '', ...call.env },
  });
}

/** `printf … | envman …` in bash: stdin is a real named pipe. */
function envmanFromFifo(value: string, args: string[], call: Call) {
  return spawnSync('bash', ['-c', 'printf %s "$VALUE" | "$ENVMAN" "$@"', 'bash', ...args], {
    cwd: call.cwd,
    encoding: 'utf8',
    env: { ...process.env, ENVMAN, VALUE: value, ENVMAN_ENVSTORE_PATH: call.store ?? '', ...call.env },
  });
}

function newStore(): string {
  return join(tempDir(), 'store.yml');
}

describe('tools/envman follows envman 2.4', () => {
  it('takes the value from --value first', () => {
    const store = newStore();
    const file = join(tempDir(), 'v.txt');
    writeFileSync(file, 'from file');
    expect(envman(['add', '--key', 'A', '--value', 'flag', '--valuefile', file], { store }).status).toBe(0);
    expect(envmanFromFifo('from fifo', ['add', '--key', 'B', '--value', 'flag'], { store }).status).toBe(0);
    expect(readEnvStore(store).map((e) => [e.key, e.value])).toEqual([
      ['A', 'flag'],
      ['B', 'flag'],
    ]);
  });

  it('falls back to --valuefile when --value is empty or missing, byte for byte', () => {
    const store = newStore();
    const file = join(tempDir(), 'v.txt');
    const value = 'line 1\r\nline: "2" # $HOME ${X}\n\n';
    writeFileSync(file, value);
    expect(envman(['add', '--key', 'A', '--value', '', '--valuefile', file], { store }).status).toBe(0);
    expect(envman(['add', '-k', 'B', '-f', file], { store }).status).toBe(0);
    expect(readEnvStore(store).map((e) => e.value)).toEqual([value, value]);
  });

  it('fails when the --valuefile cannot be read', () => {
    const store = newStore();
    const result = envman(['add', '--key', 'A', '--valuefile', join(tempDir(), 'missing')], { store });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Failed to read env var value from file');
    expect(readEnvStore(store)).toEqual([]);
  });

  it('reads stdin only when it is a named pipe (FIFO)', () => {
    const store = newStore();
    expect(envmanFromFifo('piped\nvalue', ['add', '--key', 'FIFO'], { store }).status).toBe(0);
    expect(envman(['add', '--key', 'SOCKET'], { store, socketInput: 'ignored' }).status).toBe(0);
    const file = join(tempDir(), 'stdin.txt');
    writeFileSync(file, 'also ignored');
    const fromFile = spawnSync('bash', ['-c', '"$ENVMAN" add --key FILE < "$FILE"'], {
      encoding: 'utf8',
      env: { ...process.env, ENVMAN, FILE: file, ENVMAN_ENVSTORE_PATH: store },
    });
    expect(fromFile.status).toBe(0);
    expect(readEnvStore(store).map((e) => [e.key, e.value])).toEqual([
      ['FIFO', 'piped\nvalue'],
      ['SOCKET', ''],
      ['FILE', ''],
    ]);
  });

  it('an empty --valuefile falls through to a FIFO stdin', () => {
    const store = newStore();
    const empty = join(tempDir(), 'empty');
    writeFileSync(empty, '');
    expect(envmanFromFifo('stdin', ['add', '--key', 'A', '--valuefile', empty], { store }).status).toBe(0);
    expect(readEnvStore(store)[0]?.value).toBe('stdin');
  });

  it('stores opts only where they differ from the defaults', () => {
    const store = newStore();
    envman(['add', '--key', 'PLAIN', '--value', 'p'], { store });
    envman(['add', '--key', 'LITERAL', '--value', '$HOME', '--no-expand'], { store });
    envman(['add', '--key', 'SECRET', '--value', 's', '--sensitive', '-n'], { store });
    envman(['add', '--key', 'SKIP', '--value', '', '--skip-if-empty'], { store });
    const text = readFileSync(store, 'utf8');
    expect(text).toContain('- PLAIN: p\n');
    expect(readEnvStore(store)).toEqual([
      { key: 'PLAIN', value: 'p', sensitive: false, expand: true },
      { key: 'LITERAL', value: '$HOME', sensitive: false, expand: false },
      { key: 'SECRET', value: 's', sensitive: true, expand: false },
      { key: 'SKIP', value: '', sensitive: false, expand: true },
    ]);
    expect(text).toMatch(/- SKIP: ""\n {2}opts:\n {4}skip_if_empty: true/);
  });

  it('replaces an earlier item of the key where it stands, or appends with --append', () => {
    const store = newStore();
    envman(['add', '--key', 'A', '--value', '1'], { store });
    envman(['add', '--key', 'B', '--value', 'b'], { store });
    envman(['add', '--key', 'A', '--value', '2'], { store });
    envman(['add', '--key', 'A', '--value', '3', '--append'], { store });
    expect(readEnvStore(store).map((e) => `${e.key}=${e.value}`)).toEqual(['A=2', 'B=b', 'A=3']);
    // Two items of A: envman asks which to replace; without a terminal that is an error.
    expect(envman(['add', '--key', 'A', '--value', '4'], { store }).status).toBe(1);
  });

  it('refuses a value over the per-value limit from any source, exit 1, storing nothing', () => {
    const store = newStore();
    const big = join(tempDir(), 'big');
    writeFileSync(big, 'x'.repeat(1025));
    const env = { ENVMAN_ENV_BYTES_LIMIT_IN_KB: '1' };
    const fromFile = envman(['add', '--key', 'BIG', '--valuefile', big], { store, env });
    expect(fromFile.status).toBe(1);
    expect(fromFile.stderr).toContain('env var (BIG) value is too large');
    expect(envmanFromFifo('x'.repeat(1025), ['add', '--key', 'BIG'], { store, env }).status).toBe(1);
    expect(envman(['add', '--key', 'AT', '--value', 'x'.repeat(1024)], { store, env }).status).toBe(0);
    expect(readEnvStore(store).map((e) => e.key)).toEqual(['AT']);
  });

  it('takes the limits from ~/.envman/configs.json unless the environment overrides them; 0 is unlimited', () => {
    const store = newStore();
    const home = tempDir();
    mkdirSync(join(home, '.envman'));
    writeFileSync(join(home, '.envman', 'configs.json'), '{"env_bytes_limit_in_kb": 1}');
    const value = 'x'.repeat(2048);
    expect(envman(['add', '--key', 'A', '--value', value], { store, env: { HOME: home } }).status).toBe(1);
    expect(
      envman(['add', '--key', 'B', '--value', value], {
        store,
        env: { HOME: home, ENVMAN_ENV_BYTES_LIMIT_IN_KB: '2' },
      }).status,
    ).toBe(0);
    const big = join(tempDir(), 'big');
    writeFileSync(big, 'x'.repeat(300 * 1024));
    expect(
      envman(['add', '--key', 'C', '--valuefile', big], {
        store,
        env: { HOME: home, ENVMAN_ENV_BYTES_LIMIT_IN_KB: '0', ENVMAN_ENV_LIST_BYTES_LIMIT_IN_KB: '0' },
      }).status,
    ).toBe(0);
  });

  it('refuses an item that would take the whole list over its limit', () => {
    const store = newStore();
    const env = { ENVMAN_ENV_LIST_BYTES_LIMIT_IN_KB: '1' };
    expect(envman(['add', '--key', 'A', '--value', 'x'.repeat(600)], { store, env }).status).toBe(0);
    const over = envman(['add', '--key', 'B', '--value', 'x'.repeat(500)], { store, env });
    expect(over.status).toBe(1);
    expect(over.stderr).toContain('env var list is too large');
  });

  it('fails on a missing key or an unknown flag', () => {
    const store = newStore();
    expect(envman(['add', '--value', 'v'], { store }).status).toBe(1);
    expect(envman(['add', '--key', 'A', '--nope'], { store }).stderr).toContain(
      'flag provided but not defined',
    );
    expect(readEnvStore(store)).toEqual([]);
  });

  it('writes ./.envstore.yml without ENVMAN_ENVSTORE_PATH, or the --path store', () => {
    const dir = tempDir();
    expect(envman(['add', '--key', 'K', '--value', 'v'], { cwd: dir }).status).toBe(0);
    expect(existsSync(join(dir, '.envstore.yml'))).toBe(true);
    expect(
      envman(['-p', join(dir, 'other.yml'), 'add', '--key', 'K', '--value', 'v'], { cwd: dir }).status,
    ).toBe(0);
    expect(readEnvStore(join(dir, 'other.yml'))).toHaveLength(1);
  });

  it('prints the store with sensitive values masked', () => {
    const store = newStore();
    envman(['add', '--key', 'S', '--value', 'secret', '--sensitive'], { store });
    envman(['add', '--key', 'P', '--value', 'plain'], { store });
    expect(envman(['print'], { store }).stdout).toBe('S=[REDACTED]\nP=plain\n');
  });
});

describe('the CLI hands stored values to later Steps', () => {
  it('expands values added without --no-expand, keeps the others literal', () => {
    const store = newStore();
    envman(['add', '--key', 'EXPANDED', '--value', 'x$HOME y${NOPE} z'], { store });
    envman(['add', '--key', 'LITERAL', '--value', 'x$HOME y${NOPE} z', '--no-expand'], { store });
    envman(['add', '--key', 'SECRET', '--value', 's$HOME', '--no-expand', '--sensitive'], { store });
    const env = new Map([['HOME', '/home/u']]);
    const sensitive = applyEnvStore(env, store, new Set());
    expect(env.get('EXPANDED')).toBe('x/home/u y z');
    expect(env.get('LITERAL')).toBe('x$HOME y${NOPE} z');
    expect(env.get('SECRET')).toBe('s$HOME');
    expect(sensitive).toEqual(['SECRET']);
  });
});
