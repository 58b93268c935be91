import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeProfile } from '../../../common/codesign/index.ts';
import {
  connectionPayload,
  isWrite,
  KEYCHAIN_PASSWORD,
  officialProfileName,
  P12_PASSPHRASE,
  type SigningIdentity,
  seedExisting,
  signingIdentity,
  type Transport,
} from '../../../testkit/fixtures/provisioning.ts';
import { type GeneratedProject, generateProject } from '../../../testkit/fixtures/xcode-project.ts';
import {
  assertOutputsInNextStep,
  callsOf,
  connectionSecrets,
  leakedSecrets,
  outputsInNextStep,
  REPO_ROOT,
  runStepSh,
  type StepRun,
} from '../../../testkit/harness.ts';
import {
  type BuildApiSimulator,
  startBuildApiSimulator,
} from '../../../testkit/simulators/build-api/index.ts';
import { type PortalSimulator, startPortalSimulator } from '../../../testkit/simulators/portal/index.ts';
import { STAND_INS_DIR } from '../../../testkit/stand-ins/index.ts';

const STEP = 'auto-provision';
const PROFILE_DIRS = [
  'Library/MobileDevice/Provisioning Profiles',
  'Library/Developer/Xcode/UserData/Provisioning Profiles',
];
const SAMPLE = join(REPO_ROOT, 'common', 'codesign', 'test', 'fixtures', 'sample');
const TEST_DEVICE = '00008030-001A2B3C4D5E6F70';
const NEW_DEVICE = '00008110-000A1B2C3D4E5F60';

const root = mkdtempSync(join(tmpdir(), 'auto-provision-e2e-'));
let counter = 0;
const freshDir = (name: string) => {
  const dir = join(root, `${counter++}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

let api: BuildApiSimulator;
beforeAll(async () => {
  api = await startBuildApiSimulator({ token: 'build-api-token-4f2a9c7e' });
});
afterAll(() => api.close());

const sims: PortalSimulator[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) {
    expect(sim.schemaViolations).toEqual([]);
    await sim.close();
  }
});

interface World {
  sim: PortalSimulator;
  dev: SigningIdentity;
  dist: SigningIdentity;
  certDir: string;
}

/** A simulated team with one enabled iPhone and both certificates on the portal. */
async function world(options: { devCertOnPortal?: boolean } = {}): Promise<World> {
  const sim = await startPortalSimulator({ seed: { devices: [{ udid: TEST_DEVICE }] } });
  sims.push(sim);
  const team = sim.teams[0]!;
  const certDir = freshDir('certs');
  const dev = signingIdentity(certDir, 'development', team.teamId, team.name);
  const dist = signingIdentity(certDir, 'distribution', team.teamId, team.name);
  if (options.devCertOnPortal !== false)
    sim.state.addCertificate({
      serialHex: dev.serial,
      certificateType: 'DEVELOPMENT',
      commonName: dev.commonName,
    });
  sim.state.addCertificate({
    serialHex: dist.serial,
    certificateType: 'DISTRIBUTION',
    commonName: dist.commonName,
  });
  return { sim, dev, dist, certDir };
}

interface Provision {
  run: StepRun;
  secrets: string[];
  pbxBefore: string;
  pbxAfter: string;
}

async function provision(
  w: World,
  transport: Transport,
  project: { projectPath: string; pbxprojPath: string; scheme: string },
  inputs: Record<string, string> = {},
  payloadExtra: Record<string, unknown> = {},
): Promise<Provision> {
  const payload = connectionPayload(w.sim, transport, payloadExtra);
  api.setPayload(payload);
  const pbxBefore = readFileSync(project.pbxprojPath, 'utf8');
  w.sim.requestLog.length = 0;
  const run = await runStepSh(STEP, {
    inputs: {
      connection: transport,
      build_url: api.url,
      build_api_token: api.token,
      project_path: project.projectPath,
      scheme: project.scheme,
      distribution_type: 'development',
      certificate_urls: `file://${w.dev.p12Path}`,
      passphrases: P12_PASSPHRASE,
      keychain_password: KEYCHAIN_PASSWORD,
      ...inputs,
    },
    env: { ...w.sim.hostMapEnv },
  });
  const secrets = [P12_PASSPHRASE, KEYCHAIN_PASSWORD, api.token, ...connectionSecrets(payload)];
  expect(leakedSecrets(run.output, secrets)).toEqual([]);
  return { run, secrets, pbxBefore, pbxAfter: readFileSync(project.pbxprojPath, 'utf8') };
}

function project(
  options: Parameters<typeof generateProject>[0] extends infer O ? Partial<O> : never = {},
): GeneratedProject {
  return generateProject({ dir: freshDir('project'), extensions: 2, ...options });
}

/** The outputs as the following Step reads them from its environment under the Bitrise CLI. */
const outputsOf = (run: StepRun) => outputsInNextStep(run, 'auto-provision');
const requests = (sim: PortalSimulator) =>
  sim.requestLog.map((e) => `${e.method} ${e.path.replace(/\/[A-Z0-9]{10}(?=\/|$)/g, '/{id}')}`);
const count = (sim: PortalSimulator, request: string) => requests(sim).filter((r) => r === request).length;

function installedProfiles(home: string): Array<{ dir: string; file: string; mode: number; uuid: string }> {
  return PROFILE_DIRS.flatMap((dir) => {
    const folder = join(home, dir);
    if (!existsSync(folder)) return [];
    return readdirSync(folder).map((file) => {
      const path = join(folder, file);
      return { dir, file, mode: statSync(path).mode & 0o777, uuid: decodeProfile(readFileSync(path)).uuid };
    });
  });
}

/** The value of a build setting of a target's configuration, read from the pbxproj text. */
function setting(pbxproj: string, configId: string, key: string): string | undefined {
  const start = pbxproj.indexOf(`\t\t${configId} /*`);
  const block = pbxproj.slice(start, pbxproj.indexOf('\n\t\t};', start));
  const escaped = key.replace(/[[\]*]/g, '\\$&');
  const match = new RegExp(`\\n\\t+"?${escaped}"? = ("[^"]*"|[^;]*);`).exec(block);
  return match?.[1]?.replace(/^"|"$/g, '');
}

/** The Release configuration ID of a target of a generated project. */
function configIds(pbxproj: string, target: string): { debug: string; release: string } {
  const list = new RegExp(
    `(\\w{24}) /\\* Build configuration list for PBXNativeTarget "${target}" \\*/ = \\{[^}]*?(\\w{24}) /\\* Debug \\*/,\\s*(\\w{24}) /\\* Release \\*/`,
  ).exec(pbxproj);
  if (!list) throw new Error(`no configuration list for ${target}`);
  return { debug: list[2]!, release: list[3]! };
}

describe.each<Transport>(['api_key', 'apple_id'])('auto-provision over %s', (transport) => {
  it('provisions a fresh account: App IDs, capabilities, profiles, keychain, project, outputs', async () => {
    const w = await world();
    const p = project({
      entitlements: {
        0: { 'aps-environment': 'development', 'com.apple.developer.networking.wifi-info': true },
      },
    });
    const { run, pbxBefore, pbxAfter } = await provision(w, transport, p);
    expect(run.exitCode, run.output).toBe(0);

    // Portal: one App ID and one development profile per target, with the official names.
    const ids = w.sim.state.bundleIds.map((b) => [b.identifier, b.name]);
    expect(ids.sort()).toEqual(p.bundleIds.map((id) => [id, `Bitrise ${id.replace(/[._-]/g, ' ')}`]).sort());
    const app = w.sim.state.bundleIds.find((b) => b.identifier === p.bundleIds[0])!;
    expect(app.capabilities.map((c) => c.capabilityType).sort()).toEqual([
      'ACCESS_WIFI_INFORMATION',
      'PUSH_NOTIFICATIONS',
    ]);
    const profiles = w.sim.state.profiles;
    expect(profiles.map((pr) => [pr.name, pr.profileType]).sort()).toEqual(
      p.bundleIds.map((id) => [officialProfileName('development', id), 'IOS_APP_DEVELOPMENT']).sort(),
    );
    const devCert = w.sim.state.certificates.find((c) => c.serialNumber === w.dev.serial)!;
    for (const pr of profiles) {
      expect(pr.certificateIds).toEqual([devCert.id]);
      expect(pr.deviceIds).toEqual([w.sim.state.devices[0]!.id]);
    }

    // Requests: three lists once per run (App IDs with their capabilities and profiles in one),
    // then per target only the creates.
    expect(count(w.sim, 'GET /v1/certificates')).toBe(1);
    expect(count(w.sim, 'GET /v1/devices')).toBe(1);
    expect(count(w.sim, 'GET /v1/bundleIds')).toBe(1);
    expect(count(w.sim, 'GET /v1/profiles')).toBe(0); // new App IDs have no profiles to find
    expect(count(w.sim, 'POST /v1/bundleIds')).toBe(3);
    expect(count(w.sim, 'POST /v1/bundleIdCapabilities')).toBe(2);
    expect(count(w.sim, 'POST /v1/profiles')).toBe(3);
    expect(w.sim.requestLog.length).toBe(11 + (transport === 'apple_id' ? 1 : 0));

    // Files: each profile in both folders, 0600, named by its UUID.
    const installed = installedProfiles(run.home);
    expect(installed).toHaveLength(6);
    for (const file of installed) {
      expect(file.mode).toBe(0o600);
      expect(file.file).toBe(`${file.uuid}.mobileprovision`);
    }
    expect(new Set(installed.map((f) => f.uuid))).toEqual(new Set(profiles.map((pr) => pr.uuid)));

    // Keychain: upstream's security sequence, the p12 imported with its passphrase.
    const keychain = join(run.home, 'Library/Keychains/login.keychain');
    const security = callsOf(run, 'security').map((c) => c.argv);
    expect(security[0]).toEqual(['-v', 'create-keychain', '-p', KEYCHAIN_PASSWORD, keychain]);
    expect(security[1]).toEqual(['-v', 'unlock-keychain', '-p', KEYCHAIN_PASSWORD, keychain]);
    expect(security[2]).toEqual([
      'import',
      expect.stringMatching(/\.p12$/),
      '-k',
      keychain,
      '-P',
      P12_PASSPHRASE,
      '-A',
    ]);
    // create-keychain puts a login keychain on the search list (as login.keychain-db), so the
    // Step finds it there and does not add it a second time.
    expect(security.map((a) => a.find((x) => !x.startsWith('-')))).toEqual([
      'create-keychain',
      'unlock-keychain',
      'import',
      'set-key-partition-list',
      'set-keychain-settings',
      'list-keychains',
      'default-keychain',
    ]);
    const searchList = spawnSync(join(STAND_INS_DIR, 'security'), ['list-keychains', '-d', 'user'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: run.home },
      encoding: 'utf8',
    }).stdout;
    expect(searchList).toBe(`    "${keychain}-db"\n`);

    // Project: Release of every target signs manually with the new profile; Debug untouched.
    const sha1 = decodeProfile(w.sim.state.profiles[0]!.content).developerCertificates[0]!.sha1;
    expect(sha1).toMatch(/^[0-9A-F]{40}$/);
    for (const [index, name] of p.targetNames.entries()) {
      const { debug, release } = configIds(pbxAfter, name);
      const uuid = profiles.find(
        (pr) => pr.name === officialProfileName('development', p.bundleIds[index]!),
      )!.uuid;
      expect(setting(pbxAfter, release, 'PROVISIONING_PROFILE')).toBe(uuid);
      expect(setting(pbxAfter, release, 'CODE_SIGN_STYLE')).toBe('Manual');
      expect(setting(pbxAfter, release, 'DEVELOPMENT_TEAM')).toBe('SIMTEAM001');
      expect(setting(pbxAfter, release, 'CODE_SIGN_IDENTITY[sdk=iphoneos*]')).toMatch(/^[0-9A-F]{40}$/);
      expect(setting(pbxAfter, release, 'PROVISIONING_PROFILE_SPECIFIER')).toBe('');
      expect(setting(pbxAfter, debug, 'CODE_SIGN_STYLE')).toBe('Automatic');
    }
    // Format-preserving: the Debug blocks and everything outside the edited values is byte-identical.
    // (TargetAttributes entries are added for the extensions, which had none.)
    const untouched = (text: string) =>
      text
        .replace(
          /\n\t+[^\n]*(CODE_SIGN|DEVELOPMENT_TEAM|PROVISIONING|ProvisioningStyle|DevelopmentTeam)[^\n]*/g,
          '',
        )
        .replace(/\n\t+\w{24} = \{\n\t+\};/g, '');
    expect(untouched(pbxAfter)).toBe(untouched(pbxBefore));

    // Outputs.
    const mainProfile = profiles.find(
      (pr) => pr.name === officialProfileName('development', p.bundleIds[0]!),
    )!;
    const expected = {
      BITRISE_EXPORT_METHOD: 'development',
      BITRISE_DEVELOPER_TEAM: 'SIMTEAM001',
      BITRISE_DEVELOPMENT_CODESIGN_IDENTITY: w.dev.commonName,
      BITRISE_DEVELOPMENT_PROFILE: mainProfile.uuid,
    };
    expect(outputsOf(run)).toEqual(expected);
    expect(run.outputs.every((o) => !o.expand)).toBe(true);
    const next = assertOutputsInNextStep(run, 'auto-provision', expected);
    expect(next.exitCode, next.output).toBe(0);
  });

  it('changes nothing on an account where everything exists, reusing the profiles', async () => {
    const w = await world();
    const p = project();
    seedExisting(w.sim, p.bundleIds);
    const before = w.sim.state.profiles.map((pr) => pr.uuid);
    const { run } = await provision(w, transport, p, { min_profile_days_valid: '30' });
    expect(run.exitCode, run.output).toBe(0);
    expect(w.sim.requestLog.filter(isWrite)).toEqual([]);
    expect(w.sim.state.profiles.map((pr) => pr.uuid)).toEqual(before);
    // Whatever the number of targets: certificates, devices, and the App IDs with their profiles.
    expect(count(w.sim, 'GET /v1/bundleIds')).toBe(1);
    expect(count(w.sim, 'GET /v1/profiles')).toBe(0);
    expect(w.sim.requestLog.length).toBe(3 + (transport === 'apple_id' ? 1 : 0));
    expect(run.output).toContain(`${officialProfileName('development', p.bundleIds[0]!)}: reused`);
    expect(new Set(installedProfiles(run.home).map((f) => f.uuid))).toEqual(new Set(before));
    expect(outputsOf(run)['BITRISE_DEVELOPMENT_PROFILE']).toBe(before[0]);
    expect(run.output).toContain('no Developer Portal changes');
  });

  it('regenerates a profile that expires within min_profile_days_valid', async () => {
    const w = await world();
    const p = project({ extensions: 0 });
    seedExisting(w.sim, p.bundleIds);
    const old = w.sim.state.profiles[0]!;
    const { run } = await provision(w, transport, p, { min_profile_days_valid: '400' });
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain('expired, or will expire in less then 400 day(s)');
    expect(
      w.sim.requestLog.filter(isWrite).map((e) => `${e.method} ${e.path.replace(/[A-Z0-9]{10}$/, '{id}')}`),
    ).toEqual(['DELETE /v1/profiles/{id}', 'POST /v1/profiles']);
    expect(w.sim.state.profiles).toHaveLength(1);
    const fresh = w.sim.state.profiles[0]!;
    expect(fresh.uuid).not.toBe(old.uuid);
    expect(fresh.name).toBe(old.name);
    expect(outputsOf(run)['BITRISE_DEVELOPMENT_PROFILE']).toBe(fresh.uuid);
  });

  it('fails when the development certificate is not on the portal, before any change', async () => {
    const w = await world({ devCertOnPortal: false });
    const p = project();
    const { run, pbxBefore, pbxAfter } = await provision(w, transport, p);
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(
      `Certificate (${w.dev.commonName}, serial ${w.dev.serial}) not found on Developer Portal`,
    );
    expect(run.output).toMatch(
      /Automatic code signing failed: not found any of the following IOS_DEVELOPMENT certificates on Developer Portal: .*serial/,
    );
    expect(w.sim.requestLog.filter(isWrite)).toEqual([]);
    expect(callsOf(run, 'security')).toEqual([]);
    expect(pbxAfter).toBe(pbxBefore);
    expect(run.outputs).toEqual([]);
  });

  it('provisions the sample project: extensions, watch app, App Clip, UITests, app-store with development, devices', async () => {
    const w = await world();
    const dir = freshDir('sample');
    cpSync(SAMPLE, dir, { recursive: true });
    // An App Clip's App ID cannot be created by the Step: it exists, as does the app's.
    w.sim.state.addBundleId({ identifier: 'com.example.sample', capabilities: ['PUSH_NOTIFICATIONS'] });
    w.sim.state.addBundleId({ identifier: 'com.example.sample.Clip' });
    const sample = {
      projectPath: join(dir, 'Sample.xcworkspace'),
      pbxprojPath: join(dir, 'Sample.xcodeproj', 'project.pbxproj'),
      scheme: 'Sample',
    };
    const { run, pbxBefore, pbxAfter } = await provision(
      w,
      transport,
      sample,
      {
        distribution_type: 'app-store',
        sign_uitest_targets: 'yes',
        register_test_devices: 'yes',
        certificate_urls: `file://${w.dev.p12Path}|file://${w.dist.p12Path}`,
        passphrases: `${P12_PASSPHRASE}|${P12_PASSPHRASE}`,
      },
      {
        test_devices: [
          { device_identifier: TEST_DEVICE, title: 'Known iPhone', device_type: 'ios' },
          { device_identifier: NEW_DEVICE, title: 'New iPhone', device_type: 'ios' },
          { device_identifier: 'not-a-udid', title: 'Broken', device_type: 'ios' },
        ],
      },
    );
    expect(run.exitCode, run.output).toBe(0);
    // Devices: the new one registered, the invalid one a warning.
    expect(w.sim.state.devices.map((d) => d.udid).sort()).toEqual([NEW_DEVICE, TEST_DEVICE].sort());
    expect(run.output).toContain(
      'Failed to register device not-a-udid (Broken): can be caused by invalid UDID',
    );

    const signed = [
      'com.example.sample',
      'com.example.sample.Share-Extension',
      'com.example.sample.watchkitapp',
      'com.example.sample.watchkitapp.watchkitextension',
      'com.example.sample.Clip',
      'com.example.sample.widget',
    ];
    const names = w.sim.state.profiles.map((pr) => pr.name).sort();
    expect(names).toEqual(
      [
        ...signed.map((id) => officialProfileName('app-store', id)),
        ...signed.map((id) => officialProfileName('development', id)),
        'Wildcard Bitrise iOS development - (com.example.sample)',
      ].sort(),
    );
    const appStore = w.sim.state.profiles.filter((pr) => pr.profileType === 'IOS_APP_STORE');
    for (const pr of appStore) expect(pr.deviceIds).toEqual([]);
    for (const pr of w.sim.state.profiles.filter((x) => x.profileType === 'IOS_APP_DEVELOPMENT'))
      expect(pr.deviceIds).toHaveLength(2);
    expect(w.sim.state.bundleIds.find((b) => b.identifier === 'com.example.sample.*')?.name).toBe(
      'Wildcard Bitrise com example sample',
    );
    // The share extension's App Groups were enabled; the App Clip's App ID left as it was.
    const share = w.sim.state.bundleIds.find((b) => b.identifier === 'com.example.sample.Share-Extension')!;
    expect(share.capabilities.map((c) => c.capabilityType)).toEqual(['APP_GROUPS']);
    const app = w.sim.state.bundleIds.find((b) => b.identifier === 'com.example.sample')!;
    expect(app.capabilities.map((c) => c.capabilityType).sort()).toEqual([
      'APP_GROUPS',
      'ASSOCIATED_DOMAINS',
      'PUSH_NOTIFICATIONS',
    ]);

    // The project: archivable targets get the development profiles (upstream), UITests in every configuration.
    const devUuid = (id: string) =>
      w.sim.state.profiles.find((pr) => pr.name === officialProfileName('development', id))!.uuid;
    const assigned = (uuid: string) => pbxAfter.split(`PROVISIONING_PROFILE = "${uuid}";`).length - 1;
    for (const id of signed) expect(assigned(devUuid(id)), id).toBe(1);
    const wildcard = w.sim.state.profiles.find((pr) => pr.name.startsWith('Wildcard'))!.uuid;
    expect(assigned(wildcard)).toBe(2); // Debug and Release
    for (const pr of appStore) expect(pbxAfter).not.toContain(pr.uuid);
    expect(pbxAfter).toContain('CODE_SIGN_IDENTITY = ');
    expect(pbxAfter).not.toBe(pbxBefore);
    expect(installedProfiles(run.home)).toHaveLength(2 * 13);

    // Both certificates imported; outputs for development and production.
    expect(callsOf(run, 'security').filter((c) => c.argv[0] === 'import')).toHaveLength(2);
    const out = outputsOf(run);
    expect(out['BITRISE_EXPORT_METHOD']).toBe('app-store');
    expect(out['BITRISE_PRODUCTION_CODESIGN_IDENTITY']).toBe(w.dist.commonName);
    expect(out['BITRISE_DEVELOPMENT_CODESIGN_IDENTITY']).toBe(w.dev.commonName);
    expect(out['BITRISE_PRODUCTION_PROFILE']).toBe(
      appStore.find((pr) => pr.name === officialProfileName('app-store', 'com.example.sample'))!.uuid,
    );
    expect(out['BITRISE_DEVELOPMENT_PROFILE']).toBe(devUuid('com.example.sample'));
  });

  it('dry_run prints the plan and changes nothing: portal, files, keychain, project, outputs', async () => {
    const w = await world();
    const p = project({ entitlements: { 0: { 'aps-environment': 'development' } } });
    seedExisting(w.sim, [p.bundleIds[1]!], ['development'], { expired: true }); // hidden, blocks its name
    const bundleIds = w.sim.state.bundleIds.length;
    const profiles = w.sim.state.profiles.map((pr) => pr.uuid);
    const { run, pbxBefore, pbxAfter } = await provision(
      w,
      transport,
      p,
      {
        dry_run: 'yes',
        register_test_devices: 'yes',
      },
      { test_devices: [{ device_identifier: NEW_DEVICE, title: 'New iPhone', device_type: 'ios' }] },
    );
    expect(run.exitCode, run.output).toBe(0);
    expect(w.sim.requestLog.filter(isWrite)).toEqual([]);
    expect(w.sim.state.bundleIds).toHaveLength(bundleIds);
    expect(w.sim.state.devices).toHaveLength(1);
    expect(w.sim.state.profiles.map((pr) => pr.uuid)).toEqual(profiles);
    expect(callsOf(run, 'security')).toEqual([]);
    expect(run.outputs).toEqual([]);
    expect(pbxAfter).toBe(pbxBefore);
    expect(existsSync(join(run.home, 'Library'))).toBe(false);
    expect(run.output).toContain(`[dry run] would register device ${NEW_DEVICE} (New iPhone)`);
    expect(run.output).toContain(`[dry run] would create App ID ${p.bundleIds[0]}`);
    expect(run.output).toContain(`[dry run] would enable PUSH_NOTIFICATIONS on App ID ${p.bundleIds[0]}`);
    expect(run.output).toContain(
      `[dry run] would create IOS_APP_DEVELOPMENT profile "${officialProfileName('development', p.bundleIds[2]!)}" with 1 certificate(s) and 2 device(s)`,
    );
    expect(run.output).toMatch(
      /\[dry run\] would import Apple Development: .* into .*login\.keychain with security/,
    );
    expect(run.output).toMatch(
      /\[dry run\] would write .*Provisioning Profiles\/<UUID of the new "Bitrise iOS development - \(io\.bitrise\.autoprovision\)">\.mobileprovision \(0600\)/,
    );
    expect(run.output).toMatch(/\[dry run\] would set App \(Release\): CODE_SIGN_STYLE=Manual/);
    expect(run.output).toContain('Dry run: nothing was changed');
  });
});

describe('auto-provision input and credential failures', () => {
  it('reports every invalid input at once and runs nothing', async () => {
    const p = project({ extensions: 0 });
    const run = await runStepSh(STEP, {
      inputs: {
        connection: 'off',
        project_path: p.projectPath,
        scheme: 'App',
        distribution_type: 'app-store',
        api_issuer: 'issuer-without-key',
        certificate_urls: 'file:///a.p12|file:///b.p12',
        passphrases: 'only-one',
        keychain_password: KEYCHAIN_PASSWORD,
        min_profile_days_valid: 'soon',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    // Input kinds are checked first, all at once; the cross-field checks follow once they pass.
    expect(run.output).toContain('Invalid input min_profile_days_valid: "soon" is not a whole number');
    const second = await runStepSh(STEP, {
      inputs: {
        connection: 'off',
        project_path: p.projectPath,
        scheme: 'App',
        api_issuer: 'issuer-without-key',
        certificate_urls: 'file:///a.p12|file:///b.p12',
        passphrases: 'only-one',
        keychain_password: KEYCHAIN_PASSWORD,
      },
    });
    expect(second.exitCode).toBe(1);
    expect(second.calls).toEqual([]);
    expect(second.output).toContain('2 invalid inputs:');
    expect(second.output).toContain(
      '- passphrases: certificates count (2) and passphrases count (1) should match',
    );
    expect(second.output).toContain('- api_key_path: no Apple Service API Key Path provided');
    expect(leakedSecrets(second.output, ['only-one', KEYCHAIN_PASSWORD])).toEqual([]);
  });

  it('fails without credentials, naming the fix', async () => {
    const p = project({ extensions: 0 });
    const run = await runStepSh(STEP, {
      inputs: {
        connection: 'off',
        project_path: p.projectPath,
        scheme: 'App',
        certificate_urls: 'file:///a.p12',
        keychain_password: KEYCHAIN_PASSWORD,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(
      /could not configure Apple service authentication: no credentials provided: connect an App Store Connect API key/,
    );
    expect(run.calls).toEqual([]);
  });

  it('signs an app with a profile-attached entitlement, warning that the profile will not carry it', async () => {
    // Upstream stops here ("can not create profile with unsupported entitlement"); issue 15 asks
    // for a warning with the portal action instead (more cases in entitlements.e2e.test.ts).
    const w = await world();
    const p = project({ extensions: 0, entitlements: { 0: { 'com.apple.developer.carplay-audio': true } } });
    const { run } = await provision(w, 'api_key', p);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain(
      'com.apple.developer.carplay-audio (CarPlay) is granted by Apple on request only, so the profile will not carry it: request it at Certificates, Identifiers & Profiles › Identifiers › io.bitrise.autoprovision › Capability Requests',
    );
  });

  it('refuses to create an App Clip App ID', async () => {
    const w = await world();
    const dir = freshDir('sample-fresh');
    cpSync(SAMPLE, dir, { recursive: true });
    const sample = {
      projectPath: join(dir, 'Sample.xcodeproj'),
      pbxprojPath: join(dir, 'Sample.xcodeproj', 'project.pbxproj'),
      scheme: 'Sample',
    };
    const { run, pbxBefore, pbxAfter } = await provision(w, 'api_key', sample);
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(
      "Automatic code signing failed: can't create Application Identifier for App Clip target (SampleClip): com.example.sample.Clip",
    );
    expect(pbxAfter).toBe(pbxBefore);
    expect(callsOf(run, 'security')).toEqual([]);
  });
});
