import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colors } from '../common/step/colors.ts';
import { FATAL_LIMIT_BYTES } from '../common/step/logger.ts';
import { TIME_SCALE_ENV } from '../common/step/test-settings.ts';
import { lastRedBlock, redBlocks } from '../testkit/failure-reason.ts';
import { apiKeyConnection, appleIdConnection } from '../testkit/fixtures/connections/index.ts';
import {
  connectionPayload,
  developmentInputs,
  seededDevelopmentIdentity,
  signingIdentity,
} from '../testkit/fixtures/provisioning.ts';
import { generateProject } from '../testkit/fixtures/xcode-project.ts';
import { REPO_ROOT, runStepSh, type StepRun, type StepRunOptions } from '../testkit/harness.ts';
import { type BuildApiSimulator, startBuildApiSimulator } from '../testkit/simulators/build-api/index.ts';
import { type PortalSimulator, startPortalSimulator } from '../testkit/simulators/portal/index.ts';

/**
 * The failure reason users see, per failure class: each Step runs end to end as the Bitrise CLI
 * runs it, and the reason is read from its coloured output the way the CLI's ErrorFinder reads it
 * (testkit/failure-reason.ts). It must be exactly one red line at the very end, at most 1 KB, naming
 * the cause and the fix; every detail (the request, Apple's answer, the tool's output) is plain.
 */

const SCALE = { [TIME_SCALE_ENV]: '0.01' };
const IPA = join(REPO_ROOT, 'steps/deploy-to-itunes-connect/test/fixtures/App.ipa');
const XCODE = { STAND_IN_XCODEBUILD_STDOUT: 'Xcode 16.2\nBuild version 16C5032a' };
const FASTLANE = { STAND_IN_FASTLANE_STDOUT: 'fastlane 2.228.0' };

const root = mkdtempSync(join(tmpdir(), 'failure-reason-'));
let buildApi: BuildApiSimulator;
let portal: PortalSimulator;
beforeAll(async () => {
  buildApi = await startBuildApiSimulator({ token: 'failure-reason-token-7c1d' });
  portal = await startPortalSimulator({});
});
afterAll(async () => {
  await buildApi.close();
  await portal.close();
});

interface Expected {
  /** The Step's exit code; 1 unless told. */
  exitCode?: number;
  /** What went wrong, as the reason must name it. */
  cause: RegExp;
  /** What to do about it. */
  fix: RegExp;
  /** Lines that must be in the output, plain, before the reason. */
  details?: string[];
}

/** Runs a Step and checks its failure reason; returns the reason for further checks. */
async function failureOf(stepId: string, options: StepRunOptions, expected: Expected): Promise<string> {
  const run = await runStepSh(stepId, options);
  expect(run.exitCode, run.output).toBe(expected.exitCode ?? 1);
  const reason = lastRedBlock(run.rawOutput);
  expect(reason, run.output).toBeDefined();
  expectOneRedLineAtTheEnd(run, reason!);
  expect(reason).toMatch(expected.cause);
  expect(reason).toMatch(expected.fix);
  for (const detail of expected.details ?? []) expect(plainLines(run)).toContain(detail);
  return reason!;
}

function expectOneRedLineAtTheEnd(run: StepRun, reason: string): void {
  expect(reason).not.toMatch(/[\r\n]/);
  expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(FATAL_LIMIT_BYTES);
  // The only red in the whole run, and its very last line: nothing red follows it.
  expect(redBlocks(run.rawOutput)).toEqual([reason]);
  expect(run.rawOutput.trimEnd().split('\n').at(-1)).toBe(`${colors.red}${reason}${colors.reset}`);
}

/** Lines printed without any colour. */
function plainLines(run: StepRun): string[] {
  return run.rawOutput.split('\n').filter((line) => !line.includes('\x1b['));
}

function connected(payload: Record<string, unknown> | string): {
  build_url: string;
  build_api_token: string;
} {
  buildApi.setFault(null);
  buildApi.setPayload(payload);
  return { build_url: buildApi.url, build_api_token: buildApi.token };
}

function fastlaneInputs(extra: Record<string, string> = {}): Record<string, string> {
  return { lane: 'ios beta', ...extra };
}

function deployInputs(extra: Record<string, string> = {}): Record<string, string> {
  // deliver's failures are the subject; the API upload has its own in the Step's tests.
  return { ipa_path: IPA, app_id: '1234567890', upload_method: 'deliver', ...extra };
}

let worldCounter = 0;
/** A project and a development identity whose certificate the portal knows (unless told otherwise). */
function signingWorld(options: { certificateOnPortal?: boolean } = {}): Record<string, string> {
  const dir = join(root, `world-${worldCounter++}`);
  mkdirSync(dir, { recursive: true });
  const team = portal.teams[0]!;
  const identity =
    options.certificateOnPortal === false
      ? signingIdentity(dir, 'development', team.teamId, team.name)
      : seededDevelopmentIdentity(portal, dir);
  const project = generateProject({ dir: join(dir, 'project'), extensions: 0 });
  return { ...developmentInputs(identity, project), dry_run: 'yes' };
}

describe('failure reason: bad inputs, several at once', () => {
  it.each([
    ['fastlane-wrapper', { lane: '', work_dir: '/does/not/exist', verbose_log: 'maybe' }],
    ['deploy-to-itunes-connect', { platform: 'watchos', submit_for_review: 'maybe', ipa_path: IPA }],
    [
      'auto-provision',
      { distribution_type: 'beta', project_path: '/does/not/exist', min_profile_days_valid: 'soon' },
    ],
  ] as const)('%s names every bad input on the red line and lists them plain', async (stepId, inputs) => {
    const run = await runStepSh(stepId, { inputs: { ...inputs } });
    expect(run.exitCode, run.output).toBe(1);
    const reason = lastRedBlock(run.rawOutput)!;
    expectOneRedLineAtTheEnd(run, reason);
    const plain = plainLines(run);
    const header = plain.findIndex((line) => /^\d+ invalid inputs:$/.test(line));
    expect(header, run.output).toBeGreaterThan(-1);
    const listed = plain.slice(header + 1).flatMap((line) => /^- ([a-z_/]+): /.exec(line)?.[1] ?? []);
    for (const key of Object.keys(inputs).filter((key) => key !== 'ipa_path')) expect(listed).toContain(key);
    expect(reason).toBe(
      `${listed.length} invalid inputs (${listed.join(', ')}): correct each one as the lines above say`,
    );
  });
});

describe('failure reason: no connection', () => {
  it.each([
    ['deploy-to-itunes-connect', { ...XCODE, ...FASTLANE }],
    ['auto-provision', {}],
  ] as const)('%s: the build API answers 404', async (stepId, env) => {
    const inputs = stepId === 'auto-provision' ? signingWorld() : deployInputs();
    const urls = connected(apiKeyConnection());
    buildApi.setFault('404');
    await failureOf(
      stepId,
      { inputs: { ...inputs, ...urls }, env: { ...SCALE, ...env } },
      {
        cause:
          /no credentials provided, as the build's Apple Developer connection could not be fetched \(.*status 404\)/i,
        fix: /rerun the build; if the build API keeps failing, check https:\/\/status\.bitrise\.io$/,
      },
    );
  });

  it('deploy-to-itunes-connect: nothing is connected to the build', async () => {
    await failureOf(
      'deploy-to-itunes-connect',
      { inputs: { ...deployInputs(), ...connected({}) }, env: { ...XCODE, ...FASTLANE } },
      {
        cause: /^Could not configure Apple Service authentication: no credentials provided/,
        fix: /connect an App Store Connect API key or an Apple ID to this app on bitrise\.io/,
      },
    );
  });

  it('fastlane-wrapper: connection set to api_key, but only an Apple ID is connected', async () => {
    await failureOf(
      'fastlane-wrapper',
      { inputs: { ...fastlaneInputs({ connection: 'api_key' }), ...connected(appleIdConnection()) } },
      {
        cause: /connection is set to api_key, but this build has no App Store Connect API key connection/,
        fix: /add an App Store Connect API key on bitrise\.io/,
      },
    );
  });
});

describe('failure reason: the build API keeps failing', () => {
  it('deploy-to-itunes-connect: 500 on every attempt', async () => {
    const urls = connected(apiKeyConnection());
    buildApi.setFault('500');
    await failureOf(
      'deploy-to-itunes-connect',
      { inputs: { ...deployInputs(), ...urls }, env: { ...SCALE, ...XCODE, ...FASTLANE } },
      {
        cause:
          /could not be fetched \(failed to fetch authentication credentials: network request failed with status 500\)/,
        fix: /rerun the build/,
      },
    );
  });
});

describe('failure reason: the build API answers what no connection looks like', () => {
  it('fastlane-wrapper: truncated JSON', async () => {
    const urls = connected(apiKeyConnection());
    buildApi.setFault('truncated');
    await failureOf(
      'fastlane-wrapper',
      { inputs: { ...fastlaneInputs(), ...urls }, env: { ...SCALE } },
      {
        cause: /^invalid Apple Developer connection data from the build API: .*not valid JSON/,
        fix: /rerun the build; if it keeps happening, reconnect the Apple Developer account/,
      },
    );
  });
});

describe('failure reason: expired session', () => {
  it.each([
    ['fastlane-wrapper', fastlaneInputs(), {}],
    ['deploy-to-itunes-connect', deployInputs(), { ...XCODE, ...FASTLANE }],
  ] as const)('%s', async (stepId, inputs, env) => {
    await failureOf(
      stepId,
      {
        inputs: { ...inputs, ...connected(appleIdConnection({ expiry: '2026-01-02T03:04:05.000Z' })) },
        env: { ...env },
      },
      {
        cause:
          /2FA session saved in Bitrise Developer Connection is expired, was valid until 2026-01-02 03:04:05 \+0000 UTC/,
        fix: /re-authenticate/,
      },
    );
  });
});

describe('failure reason: the Apple ID session is no longer valid', () => {
  it('auto-provision: the Developer Portal refuses the session when listing the teams', async () => {
    const sim = await startPortalSimulator({});
    try {
      const dir = join(root, 'apple-id-session');
      mkdirSync(dir, { recursive: true });
      const identity = seededDevelopmentIdentity(sim, dir);
      const project = generateProject({ dir: join(dir, 'project'), extensions: 0 });
      sim.expireSession();
      await failureOf(
        'auto-provision',
        {
          inputs: {
            ...developmentInputs(identity, project),
            dry_run: 'yes',
            ...connected(connectionPayload(sim, 'apple_id')),
          },
          env: { ...SCALE, ...sim.hostMapEnv },
        },
        {
          cause:
            /^could not configure Apple service authentication: Apple refused the Apple ID session of the connection \(401 NOT_AUTHORIZED\)/,
          fix: /Re-authenticate the Apple Developer connection in Bitrise/,
          details: [
            '- NOT_AUTHORIZED: Authentication credentials are missing or invalid.: Provide a properly configured and signed bearer token, and make sure that it has not expired.',
          ],
        },
      );
    } finally {
      await sim.close();
    }
  });
});

describe('failure reason: a tool fails', () => {
  it('fastlane-wrapper: the lane exits 1', async () => {
    await failureOf(
      'fastlane-wrapper',
      {
        inputs: { ...fastlaneInputs(), ...connected(apiKeyConnection()) },
        env: { ...FASTLANE, STAND_IN_FASTLANE_EXIT: '1', STAND_IN_FASTLANE_FAIL_ON: 'beta' },
      },
      {
        cause: /^running Fastlane failed: fastlane failed with exit code 1/,
        fix: /see the fastlane output above/,
      },
    );
  });

  it('fastlane-wrapper: gem cannot install fastlane', async () => {
    await failureOf(
      'fastlane-wrapper',
      {
        inputs: { ...fastlaneInputs({ update_fastlane: 'yes' }), ...connected(apiKeyConnection()) },
        env: { ...SCALE, ...FASTLANE, STAND_IN_GEM_EXIT: '1', STAND_IN_GEM_FAIL_ON: 'install' },
      },
      {
        cause: /^gem failed with exit code 1/,
        fix: /see the gem or bundle output above: .*set update_fastlane to no/,
      },
    );
  });

  it('deploy-to-itunes-connect: deliver exits 1', async () => {
    await failureOf(
      'deploy-to-itunes-connect',
      {
        inputs: { ...deployInputs(), ...connected(apiKeyConnection()) },
        env: { ...XCODE, ...FASTLANE, STAND_IN_FASTLANE_EXIT: '1', STAND_IN_FASTLANE_FAIL_ON: 'deliver' },
      },
      {
        cause: /^Deploy failed, error: fastlane failed with exit code 1/,
        fix: /set the fastlane_version input to latest/,
      },
    );
  });
});

describe('failure reason: the Developer Portal refuses auto-provision', () => {
  it('rejects the API key (401 on every attempt)', async () => {
    const payload = { ...connectionPayload(portal, 'api_key'), key_id: 'WRONGKEY01' };
    await failureOf(
      'auto-provision',
      { inputs: { ...signingWorld(), ...connected(payload) }, env: { ...SCALE, ...portal.hostMapEnv } },
      {
        cause:
          /^Automatic code signing failed: App Store Connect rejected the API key \(401 NOT_AUTHORIZED\)/,
        fix: /check the key ID and issuer ID of the connected API key, and that the key is not revoked/,
        details: [
          '- NOT_AUTHORIZED: Authentication credentials are missing or invalid.: Provide a properly configured and signed bearer token, and make sure that it has not expired.',
        ],
      },
    );
  });

  it('rate-limits every attempt (429 without end)', async () => {
    portal.faults.add({
      path: '/v1/certificates',
      method: 'GET',
      times: 10,
      fault: { kind: 'status', status: 429 },
    });
    try {
      await failureOf(
        'auto-provision',
        {
          inputs: { ...signingWorld(), ...connected(connectionPayload(portal, 'api_key')) },
          env: { ...SCALE, ...portal.hostMapEnv },
        },
        {
          cause:
            /^Automatic code signing failed: Apple kept rate-limiting GET \/v1\/certificates \(429 RATE_LIMIT_EXCEEDED\)/,
          fix: /hourly request limit is used up.*rerun the build later$/,
          details: [
            '- RATE_LIMIT_EXCEEDED: The request rate limit has been reached.: We have received too many requests for this API key.',
          ],
        },
      );
    } finally {
      portal.faults.clear();
    }
  });

  it('asks for a longer wait than the Step allows (429 with a long Retry-After)', async () => {
    portal.faults.add({
      path: '/v1/certificates',
      method: 'GET',
      times: 10,
      fault: { kind: 'status', status: 429, retryAfter: '3600' },
    });
    try {
      await failureOf(
        'auto-provision',
        {
          inputs: { ...signingWorld(), ...connected(connectionPayload(portal, 'api_key')) },
          env: { ...SCALE, ...portal.hostMapEnv },
        },
        {
          cause: /^Automatic code signing failed: .*429.*Retry-After/,
          fix: /run the build again once that wait has passed$/,
        },
      );
    } finally {
      portal.faults.clear();
    }
  });

  it('cannot read the certificate file', async () => {
    await failureOf(
      'auto-provision',
      {
        inputs: {
          ...signingWorld(),
          certificate_urls: `file://${join(root, 'missing.p12')}`,
          ...connected(connectionPayload(portal, 'api_key')),
        },
        env: { ...SCALE, ...portal.hostMapEnv },
      },
      {
        cause:
          /^Automatic code signing failed: failed to read certificate 1 \(\*+\): the file does not exist/,
        fix: /check certificate_urls and passphrases/,
      },
    );
  });

  it('cannot import the certificate into the keychain', async () => {
    await failureOf(
      'auto-provision',
      {
        inputs: { ...signingWorld(), dry_run: 'no', ...connected(connectionPayload(portal, 'api_key')) },
        env: {
          ...SCALE,
          ...portal.hostMapEnv,
          STAND_IN_SECURITY_EXIT: '1',
          STAND_IN_SECURITY_FAIL_ON: 'import',
        },
      },
      {
        cause: /^Automatic code signing failed: failed to import .* into .*: security exited with 1/,
        fix: /check keychain_path, and that keychain_password unlocks it/,
      },
    );
  });

  it('does not know the certificate', async () => {
    await failureOf(
      'auto-provision',
      {
        inputs: {
          ...signingWorld({ certificateOnPortal: false }),
          ...connected(connectionPayload(portal, 'api_key')),
        },
        env: { ...SCALE, ...portal.hostMapEnv },
      },
      {
        cause:
          /^Automatic code signing failed: not found any of the following IOS_DEVELOPMENT certificates on Developer Portal: .*\(serial [0-9A-F]+\)/,
        fix: /upload the \.p12 of a certificate of this team/,
      },
    );
  });
});

describe('failure reason: the build ends the Step', () => {
  it('fastlane-wrapper: SIGTERM while the lane runs', async () => {
    await failureOf(
      'fastlane-wrapper',
      {
        inputs: { ...fastlaneInputs(), ...connected(apiKeyConnection()) },
        env: { ...FASTLANE, STAND_IN_FASTLANE_SLEEP_MS: '20000', STAND_IN_FASTLANE_SLEEP_ON: 'beta' },
        killWhenOutput: 'fastlane stand-in is sleeping',
      },
      {
        exitCode: 143,
        cause: /^interrupted by SIGTERM/,
        fix: /rerun the build/,
      },
    );
  });
});

describe('failure reason: an internal bug', () => {
  it('an unexpected exception still ends in one red line that says it is a bug', async () => {
    // A genuine TypeError where the Step creates its fastlane log directory, injected into the
    // Step's own node process only: nothing in the product knows about it.
    const preload = join(root, 'internal-bug.mjs');
    writeFileSync(
      preload,
      [
        "import fs from 'node:fs';",
        "import { syncBuiltinESMExports } from 'node:module';",
        'const mkdtempSync = fs.mkdtempSync;',
        'fs.mkdtempSync = (prefix, ...rest) => {',
        "  if (String(prefix).includes('fastlane_logs')) return undefined.path;",
        '  return mkdtempSync(prefix, ...rest);',
        '};',
        'syncBuiltinESMExports();',
      ].join('\n'),
    );
    await failureOf(
      'fastlane-wrapper',
      {
        inputs: { ...fastlaneInputs(), ...connected(apiKeyConnection()) },
        env: { ...FASTLANE, NODE_OPTIONS: `--import=${preload}` },
      },
      {
        cause: /^unexpected TypeError: Cannot read properties of undefined \(reading 'path'\)/,
        fix: /this is a bug in the Step: rerun with verbose_log set to yes for the stack trace/,
      },
    );
  });

  it('an error outside every phase (an unhandled stream error) also ends in one red line', async () => {
    // An 'error' event nobody listens to, as the EPIPE of issue 12 was: thrown from the event loop.
    const preload = join(root, 'stray-stream-error.mjs');
    writeFileSync(
      preload,
      [
        "import { PassThrough } from 'node:stream';",
        '// Once the Step has started the lane, a stream nobody listens to fails.',
        'const write = process.stdout.write.bind(process.stdout);',
        'let fired = false;',
        'process.stdout.write = (chunk, ...rest) => {',
        "  if (!fired && String(chunk).includes('$ fastlane ios beta')) {",
        '    fired = true;',
        "    const err = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });",
        "    setImmediate(() => new PassThrough().emit('error', err));",
        '  }',
        '  return write(chunk, ...rest);',
        '};',
      ].join('\n'),
    );
    await failureOf(
      'fastlane-wrapper',
      {
        inputs: { ...fastlaneInputs(), ...connected(apiKeyConnection()) },
        env: {
          ...FASTLANE,
          STAND_IN_FASTLANE_SLEEP_MS: '20000',
          STAND_IN_FASTLANE_SLEEP_ON: 'beta',
          NODE_OPTIONS: `--import=${preload}`,
        },
      },
      {
        cause: /^write EPIPE/,
        fix: /rerun the build/,
      },
    );
  });
});
