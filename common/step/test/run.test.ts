import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { E2E_ENVMAN_DIR } from '../../../testkit/envman/index.ts';
import { STAND_INS_DIR } from '../../../testkit/stand-ins/index.ts';
import { readEnvStore } from '../../../tools/lib/bitrise-cli/envstore.ts';
import { Cleanups } from '../cleanup.ts';
import { stripAnsi } from '../colors.ts';
import { StepError } from '../errors.ts';
import { createExec } from '../exec.ts';
import { runStep } from '../run.ts';
import { input } from '../schema.ts';
import { captureLogger } from './helpers.ts';

function harness(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'run-'));
  const log = join(dir, 'calls.jsonl');
  const store = join(dir, 'store.yml');
  const { logger, output } = captureLogger();
  const fullEnv = {
    PATH: `${STAND_INS_DIR}:${E2E_ENVMAN_DIR}:${process.env.PATH}`,
    STAND_IN_LOG: log,
    ENVMAN_ENVSTORE_PATH: store,
    ...env,
  };
  return {
    log,
    store,
    output,
    options: { env: fullEnv, logger, exec: createExec(logger), handleSignals: false, cwd: dir },
  };
}

const inputs = { name: input.string({ required: true }), count: input.int(), verbose_log: input.bool() };

describe('runStep', () => {
  it('fails once with every input problem and the config, exit code 1', async () => {
    const h = harness({ count: 'x' });
    let ran = false;
    const code = await runStep(
      {
        title: 'T',
        inputs,
        configure: (i) => i,
        run: async () => {
          ran = true;
        },
      },
      h.options,
    );
    expect(code).toBe(1);
    expect(ran).toBe(false);
    const text = stripAnsi(h.output());
    expect(text).toContain('- name: <unset>');
    expect(text).toMatch(
      /2 invalid inputs:\n- name: required, but empty\n- count: "x" is not a whole number\n2 invalid inputs \(name, count\): correct each one as the lines above say\n$/,
    );
  });

  it('exports outputs even when the work fails, then fails with the work error', async () => {
    const h = harness({ name: 'n' });
    const cleanups = new Cleanups();
    let tempDir = '';
    const code = await runStep(
      {
        title: 'T',
        inputs,
        configure: (i) => i,
        run: async () => {
          tempDir = cleanups.tempDir('key');
          throw new StepError('lane failed');
        },
        outputs: (_config, result) => [{ key: 'DIAG', value: result === undefined ? 'failed' : 'ok' }],
      },
      { ...h.options, cleanups },
    );
    expect(code).toBe(1);
    expect(readEnvStore(h.store).map((e) => e.value)).toEqual(['failed']);
    expect(existsSync(tempDir)).toBe(false);
    expect(stripAnsi(h.output()).trimEnd().split('\n').at(-1)).toBe('lane failed');
  });

  it('turns on debug logging with verbose_log', async () => {
    const h = harness({ name: 'n', verbose_log: 'yes' });
    const code = await runStep(
      {
        title: 'T',
        inputs,
        configure: (i) => i,
        run: async (_c, ctx) => ctx.logger.debug('debug detail'),
      },
      h.options,
    );
    expect(code).toBe(0);
    expect(h.output()).toContain('debug detail');
  });
});
