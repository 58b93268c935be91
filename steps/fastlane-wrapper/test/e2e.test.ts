import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY_ID,
  API_KEY_ISSUER_ID,
  API_KEY_PRIVATE_KEY_PEM,
  apiKeyConnection,
  appleIdConnection,
  combinedConnection,
  daysFromNow,
} from '../../../testkit/fixtures/connections/index.ts';
import {
  assertOutputsInNextStep,
  callsOf,
  connectionSecrets,
  leakedSecrets,
  runStepSh,
  type StepRun,
} from '../../../testkit/harness.ts';
import { loadSessionWithRuby, skipWithoutRuby } from '../../../testkit/ruby/index.ts';
import {
  type BuildApiSimulator,
  startBuildApiSimulator,
} from '../../../testkit/simulators/build-api/index.ts';

let sim: BuildApiSimulator;
beforeAll(async () => {
  sim = await startBuildApiSimulator({ token: 'build-api-token-4f2a9c' });
});
afterAll(() => sim.close());

function baseInputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    lane: 'ios beta key:value',
    connection: 'automatic',
    session_expiry_warning_days: '5',
    export_session: 'no',
    update_fastlane: 'true',
    enable_cache: 'yes',
    verbose_log: 'no',
    build_url: sim.url,
    build_api_token: sim.token,
    ...overrides,
  };
}

async function run(
  payload: Record<string, unknown> | string,
  overrides: Record<string, string> = {},
  env: Record<string, string> = {},
) {
  sim.setPayload(payload);
  sim.setFault(null);
  const result = await runStepSh('fastlane-wrapper', {
    inputs: baseInputs(overrides),
    env: {
      STAND_IN_CAPTURE_FILES: 'APP_STORE_CONNECT_API_KEY_PATH',
      STAND_IN_FASTLANE_STDOUT: 'fastlane 2.228.0',
      ...env,
    },
  });
  const secrets = [
    sim.token,
    ...(typeof payload === 'string' ? [] : connectionSecrets(payload)),
    ...Object.values(overrides).filter((v) => v.startsWith('secret-')),
  ];
  expect(leakedSecrets(result.output, secrets)).toEqual([]);
  return result;
}

const withWorkDir = (dir: string, inputs: Record<string, string>) => ({ ...inputs, work_dir: dir });

function lane(result: StepRun) {
  return callsOf(result, 'fastlane').find((call) => call.argv.includes('beta'));
}

function lastLine(result: StepRun): string {
  return result.output.trimEnd().split('\n').at(-1)!;
}

describe('fastlane-wrapper end to end', () => {
  it('runs the lane with the connected Apple ID session, given to fastlane only', async () => {
    const result = await run(appleIdConnection());
    expect(result.exitCode).toBe(0);
    const call = lane(result)!;
    expect(call.argv).toEqual(['ios', 'beta', 'key:value']);
    expect(call.cwd).toBe(result.workDir);
    expect(call.env).toMatchObject({
      FASTLANE_USER: 'example@example.io',
      DELIVER_USERNAME: 'example@example.io',
      PILOT_USERNAME: 'example@example.io',
      FASTLANE_PASSWORD: 'highSecurityPassword',
      DELIVER_PASSWORD: 'highSecurityPassword',
      PILOT_PASSWORD: 'highSecurityPassword',
      SPACESHIP_SKIP_2FA_UPGRADE: '1',
    });
    expect(call.env['FASTLANE_SESSION']).toMatch(
      /^---\n- !ruby\/object:HTTP::Cookie\n {2}name: DES58b0eba556d80ed2b98707e15ffafd344\n/,
    );
    expect(call.env['FL_BUILDLOG_PATH']).toMatch(/fastlane_logs-/);
    expect(existsSync(call.env['FL_BUILDLOG_PATH']!)).toBe(false);
    // The install and version commands get no credentials.
    expect(callsOf(result, 'gem')[0]!.env['FASTLANE_SESSION']).toBeUndefined();
    expect(result.outputs).toEqual([]);
    expect(result.output).toContain('Bitrise Apple Developer Connection with Apple ID found.');
    expect(sim.requests.at(-1)!.token).toBe(sim.token);
  });

  it.skipIf(skipWithoutRuby('fastlane-wrapper FASTLANE_SESSION'))(
    'hands fastlane a FASTLANE_SESSION that Ruby http-cookie loads unchanged',
    async () => {
      const payload = appleIdConnection({
        cookies: [
          {
            name: 'DES5c148586daa',
            value: 'HSARMTKNSRVX/abc+def==SRVX',
            domain: 'idmsa.apple.com',
            path: '/',
          },
          { name: 'myacinfo', value: 'true', domain: 'apple.com', path: '/' },
          { name: 'dqsid', value: 'a: b #c', domain: 'apple.com', path: '/', for_domain: false },
        ],
      });
      const result = await run(payload);
      const loaded = await loadSessionWithRuby(lane(result)!.env['FASTLANE_SESSION']!);
      if (!loaded.ok) throw new Error(loaded.error);
      expect(loaded.cookies.map((c) => [c.name, c.value, c.domain, c.for_domain, c.path])).toEqual([
        ['DES5c148586daa', 'HSARMTKNSRVX/abc+def==SRVX', 'idmsa.apple.com', true, '/'],
        ['myacinfo', 'true', 'apple.com', true, '/'],
        ['dqsid', 'a: b #c', 'apple.com', false, '/'],
      ]);
      expect(loaded.sent['https://idmsa.apple.com/']).toContain('DES5c148586daa=');
      expect(loaded.sent['https://appstoreconnect.apple.com/']).toBe('myacinfo=true');
    },
  );

  it('writes the API key file 0600 for fastlane and removes it afterwards', async () => {
    const result = await run(apiKeyConnection());
    expect(result.exitCode).toBe(0);
    const call = lane(result)!;
    const path = call.env['APP_STORE_CONNECT_API_KEY_PATH']!;
    expect(call.env).toMatchObject({
      DELIVER_API_KEY_PATH: path,
      PILOT_API_KEY_PATH: path,
      PRECHECK_INCLUDE_IN_APP_PURCHASES: 'false',
    });
    expect(call.env['FASTLANE_SESSION']).toBeUndefined();
    const file = call.files['APP_STORE_CONNECT_API_KEY_PATH']!;
    expect(file.mode).toBe(0o600);
    expect(JSON.parse(file.content)).toEqual({
      key_id: API_KEY_ID,
      issuer_id: API_KEY_ISSUER_ID,
      key: API_KEY_PRIVATE_KEY_PEM,
    });
    expect(existsSync(path)).toBe(false);
    expect(leakedSecrets(result.output, [API_KEY_PRIVATE_KEY_PEM])).toEqual([]);
  });

  it('prefers the API key when both are connected, and the Apple ID when asked', async () => {
    const automatic = await run(combinedConnection());
    expect(lane(automatic)!.env['APP_STORE_CONNECT_API_KEY_PATH']).toBeDefined();
    expect(lane(automatic)!.env['FASTLANE_SESSION']).toBeUndefined();
    const appleId = await run(combinedConnection(), { connection: 'apple_id' });
    expect(lane(appleId)!.env['FASTLANE_SESSION']).toBeDefined();
    expect(lane(appleId)!.env['APP_STORE_CONNECT_API_KEY_PATH']).toBeUndefined();
  });

  it('warns and runs the lane without credentials when nothing is connected', async () => {
    const result = await run({});
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain(
      'Most likely because there is no Apple Developer Portal Account connected to the build.',
    );
    expect(result.output).toContain(
      'No authentication data found matching the selected Apple Service authentication method (automatic).',
    );
    expect(lane(result)!.env['FASTLANE_USER']).toBeUndefined();
  });

  it('fails before fastlane starts when the session has expired', async () => {
    const result = await run(appleIdConnection({ expiry: '2026-01-02T03:04:05.000Z' }));
    expect(result.exitCode).toBe(1);
    expect(lane(result)).toBeUndefined();
    expect(callsOf(result, 'gem')).toEqual([]);
    expect(lastLine(result)).toMatch(
      /^2FA session saved in Bitrise Developer Connection is expired, was valid until 2026-01-02 03:04:05 \+0000 UTC: to renew it, re-authenticate/,
    );
    expect(result.rawOutput.trimEnd().split('\n').at(-1)).toMatch(/^\x1b\[31;1m/);
  });

  it('fails clearly when the Apple ID connection has no 2FA session', async () => {
    const result = await run(appleIdConnection({ cookies: [] }), { connection: 'apple_id' });
    expect(result.exitCode).toBe(1);
    expect(lastLine(result)).toContain('has no 2FA session');
    expect(lane(result)).toBeUndefined();
  });

  it('fails naming the source when an explicitly selected connection is missing', async () => {
    const result = await run(appleIdConnection(), { connection: 'api_key' });
    expect(result.exitCode).toBe(1);
    expect(lastLine(result)).toContain(
      'connection is set to api_key, but this build has no App Store Connect API key connection',
    );
  });

  it('warns with the days and hours left when the session is about to expire', async () => {
    const result = await run(appleIdConnection({ expiry: daysFromNow(2.5) }));
    expect(result.exitCode).toBe(0);
    expect(result.output).toMatch(/The 2FA session of the connected Apple ID expires in 2 days 1[12] hours/);
  });

  it("warns about a public app's PR build on 401 and goes on", async () => {
    sim.setPayload(appleIdConnection());
    const result = await runStepSh('fastlane-wrapper', {
      inputs: baseInputs({ build_api_token: 'wrong-token-1234' }),
    });
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain(
      "Unauthorized to query Connected Apple Developer Portal Account. This happens by design, with a public app's PR build, to protect secrets.",
    );
    expect(lane(result)!.env['FASTLANE_SESSION']).toBeUndefined();
  });

  it('warns, listing the keys, when the credentials override inherited variables', async () => {
    const result = await run(
      appleIdConnection(),
      {},
      { FASTLANE_USER: 'someone-else@example.com', SPACESHIP_SKIP_2FA_UPGRADE: '0' },
    );
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain(
      'Fastlane authentication-related environment variable(s) (SPACESHIP_SKIP_2FA_UPGRADE, FASTLANE_USER) are set, overriding.',
    );
    expect(lane(result)!.env['FASTLANE_USER']).toBe('example@example.io');
    // Only the fastlane process gets them: the Step's other tools (gem) keep the inherited value.
    expect(callsOf(result, 'gem')[0]!.env['FASTLANE_USER']).toBe('someone-else@example.com');
  });

  it('uses the Apple ID inputs with connection off, without fetching', async () => {
    const before = sim.requests.length;
    const result = await run(appleIdConnection(), {
      connection: 'off',
      apple_id: 'input-user@example.com',
      password: 'secret-input-password',
      app_password: 'secret-app-password',
    });
    expect(result.exitCode).toBe(0);
    expect(sim.requests.length).toBe(before);
    expect(lane(result)!.env).toMatchObject({
      FASTLANE_USER: 'input-user@example.com',
      FASTLANE_PASSWORD: 'secret-input-password',
      FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD: 'secret-app-password',
    });
    expect(lane(result)!.env['FASTLANE_SESSION']).toBeUndefined();
    expect(result.output).not.toContain('input-user@example.com');
  });

  it('runs a bundler project through its pinned bundler', async () => {
    sim.setPayload(apiKeyConnection());
    const result = await runStepSh('fastlane-wrapper', {
      inputs: baseInputs(),
      env: { STAND_IN_FASTLANE_STDOUT: 'unused' },
      cwd: bundlerProject(),
    });
    expect(result.exitCode).toBe(0);
    expect(result.calls.filter((c) => c.tool !== 'envman').map((c) => [c.tool, ...c.argv].join(' '))).toEqual(
      [
        'bundle _2.5.11_ exec ruby --version',
        'gem install bundler --no-document -v 2.5.11 --force',
        'bundle _2.5.11_ install --jobs 20 --retry 5',
        'bundle _2.5.11_ exec fastlane --version',
        'bundle _2.5.11_ exec fastlane ios beta key:value',
      ],
    );
    expect(callsOf(result, 'bundle').at(-1)!.env['APP_STORE_CONNECT_API_KEY_PATH']).toBeDefined();
  });

  it('exports the session as sensitive outputs with export_session, and says so', async () => {
    const payload = appleIdConnection({ appSpecificPassword: 'conn-app-specific-pw' });
    const result = await run(payload, { export_session: 'yes' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.map((o) => [o.key, o.sensitive])).toEqual([
      ['FASTLANE_SESSION', true],
      ['FASTLANE_USER', true],
      ['FASTLANE_PASSWORD', true],
      ['FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD', true],
    ]);
    expect(result.outputs[0]!.value).toBe(lane(result)!.env['FASTLANE_SESSION']);
    expect(result.outputs[3]!.value).toBe('conn-app-specific-pw');
    const next = assertOutputsInNextStep(result, 'fastlane-wrapper', {
      FASTLANE_SESSION: lane(result)!.env['FASTLANE_SESSION']!,
      FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD: 'conn-app-specific-pw',
    });
    expect(next.exitCode, next.output).toBe(0);
    expect(next.output).toContain('FASTLANE_SESSION (sensitive): [REDACTED]');
    expect(result.output).toContain(
      'export_session is on: FASTLANE_SESSION, FASTLANE_USER, FASTLANE_PASSWORD, FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD are exported as sensitive outputs',
    );
  });

  it('saves fastlane env and the build logs to the deploy dir when the lane fails', async () => {
    const deploy = join(tmpRoot(), 'deploy');
    const result = await run(
      apiKeyConnection(),
      { deploy_dir: deploy },
      {
        STAND_IN_FASTLANE_EXIT: '1',
        STAND_IN_FASTLANE_FAIL_ON: 'beta',
        STAND_IN_FASTLANE_WRITE: 'FL_BUILDLOG_PATH/gym/MyApp-MyApp.log=xcodebuild said no',
      },
    );
    expect(result.exitCode).toBe(1);
    const env = callsOf(result, 'fastlane').find((c) => c.argv[0] === 'env')!;
    expect(env.stdin).toBe('n\n');
    expect(readFileSync(join(deploy, 'fastlane_env.log'), 'utf8')).toContain('fastlane 2.228.0');
    expect(readFileSync(join(deploy, 'gym_MyApp-MyApp.log'), 'utf8')).toBe('xcodebuild said no');
    expect(lastLine(result)).toMatch(/^running Fastlane failed: fastlane failed with exit code 1/);
    expect(existsSync(lane(result)!.env['APP_STORE_CONNECT_API_KEY_PATH']!)).toBe(false);
  });

  it('adds CocoaPods and Carthage folders to the cache after a successful lane', async () => {
    sim.setPayload({});
    const project = bundlerProject(false);
    mkdirSync(join(project, 'ios', 'Pods'), { recursive: true });
    writeFileSync(join(project, 'ios', 'Podfile.lock'), 'PODS:\n');
    const result = await runStepSh('fastlane-wrapper', {
      inputs: baseInputs(),
      cwd: project,
      env: { BITRISE_CACHE_INCLUDE_PATHS: '/existing -> /existing.lock' },
    });
    expect(result.outputs).toEqual([
      {
        key: 'BITRISE_CACHE_INCLUDE_PATHS',
        value: `/existing -> /existing.lock\n${project}/ios/Pods -> ${project}/ios/Podfile.lock`,
        sensitive: false,
        expand: false,
      },
    ]);
  });

  it('reports every invalid input at once, before doing anything', async () => {
    const result = await runStepSh('fastlane-wrapper', {
      inputs: withWorkDir(
        '/does/not/exist',
        baseInputs({
          lane: '',
          connection: 'sometimes',
          session_expiry_warning_days: 'soon',
          verbose_log: 'maybe',
        }),
      ),
    });
    expect(result.exitCode).toBe(1);
    expect(result.calls).toEqual([]);
    expect(lastLine(result)).toBe(
      '5 invalid inputs (lane, work_dir, connection, session_expiry_warning_days, verbose_log): correct each one as the lines above say',
    );
    expect(result.output.trimEnd().split('\n').slice(-7, -1)).toEqual([
      '5 invalid inputs:',
      '- lane: required, but empty; set it to the lane and its arguments, e.g. `ios beta`',
      '- work_dir: directory "/does/not/exist" does not exist; set it to the directory that holds the fastlane folder',
      '- connection: "sometimes" is not one of automatic, api_key, apple_id, off',
      '- session_expiry_warning_days: "soon" is not a whole number',
      '- verbose_log: "maybe" is not a boolean: use yes or no',
    ]);
  });
});

let tmpCounter = 0;
function tmpRoot(): string {
  const dir = join(process.env['TMPDIR'] ?? '/tmp', `fastlane-wrapper-test-${process.pid}-${tmpCounter++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function bundlerProject(withLock = true): string {
  const dir = tmpRoot();
  mkdirSync(join(dir, 'fastlane'));
  writeFileSync(join(dir, 'fastlane', 'Fastfile'), 'lane :beta do\nend\n');
  if (withLock) {
    writeFileSync(
      join(dir, 'Gemfile.lock'),
      'GEM\n  remote: https://rubygems.org/\n  specs:\n    fastlane (2.228.0)\n      addressable (>= 2.8, < 3.0.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  fastlane\n\nBUNDLED WITH\n   2.5.11\n',
    );
  }
  return dir;
}
