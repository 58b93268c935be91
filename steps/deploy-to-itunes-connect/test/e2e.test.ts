import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY_ID,
  API_KEY_ISSUER_ID,
  API_KEY_PRIVATE_KEY_PEM,
  apiKeyConnection,
  appleIdConnection,
  daysFromNow,
} from '../../../testkit/fixtures/connections/index.ts';
import {
  callsOf,
  connectionSecrets,
  leakedSecrets,
  runStepSh,
  type StepRun,
} from '../../../testkit/harness.ts';
import {
  type BuildApiSimulator,
  startBuildApiSimulator,
} from '../../../testkit/simulators/build-api/index.ts';
import { STAND_INS_DIR } from '../../../testkit/stand-ins/index.ts';
import { ipa, pkg } from './support.ts';

const STEP = 'deploy-to-itunes-connect';
const SYSTEM_PATH = process.env['PATH'] ?? '/usr/bin:/bin';
const root = mkdtempSync(join(tmpdir(), 'deliver-e2e-'));
let counter = 0;
const freshDir = (name: string) => {
  const dir = join(root, `${counter++}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

/**
 * `fastlane` and `bundle` wrappers first on PATH: they record the mode and content of the files
 * deliver is handed (--api_key_path, --ipa, --pkg) while the Step runs, since both are gone when
 * it ends, then behave as the recording stand-ins.
 */
const wrappers = freshDir('wrappers');
const captureLog = join(root, 'captured.jsonl');
for (const tool of ['fastlane', 'bundle']) {
  const path = join(wrappers, tool);
  writeFileSync(
    path,
    `#!/usr/bin/env node
const { appendFileSync, readFileSync, statSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const args = process.argv.slice(2);
for (let i = 0; i < args.length - 1; i++) {
  if (!['--api_key_path', '--ipa', '--pkg'].includes(args[i])) continue;
  const file = args[i + 1];
  appendFileSync(${JSON.stringify(captureLog)}, JSON.stringify({ flag: args[i], file, mode: statSync(file).mode & 0o777,
    content: readFileSync(file).toString('base64') }) + '\\n');
}
const result = spawnSync(${JSON.stringify(join(STAND_INS_DIR, tool))}, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
`,
  );
  chmodSync(path, 0o755);
}
writeFileSync(join(wrappers, 'package.json'), '{"type":"commonjs"}');

/** The stand-ins without xcodebuild: a Linux machine. */
const noXcode = freshDir('no-xcode');
for (const name of readdirSync(STAND_INS_DIR)) {
  if (name !== 'xcodebuild') symlinkSync(join(STAND_INS_DIR, name), join(noXcode, name));
}

interface Captured {
  flag: string;
  file: string;
  mode: number;
  content: string;
}

function captured(): Captured[] {
  if (!existsSync(captureLog)) return [];
  const lines = readFileSync(captureLog, 'utf8').split('\n').filter(Boolean);
  writeFileSync(captureLog, '');
  return lines.map((line) => JSON.parse(line) as Captured);
}

let sim: BuildApiSimulator;
beforeAll(async () => {
  sim = await startBuildApiSimulator({ token: 'build-api-token-7c1e5d' });
});
afterAll(() => sim.close());

const IPA_BYTES = ipa({ bundleId: 'io.bitrise.sample', version: '1.4.2', build: '187' });

interface RunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  cwd?: string;
  /** Input values that must not be printed. */
  secrets?: string[];
}

async function deploy(payload: Record<string, unknown>, options: RunOptions = {}) {
  sim.setPayload(payload);
  sim.setFault(null);
  const cwd = options.cwd ?? freshDir('src');
  if (!existsSync(join(cwd, 'App.ipa'))) writeFileSync(join(cwd, 'App.ipa'), IPA_BYTES);
  captured();
  const result = await runStepSh(STEP, {
    cwd,
    inputs: {
      build_url: sim.url,
      build_api_token: sim.token,
      ipa_path: 'App.ipa',
      bundle_id: 'io.bitrise.sample',
      // These tests are about deliver; the API upload (auto's choice with an API key) has its own.
      upload_method: 'deliver',
      ...options.inputs,
    },
    env: {
      PATH: `${wrappers}:${STAND_INS_DIR}:${SYSTEM_PATH}`,
      STAND_IN_XCODEBUILD_VERSION: '15.4 15F31d',
      STAND_IN_FASTLANE_STDOUT: 'fastlane 2.228.0',
      ...options.env,
    },
  });
  const secrets = [sim.token, ...connectionSecrets(payload), ...(options.secrets ?? [])];
  if (typeof payload['apple_id'] === 'string') secrets.push(payload['apple_id']);
  expect(leakedSecrets(result.output, secrets)).toEqual([]);
  return { ...result, files: captured() };
}

const deliverCall = (run: StepRun) => run.calls.find((call) => call.argv.includes('deliver'));
const commandLines = (run: StepRun) =>
  run.calls.filter((c) => c.tool !== 'envman').map((c) => [c.tool, ...c.argv].join(' '));
const lastLine = (run: StepRun) => run.output.trimEnd().split('\n').at(-1)!;

/** The deliver argv with the temp paths replaced by placeholders. */
function deliverArgv(run: StepRun): string[] {
  const argv = deliverCall(run)!.argv;
  return argv.map((arg, i) => {
    if (argv[i - 1] === '--ipa' || argv[i - 1] === '--pkg')
      return arg.replace(/.*\/ipaOrPkg-[^/]+\//, '<tmp>/');
    if (argv[i - 1] === '--api_key_path') return arg.replace(/.*\/apiKey-[^/]+\//, '<tmp>/');
    return arg;
  });
}

describe('deploy-to-itunes-connect end to end', () => {
  it('uploads with the connected Apple ID: argv in upstream order, credentials in the env of deliver only', async () => {
    const payload = appleIdConnection({ appSpecificPassword: 'conn-app-specific-pw' });
    const run = await deploy(payload, {
      env: { FASTLANE_PASSWORD: 'global-fastlane-password' },
      secrets: ['global-fastlane-password'],
    });
    expect(run.exitCode).toBe(0);
    expect(commandLines(run).slice(0, 3)).toEqual([
      'xcodebuild -version',
      'gem install fastlane --no-document',
      'fastlane --version',
    ]);
    expect(deliverArgv(run)).toEqual([
      'deliver',
      '--username',
      'example@example.io',
      '--app_identifier',
      'io.bitrise.sample',
      '--ipa',
      '<tmp>/tmp.ipa',
      '--skip_screenshots',
      '--skip_metadata',
      '--force',
      '--platform',
      'ios',
    ]);
    const call = deliverCall(run)!;
    expect(call.tool).toBe('fastlane');
    expect(call.cwd).toBe(run.workDir);
    expect(call.env).toMatchObject({
      SPACESHIP_SKIP_2FA_UPGRADE: '1',
      DELIVER_PASSWORD: 'highSecurityPassword',
      FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD: 'conn-app-specific-pw',
    });
    expect(call.env['FASTLANE_SESSION']).toMatch(/^---\n- !ruby\/object:HTTP::Cookie\n/);
    for (const key of ['FASTLANE_PASSWORD', 'FASTLANE_USER', 'ITMSTRANSPORTER_FORCE_ITMS_PACKAGE_UPLOAD'])
      expect(call.env[key]).toBeUndefined();
    // Installing and version checks get no credentials and no FASTLANE_PASSWORD either.
    for (const other of run.calls.filter((c) => c !== call)) {
      expect(other.env['FASTLANE_SESSION']).toBeUndefined();
      expect(other.env['FASTLANE_PASSWORD']).toBeUndefined();
    }
    // deliver got a private copy of the IPA, removed afterwards.
    expect(run.files).toEqual([
      { flag: '--ipa', file: call.argv[6], mode: 0o600, content: IPA_BYTES.toString('base64') },
    ]);
    expect(existsSync(call.argv[6]!)).toBe(false);
    expect(run.output).toContain('$ fastlane deliver --username ***** --app_identifier io.bitrise.sample');
    expect(run.output).toContain('- bundle ID: io.bitrise.sample\n- version: 1.4.2 (build 187)');
    expect(run.output).not.toContain('If 2FA enabled Apple ID is used');
    expect(lastLine(run)).toBe('Success: the IPA is uploaded to App Store Connect');
  });

  it('uploads with the connected API key: a 0600 api_key.json, removed when the Step ends', async () => {
    const run = await deploy(apiKeyConnection(), {
      inputs: {
        app_id: '1234567890',
        bundle_id: '',
        team_id: 'TEAM123',
        options: '--itc_provider "My Team" -v',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(deliverArgv(run)).toEqual([
      'deliver',
      '--api_key_path',
      '<tmp>/api_key.json',
      '--precheck_include_in_app_purchases',
      'false',
      '--app',
      '1234567890',
      '--team_id',
      'TEAM123',
      '--ipa',
      '<tmp>/tmp.ipa',
      '--skip_screenshots',
      '--skip_metadata',
      '--force',
      '--platform',
      'ios',
      '--itc_provider',
      'My Team',
      '-v',
    ]);
    const key = run.files.find((f) => f.flag === '--api_key_path')!;
    expect(key.mode).toBe(0o600);
    expect(JSON.parse(Buffer.from(key.content, 'base64').toString())).toEqual({
      key_id: API_KEY_ID,
      issuer_id: API_KEY_ISSUER_ID,
      key: API_KEY_PRIVATE_KEY_PEM,
    });
    expect(existsSync(key.file)).toBe(false);
    const env = deliverCall(run)!.env;
    for (const key of ['SPACESHIP_SKIP_2FA_UPGRADE', 'DELIVER_PASSWORD', 'FASTLANE_SESSION'])
      expect(env[key]).toBeUndefined();
    expect(run.output).toContain('Bitrise Apple Developer Connection with API key found');
  });

  it('uses the Apple ID inputs with connection off, warns without an app-specific password', async () => {
    const before = sim.requests.length;
    const run = await deploy(appleIdConnection(), {
      inputs: {
        connection: 'off',
        itunescon_user: 'input-user@example.com',
        password: 'secret-input-password',
      },
      secrets: ['input-user@example.com', 'secret-input-password'],
    });
    expect(run.exitCode).toBe(0);
    expect(sim.requests.length).toBe(before);
    expect(deliverArgv(run).slice(1, 3)).toEqual(['--username', 'input-user@example.com']);
    expect(deliverCall(run)!.env).toMatchObject({ DELIVER_PASSWORD: 'secret-input-password' });
    expect(deliverCall(run)!.env['FASTLANE_SESSION']).toBeUndefined();
    expect(run.output).toContain(
      'If 2FA enabled Apple ID is used, Application-specific password is required.',
    );
  });

  it('fails before installing anything when there are no credentials, saying how to fix it', async () => {
    const run = await deploy({});
    expect(run.exitCode).toBe(1);
    expect(run.calls.filter((c) => c.tool !== 'envman')).toEqual([]);
    expect(run.output).toContain(
      'Most likely because there is no Apple Developer Portal Account connected to the build.',
    );
    expect(lastLine(run)).toBe(
      'Could not configure Apple Service authentication: no credentials provided: connect an App Store Connect API key or an Apple ID to this app on bitrise.io, or set api_key_path and api_issuer (or itunescon_user, password and app_password) with connection set to off',
    );
  });

  it('fails on an expired 2FA session, even with automatic connection', async () => {
    const run = await deploy(appleIdConnection({ expiry: '2026-01-02T03:04:05.000Z' }));
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(lastLine(run)).toMatch(
      /^Could not configure Apple Service authentication: 2FA session saved in Bitrise Developer Connection is expired, was valid until 2026-01-02 03:04:05 \+0000 UTC: to renew it, re-authenticate/,
    );
    expect(run.rawOutput.trimEnd().split('\n').at(-1)).toMatch(/^\x1b\[31;1m/);
  });

  it('fails on an Apple ID connection without a 2FA session, without printing the Apple ID', async () => {
    const run = await deploy(appleIdConnection({ appleId: 'private-person@example.com', cookies: [] }));
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(lastLine(run)).toMatch(
      /^Could not configure Apple Service authentication: The connected Apple ID \(\*\*\*\*\*\) has no 2FA session/,
    );
  });

  it('uploads a .pkg for macOS', async () => {
    const cwd = freshDir('pkg');
    const bytes = pkg();
    writeFileSync(join(cwd, 'App.pkg'), bytes);
    const run = await deploy(apiKeyConnection(), {
      cwd,
      inputs: { ipa_path: '', pkg_path: 'App.pkg', platform: 'osx', bundle_id: 'io.bitrise.mac' },
    });
    expect(run.exitCode).toBe(0);
    expect(deliverArgv(run).slice(5)).toEqual([
      '--app_identifier',
      'io.bitrise.mac',
      '--pkg',
      '<tmp>/tmp.pkg',
      '--skip_screenshots',
      '--skip_metadata',
      '--force',
      '--platform',
      'osx',
    ]);
    expect(run.files.find((f) => f.flag === '--pkg')).toMatchObject({
      mode: 0o600,
      content: bytes.toString('base64'),
    });
    expect(run.output).toMatch(/PKG: .*App\.pkg \(\d+ bytes, xar archive\)/);
  });

  it('reads a binary Info.plist and fails before any upload when bundle_id differs from the IPA', async () => {
    const cwd = freshDir('mismatch');
    writeFileSync(join(cwd, 'App.ipa'), ipa({ bundleId: 'io.bitrise.other', build: '9' }, 'binary'));
    const run = await deploy(apiKeyConnection(), { cwd, inputs: { bundle_id: 'io.bitrise.sample' } });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(lastLine(run)).toBe(
      'Invalid input bundle_id: "io.bitrise.sample" differs from the IPA\'s bundle ID "io.bitrise.other": set bundle_id to io.bitrise.other, or upload the IPA of io.bitrise.sample',
    );
  });

  it('uses the Gemfile at gemfile_path through bundler when fastlane_version is empty', async () => {
    const cwd = freshDir('gemfile');
    mkdirSync(join(cwd, 'ios'));
    writeFileSync(join(cwd, 'ios', 'Gemfile'), "source 'https://rubygems.org'\ngem 'fastlane'\n");
    writeFileSync(join(cwd, 'ios', 'Gemfile.lock'), LOCK);
    const run = await deploy(apiKeyConnection(), {
      cwd,
      inputs: { fastlane_version: '', gemfile_path: 'ios/Gemfile' },
    });
    expect(run.exitCode).toBe(0);
    expect(commandLines(run).map((line) => line.replace(/--api_key_path \S+ .*/, '…'))).toEqual([
      'xcodebuild -version',
      'gem install bundler --no-document -v 2.5.11 --force',
      'bundle _2.5.11_ install --jobs 20 --retry 5',
      'bundle _2.5.11_ exec fastlane --version',
      'bundle _2.5.11_ exec fastlane deliver …',
    ]);
    const bundleCalls = callsOf(run, 'bundle');
    for (const call of bundleCalls) {
      expect(call.cwd).toBe(join(cwd, 'ios'));
      expect(call.env['BUNDLE_GEMFILE']).toBe(join(cwd, 'ios', 'Gemfile'));
    }
  });

  it('runs bundle install first when the Gemfile has no lock yet', async () => {
    const cwd = freshDir('nolock');
    writeFileSync(join(cwd, 'Gemfile'), "gem 'fastlane'\n");
    const run = await deploy(apiKeyConnection(), {
      cwd,
      inputs: { fastlane_version: '' },
      env: { PROJECT_DIR: cwd, STAND_IN_BUNDLE_WRITE: `PROJECT_DIR/Gemfile.lock=${LOCK}` },
    });
    expect(run.exitCode).toBe(0);
    expect(commandLines(run).slice(1, 4)).toEqual([
      'bundle install',
      'bundle _2.5.11_ exec fastlane --version',
      expect.stringMatching(/^bundle _2\.5\.11_ exec fastlane deliver --api_key_path/),
    ]);
  });

  it('ignores the Gemfile when fastlane_version is set, and pins an exact version as fastlane _X_', async () => {
    const cwd = freshDir('pinned');
    writeFileSync(join(cwd, 'Gemfile'), "gem 'fastlane'\n");
    writeFileSync(join(cwd, 'Gemfile.lock'), LOCK);
    const run = await deploy(apiKeyConnection(), { cwd, inputs: { fastlane_version: '2.220.0' } });
    expect(run.exitCode).toBe(0);
    expect(commandLines(run).slice(0, 3)).toEqual([
      'xcodebuild -version',
      'gem install fastlane --no-document -v 2.220.0',
      'fastlane _2.220.0_ --version',
    ]);
    expect(deliverCall(run)!.argv.slice(0, 2)).toEqual(['_2.220.0_', 'deliver']);
    expect(run.output).toContain('fastlane_version is 2.220.0, so ./Gemfile is not used');
  });

  it('dry_run validates and installs, prints the redacted deliver command and uploads nothing', async () => {
    const run = await deploy(appleIdConnection({ expiry: daysFromNow(2.5) }), { inputs: { dry_run: 'yes' } });
    expect(run.exitCode).toBe(0);
    expect(deliverCall(run)).toBeUndefined();
    expect(commandLines(run)).toEqual([
      'xcodebuild -version',
      'gem install fastlane --no-document',
      'fastlane --version',
    ]);
    expect(run.output).toMatch(
      /\$ fastlane deliver --username \*\*\*\*\* --app_identifier io\.bitrise\.sample --ipa \S+\/tmp\.ipa --skip_screenshots --skip_metadata --force --platform ios\n/,
    );
    expect(lastLine(run)).toBe(
      'Dry run: nothing was uploaded. The command above is what a run with dry_run: "no" starts.',
    );
  });

  it('fails with the deliver error and the latest-fastlane hint, removing the temp files', async () => {
    const run = await deploy(apiKeyConnection(), {
      env: { STAND_IN_FASTLANE_EXIT: '1', STAND_IN_FASTLANE_FAIL_ON: 'deliver' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(
      'to use the latest prerelease version of fastlane, set the fastlane_version input to latest',
    );
    expect(lastLine(run)).toMatch(
      /^Deploy failed, error: fastlane failed with exit code 1: see the deliver output above; fastlane may be too old/,
    );
    for (const file of run.files) expect(existsSync(file.file)).toBe(false);

    const latest = await deploy(apiKeyConnection(), {
      inputs: { fastlane_version: 'latest' },
      env: { STAND_IN_FASTLANE_EXIT: '1', STAND_IN_FASTLANE_FAIL_ON: 'deliver' },
    });
    expect(commandLines(latest)[1]).toBe('gem install fastlane --no-document --prerelease');
    expect(latest.output).not.toContain('set the fastlane_version input to latest');
    expect(lastLine(latest)).toBe(
      'Deploy failed, error: fastlane failed with exit code 1: see the deliver output above for what App Store Connect refused',
    );
  });

  it('sets the Transporter variables for Xcode 13, ignores them for Xcode 15 and without Xcode', async () => {
    const inputs = { itms_upload_parameters: '-t DAV' };
    const xcode13 = await deploy(apiKeyConnection(), {
      inputs,
      env: { STAND_IN_XCODEBUILD_VERSION: '13.4.1 13F100' },
    });
    expect(deliverCall(xcode13)!.env).toMatchObject({
      ITMSTRANSPORTER_FORCE_ITMS_PACKAGE_UPLOAD: 'true',
      DELIVER_ITMSTRANSPORTER_ADDITIONAL_UPLOAD_PARAMETERS: '-t DAV',
    });

    const xcode15 = await deploy(apiKeyConnection(), { inputs });
    expect(deliverCall(xcode15)!.env['ITMSTRANSPORTER_FORCE_ITMS_PACKAGE_UPLOAD']).toBeUndefined();
    expect(xcode15.output).toContain('itms_upload_parameters is not used with Xcode 15');

    const linux = await deploy(apiKeyConnection(), {
      env: { PATH: `${wrappers}:${noXcode}:${SYSTEM_PATH}` },
    });
    expect(linux.exitCode).toBe(0);
    expect(callsOf(linux, 'xcodebuild')).toEqual([]);
    expect(linux.output).toContain('xcodebuild not found, so this is not a macOS machine with Xcode');
    expect(deliverCall(linux)!.env['ITMSTRANSPORTER_FORCE_ITMS_PACKAGE_UPLOAD']).toBeUndefined();
  });

  it('prefers --app over --app_identifier and --team_name over --team_id, warning about each', async () => {
    const run = await deploy(apiKeyConnection(), {
      inputs: { app_id: '1234567890', team_id: 'TEAM123', team_name: 'My Team' },
    });
    expect(deliverArgv(run).slice(5, 9)).toEqual(['--app', '1234567890', '--team_name', 'My Team']);
    expect(run.output).toContain('Both app_id and bundle_id are set: --app 1234567890 is used');
    expect(run.output).toContain('Both team_name and team_id are set: --team_name My Team is used');
  });

  it('reports every invalid input at once, before doing anything', async () => {
    const cwd = freshDir('invalid');
    writeFileSync(join(cwd, 'App.pkg'), ipa());
    const parse = await deploy(apiKeyConnection(), {
      cwd,
      inputs: { platform: 'watchos', submit_for_review: 'maybe' },
    });
    expect(parse.exitCode).toBe(1);
    // The list is plain; the last line, the failure reason, names the inputs once more.
    expect(lastLine(parse)).toMatch(/^2 invalid inputs \(platform, submit_for_review\): correct each one/);
    expect(parse.output.trimEnd().split('\n').slice(-4, -1)).toEqual([
      '2 invalid inputs:',
      '- platform: "watchos" is not one of ios, osx, appletvos',
      '- submit_for_review: "maybe" is not a boolean: use yes or no',
    ]);

    const run = await deploy(apiKeyConnection(), {
      cwd,
      inputs: {
        ipa_path: '',
        pkg_path: 'App.pkg',
        bundle_id: '',
        app_id: 'io.bitrise.sample',
        itunescon_user: 'someone@example.com',
        api_issuer: 'issuer',
        options: '--itc_provider "unterminated',
        fastlane_version: 'newest',
      },
      secrets: ['someone@example.com'],
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    expect(run.output.trimEnd().split('\n').slice(-7, -1)).toEqual([
      '5 invalid inputs:',
      '- itunescon_user/api_key_path: both Apple ID and API key related configuration provided, but only one of them expected: clear either itunescon_user/password/app_password or api_key_path/api_issuer',
      `- pkg_path: "${join(cwd, 'App.pkg')}" is not a .pkg: a flat installer package is a xar archive starting with "xar!"; set pkg_path to the .pkg that Xcode Archive (or your build) exported`,
      '- app_id: "io.bitrise.sample" is not an App Store Connect Apple ID: use the number under App Store Connect › App Information › Apple ID, or put a bundle ID into bundle_id',
      '- options: cannot be split into arguments (unterminated double quote): quote it as a shell would',
      '- fastlane_version: "newest" is not a fastlane version: use latest-stable, latest (prerelease), an exact version such as 2.228.0, or leave it empty to use the Gemfile',
    ]);
  });

  it('checks the platform against the artifact', async () => {
    const cwd = freshDir('platform');
    writeFileSync(join(cwd, 'App.pkg'), pkg());
    writeFileSync(join(cwd, 'App.ipa'), ipa({ platformName: 'appletvos' }));
    const pkgRun = await deploy(apiKeyConnection(), { cwd, inputs: { ipa_path: '', pkg_path: 'App.pkg' } });
    expect(pkgRun.exitCode).toBe(1);
    expect(lastLine(pkgRun)).toBe(
      'Invalid input platform: "ios" cannot take a .pkg: set platform to osx for a macOS app',
    );
    const tvRun = await deploy(apiKeyConnection(), { cwd });
    expect(lastLine(tvRun)).toBe(
      'Invalid input platform: "ios" does not match the IPA, built for appletvos: set platform to appletvos',
    );
    expect(tvRun.calls).toEqual([]);
  });

  it('names both inputs when neither artifact nor app is given', async () => {
    const run = await deploy(apiKeyConnection(), { inputs: { ipa_path: '', bundle_id: '' } });
    expect(run.exitCode).toBe(1);
    expect(lastLine(run)).toMatch(
      /^2 invalid inputs \(ipa_path\/pkg_path, app_id\/bundle_id\): correct each one/,
    );
    expect(run.output.trimEnd().split('\n').slice(-4, -1)).toEqual([
      '2 invalid inputs:',
      '- ipa_path/pkg_path: no IpaPath nor PkgPath parameter specified: set ipa_path to the .ipa (Xcode Archive exports $BITRISE_IPA_PATH) or pkg_path to the .pkg',
      "- app_id/bundle_id: no AppID or BundleID parameter specified: set app_id to the app's Apple ID (App Store Connect › App Information) or bundle_id to its bundle ID",
    ]);
  });
});

const LOCK =
  'GEM\n  remote: https://rubygems.org/\n  specs:\n    fastlane (2.228.0)\n      addressable (>= 2.8, < 3.0.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  fastlane\n\nBUNDLED WITH\n   2.5.11\n';
