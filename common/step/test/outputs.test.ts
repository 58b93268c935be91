import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecordings, STAND_INS_DIR } from '../../../e2e/stand-ins/index.ts';
import { createExec } from '../exec.ts';
import { exportOutputs } from '../outputs.ts';
import { captureLogger } from './helpers.ts';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'outputs-'));
  const log = join(dir, 'calls.jsonl');
  const env = { PATH: `${STAND_INS_DIR}:${process.env.PATH}`, STAND_IN_LOG: log };
  const { logger, output } = captureLogger();
  return { log, env, exec: createExec(logger), output };
}

describe('exportOutputs', () => {
  it('sends each value to envman on stdin, with --sensitive when declared', async () => {
    const { log, env, exec, output } = setup();
    await exportOutputs(
      [
        { key: 'PLAIN_OUT', value: 'hello' },
        { key: 'SECRET_OUT', value: 'session-cookie-value', sensitive: true },
      ],
      exec,
      env,
    );
    const calls = readRecordings(log);
    expect(calls.map((c) => [c.argv, c.stdin])).toEqual([
      [['add', '--key', 'PLAIN_OUT'], 'hello'],
      [['add', '--key', 'SECRET_OUT', '--sensitive'], 'session-cookie-value'],
    ]);
    expect(output()).not.toContain('session-cookie-value');
  });

  it('fails clearly when envman is missing or refuses the value', async () => {
    const { env, exec } = setup();
    await expect(exportOutputs([{ key: 'K', value: 'v' }], exec, { PATH: '/nonexistent' })).rejects.toThrow(
      'could not export K: envman was not found on PATH',
    );
    await expect(
      exportOutputs([{ key: 'K', value: 'v' }], exec, {
        ...env,
        STAND_IN_ENVMAN_EXIT: '1',
        STAND_IN_ENVMAN_STDOUT: 'value too large',
      }),
    ).rejects.toThrow(/could not export K: envman refused the value \(value too large\)/);
  });
});
