import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyConnection } from '../e2e/fixtures/connections/index.ts';
import { callsOf, runStepSh, type StepRun } from '../e2e/harness.ts';
import { type BuildApiSimulator, startBuildApiSimulator } from '../e2e/simulators/build-api/index.ts';

let sim: BuildApiSimulator;
beforeAll(async () => {
  sim = await startBuildApiSimulator({ payload: apiKeyConnection(), token: 'temp-audit-token-1234' });
});
afterAll(() => sim.close());

/** Everything left below the run's TMPDIR: a Step must leave nothing behind. */
function leftovers(run: StepRun): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? [join(dir, entry.name), ...walk(join(dir, entry.name))] : [join(dir, entry.name)],
    );
  return walk(run.tmp);
}

async function fastlaneRun(env: Record<string, string>, kill?: string) {
  return runStepSh('fastlane-wrapper', {
    inputs: { lane: 'ios beta', build_url: sim.url, build_api_token: sim.token },
    env: { STAND_IN_CAPTURE_FILES: 'APP_STORE_CONNECT_API_KEY_PATH', ...env },
    killWhenOutput: kill,
  });
}

describe('temp-file audit: key files are private while they exist and gone afterwards', () => {
  it.each([
    ['success', {}, undefined, 0],
    ['failure', { STAND_IN_FASTLANE_EXIT: '1', STAND_IN_FASTLANE_FAIL_ON: 'beta' }, undefined, 1],
    [
      'SIGTERM mid-run',
      { STAND_IN_FASTLANE_SLEEP_MS: '20000', STAND_IN_FASTLANE_SLEEP_ON: 'beta' },
      'fastlane stand-in is sleeping',
      143,
    ],
  ] as const)('fastlane-wrapper after %s', async (_name, env, kill, exitCode) => {
    const started = Date.now();
    const run = await fastlaneRun(env, kill);
    expect(run.exitCode).toBe(exitCode);
    // The interrupted tool is stopped with the Step, not waited for.
    expect(Date.now() - started).toBeLessThan(15_000);
    const lane = callsOf(run, 'fastlane').find((call) => call.argv.includes('beta'))!;
    const keyFile = lane.files['APP_STORE_CONNECT_API_KEY_PATH']!;
    expect(keyFile.mode & 0o077).toBe(0);
    expect(leftovers(run)).toEqual([]);
    if (kill) expect(run.output).toContain('interrupted by SIGTERM');
  });
});
