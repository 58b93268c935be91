import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { E2E_ENVMAN_DIR } from '../../../testkit/envman/index.ts';
import { readRecordings } from '../../../testkit/stand-ins/index.ts';
import { readEnvStore } from '../../../tools/lib/bitrise-cli/envstore.ts';
import { createExec } from '../exec.ts';
import { exportOutputs } from '../outputs.ts';
import { captureLogger } from './helpers.ts';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'outputs-'));
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const log = join(dir, 'calls.jsonl');
  const store = join(dir, 'store.yml');
  const env = {
    PATH: `${E2E_ENVMAN_DIR}:${process.env.PATH}`,
    STAND_IN_LOG: log,
    ENVMAN_ENVSTORE_PATH: store,
    HOME: dir,
    TMPDIR: tmp,
  };
  const { logger, output } = captureLogger();
  return { log, store, tmp, env, exec: createExec(logger), output };
}

describe('exportOutputs', () => {
  it('stores every value byte for byte, literal, sensitive where declared, never in argv', async () => {
    const { log, store, tmp, env, exec, output } = setup();
    const values = {
      PLAIN_OUT: 'hello',
      DOLLARS: 'x$HOME y${X} $$ \\$z',
      MULTI_LINE: 'line 1\nline 2\r\n\n  indented: "yes" # no comment\n',
      EMPTY: '',
      SECRET_OUT: 'session-cookie-value',
    };
    await exportOutputs(
      Object.entries(values).map(([key, value]) => ({ key, value, sensitive: key === 'SECRET_OUT' })),
      exec,
      env,
    );
    expect(readEnvStore(store)).toEqual(
      Object.entries(values).map(([key, value]) => ({
        key,
        value,
        sensitive: key === 'SECRET_OUT',
        expand: false,
      })),
    );
    const argvs = readRecordings(log).map((call) => call.argv.join(' '));
    for (const argv of argvs) expect(argv).not.toContain('session-cookie-value');
    expect(argvs.at(-1)).toMatch(/^add --key SECRET_OUT --valuefile \S+ --no-expand --sensitive$/);
    expect(output()).not.toContain('session-cookie-value');
    // The value files are gone once exported.
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("refuses a value over envman's limit before calling envman, naming the output", async () => {
    const { log, env, exec } = setup();
    await expect(
      exportOutputs([{ key: 'BIG_OUT', value: 'x'.repeat(2049) }], exec, {
        ...env,
        ENVMAN_ENV_BYTES_LIMIT_IN_KB: '2',
      }),
    ).rejects.toThrow("could not export BIG_OUT: its value is 2.0 KB, over envman's 2 KB limit");
    mkdirSync(join(env.HOME, '.envman'));
    writeFileSync(join(env.HOME, '.envman', 'configs.json'), '{"env_bytes_limit_in_kb": 1}');
    await expect(exportOutputs([{ key: 'CONF_OUT', value: 'x'.repeat(1025) }], exec, env)).rejects.toThrow(
      'could not export CONF_OUT',
    );
    expect(readRecordings(log)).toEqual([]);
  });

  it('fails clearly, naming the output, when envman is missing or fails', async () => {
    const { env, exec, tmp } = setup();
    await expect(
      exportOutputs([{ key: 'K', value: 'v' }], exec, { ...env, PATH: '/nonexistent' }),
    ).rejects.toThrow('could not export K: envman was not found on PATH');
    // The list limit is only known to envman: it refuses with exit 1.
    await expect(
      exportOutputs([{ key: 'LIST_OUT', value: 'x'.repeat(2048) }], exec, {
        ...env,
        ENVMAN_ENV_LIST_BYTES_LIMIT_IN_KB: '1',
      }),
    ).rejects.toThrow(/could not export LIST_OUT: envman failed \(.*env var list is too large/);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
