import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyConnection } from '../testkit/fixtures/connections/index.ts';
import {
  connectionPayload,
  developmentInputs,
  seededDevelopmentIdentity,
} from '../testkit/fixtures/provisioning.ts';
import { generateProject } from '../testkit/fixtures/xcode-project.ts';
import { callsOf, REPO_ROOT, runStepSh, type StepRun } from '../testkit/harness.ts';
import { type BuildApiSimulator, startBuildApiSimulator } from '../testkit/simulators/build-api/index.ts';
import { type PortalSimulator, startPortalSimulator } from '../testkit/simulators/portal/index.ts';

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

describe('temp-file audit: deploy-to-itunes-connect', () => {
  const ipa = join(REPO_ROOT, 'steps/deploy-to-itunes-connect/test/fixtures/App.ipa');
  it.each([
    ['success', {}, undefined, 0],
    ['failure', { STAND_IN_FASTLANE_EXIT: '1', STAND_IN_FASTLANE_FAIL_ON: 'deliver' }, undefined, 1],
    [
      'SIGTERM mid-run',
      { STAND_IN_FASTLANE_SLEEP_MS: '20000', STAND_IN_FASTLANE_SLEEP_ON: 'deliver' },
      'fastlane stand-in is sleeping',
      143,
    ],
  ] as const)('after %s', async (_name, env, kill, exitCode) => {
    const run = await runStepSh('deploy-to-itunes-connect', {
      inputs: {
        build_url: sim.url,
        build_api_token: sim.token,
        ipa_path: ipa,
        app_id: '1234567890',
        upload_method: 'deliver',
      },
      env: {
        STAND_IN_CAPTURE_ARGS: '--api_key_path,--ipa',
        STAND_IN_XCODEBUILD_VERSION: '16.2 16C5032a',
        ...env,
      },
      killWhenOutput: kill,
    });
    expect(run.exitCode).toBe(exitCode);
    const deliver = callsOf(run, 'fastlane').find((call) => call.argv.includes('deliver'))!;
    const keyFile = deliver.files['--api_key_path']!;
    expect(keyFile.mode & 0o077).toBe(0);
    expect(JSON.parse(keyFile.content)).toHaveProperty('key');
    expect(deliver.files['--ipa']!.path).not.toBe(ipa);
    expect(leftovers(run)).toEqual([]);
  });
});

describe('temp-file audit: auto-provision', () => {
  let portal: PortalSimulator;
  beforeAll(async () => {
    portal = await startPortalSimulator({});
  });
  afterAll(() => portal.close());

  it.each([
    ['success', {}, undefined, 0],
    ['failure', { STAND_IN_SECURITY_EXIT: '1', STAND_IN_SECURITY_FAIL_ON: 'import' }, undefined, 1],
    [
      'SIGTERM mid-run',
      { STAND_IN_SECURITY_SLEEP_MS: '20000', STAND_IN_SECURITY_SLEEP_ON: 'import' },
      'security stand-in is sleeping',
      143,
    ],
  ] as const)('after %s', async (name, env, kill, exitCode) => {
    const dir = join(run0(), name.replace(/\W/g, '-'));
    mkdirSync(dir, { recursive: true });
    const dev = seededDevelopmentIdentity(portal, dir);
    const project = generateProject({ dir: join(dir, 'project'), extensions: 0 });
    sim.setPayload(connectionPayload(portal, 'api_key', {}));
    const run = await runStepSh('auto-provision', {
      inputs: { build_url: sim.url, build_api_token: sim.token, ...developmentInputs(dev, project) },
      env: { ...portal.hostMapEnv, STAND_IN_CAPTURE_ARGS: 'import', ...env },
      killWhenOutput: kill,
    });
    sim.setPayload(apiKeyConnection());
    expect(run.exitCode, run.output).toBe(exitCode);
    const imported = callsOf(run, 'security').find((call) => call.argv.includes('import'))!;
    const p12 = imported.files['import']!;
    expect(p12.path).not.toBe(dev.p12Path);
    expect(p12.mode & 0o077).toBe(0);
    expect(leftovers(run)).toEqual([]);
  });
});

function run0(): string {
  return mkdtempSync(join(tmpdir(), 'temp-audit-'));
}
