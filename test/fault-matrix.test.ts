import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIME_SCALE_ENV } from '../common/step/test-settings.ts';
import { apiKeyConnection } from '../testkit/fixtures/connections/index.ts';
import {
  connectionPayload,
  developmentInputs,
  KEYCHAIN_PASSWORD,
  P12_PASSPHRASE,
  seededDevelopmentIdentity,
} from '../testkit/fixtures/provisioning.ts';
import { generateProject } from '../testkit/fixtures/xcode-project.ts';
import { connectionSecrets, leakedSecrets, REPO_ROOT, runStepSh, type StepRun } from '../testkit/harness.ts';
import {
  type BuildApiSimulator,
  type Fault,
  refusedBuildUrl,
  startBuildApiSimulator,
} from '../testkit/simulators/build-api/index.ts';
import type { PortalFault } from '../testkit/simulators/portal/faults.ts';
import { type PortalSimulator, startPortalSimulator } from '../testkit/simulators/portal/index.ts';

/**
 * Every fault of the simulated services against every Step, run as the Bitrise CLI runs them.
 * Timeouts and retry waits are scaled down by the test-only TIME_SCALE_ENV (30 s → 300 ms).
 */
const SCALE = { [TIME_SCALE_ENV]: '0.01' };
const TIME_BOUND_MS = 20_000;
const STACK_LINE = /^\s+at .+[(\s].*:\d+:\d+\)?$/m;

type FetchOutcome = 'connected' | 'not connected' | 'bad payload';

interface BuildApiCase {
  name: string;
  outcome: FetchOutcome;
  /** What the Step's log must say about it. */
  says?: string;
  setup: (sim: BuildApiSimulator) => Promise<{ buildUrl?: string }> | { buildUrl?: string };
}

const once = (faults: Fault[]) => (sim: BuildApiSimulator) => {
  sim.queueFaults(faults);
  return {};
};
const always = (fault: Fault) => (sim: BuildApiSimulator) => {
  sim.setFault(fault);
  return {};
};

const BUILD_API_CASES: BuildApiCase[] = [
  {
    name: 'connection refused',
    outcome: 'not connected',
    says: 'Failed to activate Bitrise Apple Developer Portal connection',
    setup: async () => ({ buildUrl: await refusedBuildUrl() }),
  },
  { name: 'reset mid-body, then fine', outcome: 'connected', setup: once(['reset']) },
  { name: '401', outcome: 'not connected', says: "with a public app's PR build", setup: always('401') },
  {
    name: '403',
    outcome: 'not connected',
    says: 'network request failed with status 403',
    setup: always('403'),
  },
  {
    name: '404',
    outcome: 'not connected',
    says: 'network request failed with status 404',
    setup: always('404'),
  },
  {
    name: '429 with Retry-After',
    outcome: 'connected',
    says: '(Retry-After)',
    setup: once([{ mode: '429', retryAfter: 1 }]),
  },
  { name: '429 without Retry-After', outcome: 'connected', says: 'attempt 1/5 failed', setup: once(['429']) },
  {
    name: '500 on every attempt',
    outcome: 'not connected',
    says: 'network request failed with status 500',
    setup: always('500'),
  },
  {
    name: '503 twice, then success',
    outcome: 'connected',
    says: 'attempt 2/5 failed',
    setup: once(['503', '503']),
  },
  {
    name: 'slow beyond the timeout, then fine',
    outcome: 'connected',
    says: 'attempt 1/5 failed',
    setup: once([{ mode: 'slow', delayMs: 3000 }]),
  },
  { name: 'truncated JSON', outcome: 'bad payload', says: 'not valid JSON', setup: always('truncated') },
  { name: 'non-JSON body', outcome: 'bad payload', says: 'not valid JSON', setup: always('non-json') },
  {
    name: 'empty {}',
    outcome: 'not connected',
    says: 'Most likely because there is no Apple Developer Portal Account connected',
    setup: always('empty'),
  },
];

interface StepUnderTest {
  id: string;
  /** Inputs and env for a run that reaches the Apple work once credentials exist. */
  prepare: (buildApi: { url: string; token: string }) => Promise<{
    inputs: Record<string, string>;
    env?: Record<string, string>;
    payload: Record<string, unknown>;
  }>;
  /** Without a connection: fastlane runs the lane anyway, the others cannot work. */
  withoutConnection: { exitCode: number; says: string };
}

const root = mkdtempSync(join(tmpdir(), 'fault-matrix-'));
let portal: PortalSimulator;
beforeAll(async () => {
  portal = await startPortalSimulator({});
});
afterAll(() => portal.close());

function autoProvisionWorld(sim: PortalSimulator, name: string) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const identity = seededDevelopmentIdentity(sim, dir);
  const project = generateProject({ dir: join(dir, 'project'), extensions: 0 });
  return { ...developmentInputs(identity, project), dry_run: 'yes' };
}

let worldCounter = 0;
const STEPS: StepUnderTest[] = [
  {
    id: 'fastlane-wrapper',
    prepare: async ({ url, token }) => ({
      inputs: { lane: 'ios beta', build_url: url, build_api_token: token },
      payload: apiKeyConnection(),
    }),
    withoutConnection: {
      exitCode: 0,
      says: 'No authentication data found matching the selected Apple Service authentication method (automatic).',
    },
  },
  {
    id: 'deploy-to-itunes-connect',
    prepare: async ({ url, token }) => ({
      inputs: {
        build_url: url,
        build_api_token: token,
        ipa_path: join(REPO_ROOT, 'steps/deploy-to-itunes-connect/test/fixtures/App.ipa'),
        app_id: '1234567890',
        dry_run: 'yes',
        upload_method: 'deliver',
      },
      env: { STAND_IN_XCODEBUILD_VERSION: '16.2 16C5032a' },
      payload: apiKeyConnection(),
    }),
    withoutConnection: {
      exitCode: 1,
      says: 'Could not configure Apple Service authentication: no credentials provided',
    },
  },
  {
    id: 'auto-provision',
    prepare: async ({ url, token }) => ({
      inputs: {
        build_url: url,
        build_api_token: token,
        ...autoProvisionWorld(portal, `world-${worldCounter++}`),
      },
      env: { ...portal.hostMapEnv },
      payload: connectionPayload(portal, 'api_key', {}),
    }),
    withoutConnection: {
      exitCode: 1,
      says: 'could not configure Apple service authentication: no credentials provided',
    },
  },
];

/** The Bitrise CLI's failure reason: the last block of red lines, colours removed. */
function failureReason(run: StepRun): string[] {
  const lines = run.rawOutput.trimEnd().split('\n');
  let start = lines.length;
  while (start > 0 && lines[start - 1]!.startsWith('\x1b[31;1m')) start--;
  return lines.slice(start).map((line) => line.replace(/\x1b\[[0-9;]*m/g, ''));
}

function expectCleanEnding(run: StepRun, ms: number) {
  expect(run.output).not.toMatch(STACK_LINE);
  expect(ms).toBeLessThan(TIME_BOUND_MS);
  if (run.exitCode !== 0) {
    // The failure reason is the last, red line.
    expect(run.rawOutput.trimEnd().split('\n').at(-1)).toMatch(/^\x1b\[31;1m/);
  }
}

describe.each(STEPS)('build API faults against $id', (step) => {
  let buildApi: BuildApiSimulator;
  beforeAll(async () => {
    buildApi = await startBuildApiSimulator({ token: 'fault-matrix-token-1234', slowDelayMs: 3000 });
  });
  afterAll(() => buildApi.close());

  it.each(BUILD_API_CASES)('$name → $outcome', async (fault) => {
    buildApi.setFault(null);
    const prepared = await step.prepare({ url: buildApi.url, token: buildApi.token });
    buildApi.setPayload(fault.name === 'empty {}' ? {} : prepared.payload);
    const { buildUrl } = await fault.setup(buildApi);
    const started = Date.now();
    const run = await runStepSh(step.id, {
      inputs: { ...prepared.inputs, ...(buildUrl ? { build_url: buildUrl } : {}) },
      env: { ...SCALE, ...prepared.env },
    });
    const ms = Date.now() - started;
    buildApi.setFault(null);
    expectCleanEnding(run, ms);
    if (fault.says) expect(run.output).toContain(fault.says);
    expect(leakedSecrets(run.output, [buildApi.token, ...connectionSecrets(prepared.payload)])).toEqual([]);
    switch (fault.outcome) {
      case 'connected':
        expect(run.exitCode, run.output).toBe(0);
        expect(run.output).toContain('Bitrise Apple Developer Connection with API key found');
        break;
      case 'not connected':
        expect(run.exitCode, run.output).toBe(step.withoutConnection.exitCode);
        expect(run.output).toContain(step.withoutConnection.says);
        break;
      case 'bad payload':
        expect(run.exitCode).toBe(1);
        expect(run.output.trimEnd().split('\n').at(-1)).toContain(
          'invalid Apple Developer connection data from the build API',
        );
        break;
    }
  });
});

interface PortalCase {
  name: string;
  outcome: 'success' | 'failure';
  says?: string;
  faults: Array<{ times?: number; fault: PortalFault }>;
  refused?: boolean;
}

const CERTIFICATES = '/v1/certificates';
const PORTAL_CASES: PortalCase[] = [
  { name: 'connection refused', outcome: 'failure', says: 'ECONNREFUSED', faults: [], refused: true },
  { name: 'reset, then fine', outcome: 'success', faults: [{ fault: { kind: 'reset' } }] },
  {
    name: '401 once (fresh token)',
    outcome: 'success',
    faults: [{ fault: { kind: 'status', status: 401 } }],
  },
  {
    name: '403',
    outcome: 'failure',
    says: '403',
    faults: [{ times: 10, fault: { kind: 'status', status: 403 } }],
  },
  {
    name: '403 agreement',
    outcome: 'failure',
    says: 'accept the new agreement in App Store Connect',
    faults: [
      {
        times: 10,
        fault: { kind: 'status', status: 403, code: 'FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED' },
      },
    ],
  },
  {
    name: '404',
    outcome: 'failure',
    says: '404',
    faults: [{ times: 10, fault: { kind: 'status', status: 404 } }],
  },
  {
    name: '429 with Retry-After',
    outcome: 'success',
    faults: [{ fault: { kind: 'status', status: 429, retryAfter: '1' } }],
  },
  {
    name: '429 without Retry-After',
    outcome: 'success',
    faults: [{ fault: { kind: 'status', status: 429 } }],
  },
  {
    name: '500 on every attempt',
    outcome: 'failure',
    says: '500',
    faults: [{ times: 10, fault: { kind: 'status', status: 500 } }],
  },
  { name: '503, then success', outcome: 'success', faults: [{ fault: { kind: 'status', status: 503 } }] },
  {
    name: 'slow beyond the timeout, then fine',
    outcome: 'success',
    faults: [{ fault: { kind: 'delay', ms: 1500 } }],
  },
  {
    name: 'truncated JSON',
    outcome: 'failure',
    faults: [{ times: 10, fault: { kind: 'raw', status: 200, body: '{"data": [{"type": "certif' } }],
  },
  {
    name: 'non-JSON body',
    outcome: 'failure',
    faults: [
      {
        times: 10,
        fault: { kind: 'raw', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' },
      },
    ],
  },
  {
    name: 'empty {}',
    outcome: 'failure',
    faults: [{ times: 10, fault: { kind: 'raw', status: 200, body: '{}' } }],
  },
];

describe('Developer Portal faults against auto-provision', () => {
  let buildApi: BuildApiSimulator;
  beforeAll(async () => {
    buildApi = await startBuildApiSimulator({ token: 'fault-matrix-token-5678' });
  });
  afterAll(() => buildApi.close());

  it.each(PORTAL_CASES)('$name → $outcome', async (fault) => {
    const prepared = await STEPS[2]!.prepare({ url: buildApi.url, token: buildApi.token });
    buildApi.setPayload(prepared.payload);
    for (const rule of fault.faults) portal.faults.add({ path: CERTIFICATES, method: 'GET', ...rule });
    const env = fault.refused
      ? {
          BITRISE_APPLE_STEPS_TEST_HOST_MAP: `api.appstoreconnect.apple.com=${new URL(await refusedBuildUrl()).host}`,
          BITRISE_APPLE_STEPS_TEST_CA_FILE: portal.hostMapEnv['BITRISE_APPLE_STEPS_TEST_CA_FILE']!,
        }
      : prepared.env;
    const started = Date.now();
    const run = await runStepSh('auto-provision', { inputs: prepared.inputs, env: { ...SCALE, ...env } });
    const ms = Date.now() - started;
    portal.faults.clear();
    expectCleanEnding(run, ms);
    if (fault.says) expect(run.output).toContain(fault.says);
    expect(
      leakedSecrets(run.output, [
        buildApi.token,
        P12_PASSPHRASE,
        KEYCHAIN_PASSWORD,
        ...connectionSecrets(prepared.payload),
      ]),
    ).toEqual([]);
    if (fault.outcome === 'success') {
      expect(run.exitCode, run.output).toBe(0);
      expect(run.output).toContain('Dry run: nothing was changed');
    } else {
      expect(run.exitCode, run.output).toBe(1);
      const reason = failureReason(run);
      expect(reason[0]).toMatch(
        /^(Automatic code signing failed|could not configure Apple service authentication): /,
      );
      expect(Buffer.byteLength(reason.join('\n'))).toBeLessThanOrEqual(1024);
    }
  });
});
