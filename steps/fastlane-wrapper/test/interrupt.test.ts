import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntilEnded } from '../../../common/step/test/helpers.ts';
import { apiKeyConnection } from '../../../testkit/fixtures/connections/index.ts';
import { callsOf, runStepSh } from '../../../testkit/harness.ts';
import {
  type BuildApiSimulator,
  startBuildApiSimulator,
} from '../../../testkit/simulators/build-api/index.ts';

let sim: BuildApiSimulator;
beforeAll(async () => {
  sim = await startBuildApiSimulator({ payload: apiKeyConnection(), token: 'interrupt-token-5821' });
});
afterAll(() => sim.close());

describe('fastlane-wrapper interrupted by SIGTERM', () => {
  it('ends fastlane with what it started, then removes its temp files', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'interrupt-')), 'grandchild.pid');
    const started = Date.now();
    const run = await runStepSh('fastlane-wrapper', {
      inputs: { lane: 'ios beta', build_url: sim.url, build_api_token: sim.token },
      env: {
        STAND_IN_FASTLANE_SLEEP_MS: '60000',
        STAND_IN_FASTLANE_SLEEP_ON: 'beta',
        // fastlane's ruby and the xcodebuild it starts: a process of the tool's own.
        STAND_IN_FASTLANE_GRANDCHILD_PIDFILE: pidFile,
        STAND_IN_CAPTURE_FILES: 'APP_STORE_CONNECT_API_KEY_PATH',
      },
      killWhenOutput: 'fastlane stand-in is sleeping',
    });

    expect(run.exitCode, run.output).toBe(143);
    expect(run.output).toContain('interrupted by SIGTERM');
    // Not waited for: the tool is ended with the Step.
    expect(Date.now() - started).toBeLessThan(30_000);
    await waitUntilEnded(Number(readFileSync(pidFile, 'utf8')));

    const lane = callsOf(run, 'fastlane').find((call) => call.argv.includes('beta'))!;
    const keyFile = lane.files['APP_STORE_CONNECT_API_KEY_PATH']!;
    expect(existsSync(keyFile.path)).toBe(false);
    expect(readdirSync(run.tmp)).toEqual([]);
  });
});
