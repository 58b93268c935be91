import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvStore } from '../lib/envstore.ts';
import { ENVMAN_DIR } from '../lib/run-step.ts';
import { tempDir } from './helpers.ts';

function envman(
  args: string[],
  options: { store?: string; input?: string; cwd?: string; env?: Record<string, string> },
) {
  return spawnSync(join(ENVMAN_DIR, 'envman'), args, {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, ENVMAN_ENVSTORE_PATH: options.store ?? '', ...options.env },
  });
}

describe('tools/envman', () => {
  it('adds from --value, stdin and --valuefile, replacing earlier values of a key unless --append', () => {
    const dir = tempDir();
    const store = join(dir, 'store.yml');
    writeFileSync(join(dir, 'value.txt'), 'from file');
    expect(envman(['add', '--key', 'A', '--value', 'one'], { store }).status).toBe(0);
    expect(envman(['add', '-k', 'B', '--sensitive'], { store, input: 'multi\nline: "yes"' }).status).toBe(0);
    expect(envman(['add', '--key=A', '--value=two'], { store }).status).toBe(0);
    expect(
      envman(['add', '--key', 'C', '--valuefile', join(dir, 'value.txt'), '--no-expand'], { store }).status,
    ).toBe(0);
    expect(envman(['add', '--key', 'C', '--value', 'yes', '--append'], { store }).status).toBe(0);
    expect(readEnvStore(store)).toEqual([
      { key: 'B', value: 'multi\nline: "yes"', sensitive: true },
      { key: 'A', value: 'two', sensitive: false },
      { key: 'C', value: 'from file', sensitive: false },
      { key: 'C', value: 'yes', sensitive: false },
    ]);
    expect(envman(['print'], { store }).stdout).toBe('B=[REDACTED]\nA=two\nC=from file\nC=yes\n');
  });

  it('writes ./.envstore.yml without ENVMAN_ENVSTORE_PATH', () => {
    const dir = tempDir();
    expect(envman(['add', '--key', 'K', '--value', 'v'], { cwd: dir }).status).toBe(0);
    expect(existsSync(join(dir, '.envstore.yml'))).toBe(true);
  });

  it('refuses a value over the size limit and a missing key, exiting non-zero', () => {
    const store = join(tempDir(), 'store.yml');
    const tooLarge = envman(['add', '--key', 'BIG'], {
      store,
      input: 'x'.repeat(2048),
      env: { ENVMAN_ENV_BYTES_LIMIT_IN_KB: '1' },
    });
    expect(tooLarge.status).toBe(1);
    expect(tooLarge.stderr).toContain('env var value too large');
    expect(envman(['add', '--value', 'v'], { store }).status).toBe(1);
    expect(readEnvStore(store)).toEqual([]);
  });
});
