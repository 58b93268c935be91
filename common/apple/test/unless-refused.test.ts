import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExec, RunningTools } from '../../step/exec.ts';
import { StepError } from '../../step/index.ts';
import { captureLogger, waitUntilEnded } from '../../step/test/helpers.ts';
import { unlessRefused } from '../preflight/unless-refused.ts';

const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

describe("unlessRefused: a setup raced against Apple's verdict", () => {
  it('ends the running install and throws the refusal at once', async () => {
    const tools = new RunningTools(1000);
    const { logger } = captureLogger();
    const exec = createExec(logger, { tools });
    const pidFile = join(mkdtempSync(join(tmpdir(), 'unless-refused-')), 'pid');
    const install = exec('bash', ['-c', `echo $$ > ${pidFile}; exec sleep 30`], { env, cwd: process.cwd() });
    const refusal = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new StepError('Apple no longer accepts the connected Apple ID session')), 200),
    );
    const started = Date.now();
    await expect(unlessRefused(install, refusal, tools)).rejects.toThrow('Apple no longer accepts');
    expect(Date.now() - started).toBeLessThan(2000);
    await waitUntilEnded(Number(readFileSync(pidFile, 'utf8')));
    // The install itself ends as a killed tool, and nothing is left registered.
    await expect(install).rejects.toThrow();
    expect(tools.size).toBe(0);
  });

  it("returns the work when Apple says nothing against it, and passes the work's own failure on", async () => {
    const never = new Promise<never>(() => {});
    expect(await unlessRefused(Promise.resolve('installed'), never)).toBe('installed');
    await expect(unlessRefused(Promise.reject(new Error('bundle install failed')), never)).rejects.toThrow(
      'bundle install failed',
    );
  });
});
