/**
 * Issue 15, items 1 and 2: the identity a target is signed for is the one it builds with, and
 * every Apple platform gets the profile type, devices, certificate and file it needs; a target
 * built for several platforms gets a profile for each and per-SDK settings. Through step.sh,
 * against the portal simulator (which refuses what Apple refuses), over both transports.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateProject } from '../../../testkit/fixtures/xcode-project.ts';
import { outputsInNextStep } from '../../../testkit/harness.ts';
import {
  type BuildApiSimulator,
  startBuildApiSimulator,
} from '../../../testkit/simulators/build-api/index.ts';
import {
  APPLE_TV,
  APPLE_WATCH,
  buildSetting,
  configIds,
  failureReason,
  IPAD,
  IPHONE,
  installedProfiles,
  MAC,
  provision,
  startWorld,
  subdir,
  TRANSPORTS,
  tableRows,
  VISION_PRO,
  type World,
} from './support.ts';

let api: BuildApiSimulator;
beforeAll(async () => {
  api = await startBuildApiSimulator({ token: 'build-api-token-7c1d2e' });
});
afterAll(() => api.close());

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    expect(w.sim.schemaViolations).toEqual([]);
    await w.sim.close();
  }
});
async function world(options: Parameters<typeof startWorld>[0] = {}): Promise<World> {
  const w = await startWorld(options);
  worlds.push(w);
  return w;
}

const profileOf = (w: World, name: string) => w.sim.state.profiles.find((p) => p.name === name);
const udidsOf = (w: World, profile: { deviceIds: string[] }) =>
  profile.deviceIds.map((id) => w.sim.state.devices.find((d) => d.id === id)!.udid).sort();

describe.each(TRANSPORTS)('every platform, over %s', (transport) => {
  it('signs the bundle ID the target builds with once DEVELOPMENT_TEAM is the certificate team', async () => {
    const w = await world();
    // Apple's sample-code layout: the disambiguator is the team, empty in the project.
    const p = generateProject({
      dir: subdir(w, 'sample-code'),
      teamId: '""',
      files: { 'Configuration/SampleCode.xcconfig': 'SAMPLE_CODE_DISAMBIGUATOR=${DEVELOPMENT_TEAM}\n' },
      xcconfigs: { project: 'Configuration/SampleCode.xcconfig' },
      settings: {
        app: { PRODUCT_BUNDLE_IDENTIFIER: 'com.example.apple-samplecode.Hello${SAMPLE_CODE_DISAMBIGUATOR}' },
        extensions: { PRODUCT_BUNDLE_IDENTIFIER: 'com.$(DEVELOPMENT_TEAM).hello.widget' },
      },
      extensions: 1,
    });
    const { run } = await provision(w, api, transport, p);
    expect(run.exitCode, run.output).toBe(0);
    const team = w.sim.teams[0]!.teamId;
    expect(w.sim.state.bundleIds.map((b) => b.identifier).sort()).toEqual(
      [`com.${team}.hello.widget`, `com.example.apple-samplecode.Hello${team}`].sort(),
    );
    expect(run.output).toContain(
      `App (iOS) builds as com.example.apple-samplecode.Hello${team} once manual signing with team ${team} is set (the project as it is says com.example.apple-samplecode.Hello)`,
    );
    expect(outputsInNextStep(run, 'auto-provision')['BITRISE_DEVELOPMENT_PROFILE']).toBe(
      profileOf(w, `Bitrise iOS development - (com.example.apple-samplecode.Hello${team})`)!.uuid,
    );
  });

  it('reads an xcconfig keyed on the signing style as it is once the Step has made it Manual', async () => {
    const w = await world();
    const p = generateProject({
      dir: subdir(w, 'style'),
      files: {
        'Config/App.xcconfig': [
          'ID_SUFFIX_Automatic = .local',
          'ID_SUFFIX_Manual = .ci',
          'PRODUCT_BUNDLE_IDENTIFIER = io.example.styled$(ID_SUFFIX_$(CODE_SIGN_STYLE))',
          '',
        ].join('\n'),
      },
      xcconfigs: { app: 'Config/App.xcconfig' },
      settings: { app: { PRODUCT_BUNDLE_IDENTIFIER: null } },
    });
    const { run } = await provision(w, api, transport, p, { dry_run: 'yes' });
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain('[dry run] would create App ID io.example.styled.ci');
    expect(run.output).not.toContain('io.example.styled.local"');
    expect(tableRows(run.output).map((r) => r[1])).toEqual(['io.example.styled.ci']);
  });

  it('macOS: a MAC_OS App ID, MAC_APP_DEVELOPMENT with the Macs only, a .provisionprofile, macosx signing settings', async () => {
    const w = await world({ devices: ['iphone', 'mac'] });
    const p = generateProject({
      dir: subdir(w, 'mac'),
      bundleId: 'io.example.mac',
      settings: { app: { SDKROOT: 'macosx', 'CODE_SIGN_IDENTITY[sdk=iphoneos*]': null } },
      entitlements: { 0: { 'com.apple.security.app-sandbox': true } },
    });
    const { run, pbxAfter } = await provision(w, api, transport, p);
    expect(run.exitCode, run.output).toBe(0);
    expect(w.sim.state.bundleIds.map((b) => [b.identifier, b.platform])).toEqual([
      ['io.example.mac', 'MAC_OS'],
    ]);
    const profile = profileOf(w, 'Bitrise macOS development - (io.example.mac)')!;
    expect(profile.profileType).toBe('MAC_APP_DEVELOPMENT');
    expect(udidsOf(w, profile)).toEqual([MAC]);
    const files = installedProfiles(run.home);
    expect(files.map((f) => f.file)).toEqual([
      `${profile.uuid}.provisionprofile`,
      `${profile.uuid}.provisionprofile`,
    ]);
    expect(files[0]!.profile.entitlements['com.apple.application-identifier']).toBe(
      'SIMTEAM001.io.example.mac',
    );
    const { release } = configIds(pbxAfter, 'App');
    expect(buildSetting(pbxAfter, release, 'PROVISIONING_PROFILE')).toBe(profile.uuid);
    expect(buildSetting(pbxAfter, release, 'CODE_SIGN_IDENTITY[sdk=macosx*]')).toMatch(/^[0-9A-F]{40}$/);
    expect(tableRows(run.output)[0]!.slice(0, 4)).toEqual([
      'App',
      'io.example.mac',
      'macOS',
      'MAC_APP_DEVELOPMENT',
    ]);
  });

  it('macOS developer-id: MAC_APP_DIRECT with the Developer ID certificate and no devices', async () => {
    const w = await world({
      devices: ['mac'],
      certificates: [{ type: 'DEVELOPMENT' }, { type: 'DEVELOPER_ID_APPLICATION' }],
    });
    const p = generateProject({
      dir: subdir(w, 'mac-direct'),
      bundleId: 'io.example.direct',
      settings: { app: { SDKROOT: 'macosx' } },
    });
    const { run } = await provision(w, api, transport, p, { distribution_type: 'developer-id' });
    expect(run.exitCode, run.output).toBe(0);
    const direct = profileOf(w, 'Bitrise macOS developer-id - (io.example.direct)')!;
    expect(direct.profileType).toBe('MAC_APP_DIRECT');
    expect(direct.deviceIds).toEqual([]);
    const developerId = w.sim.state.certificates.find(
      (c) => c.certificateType === 'DEVELOPER_ID_APPLICATION',
    )!;
    expect(direct.certificateIds).toEqual([developerId.id]);
    const out = outputsInNextStep(run, 'auto-provision');
    expect(out['BITRISE_EXPORT_METHOD']).toBe('developer-id');
    expect(out['BITRISE_PRODUCTION_PROFILE']).toBe(direct.uuid);
    expect(out['BITRISE_PRODUCTION_CODESIGN_IDENTITY']).toBe(w.identities[1]!.commonName);
  });

  it('tvOS: TVOS_APP_DEVELOPMENT with the Apple TVs only; an iOS app leaves the Apple TV out', async () => {
    const w = await world({ devices: ['iphone', 'tv'] });
    const tv = generateProject({
      dir: subdir(w, 'tv'),
      bundleId: 'io.example.tv',
      settings: { app: { SDKROOT: 'appletvos', TARGETED_DEVICE_FAMILY: '3' } },
    });
    const { run, pbxAfter } = await provision(w, api, transport, tv);
    expect(run.exitCode, run.output).toBe(0);
    const profile = profileOf(w, 'Bitrise tvOS development - (io.example.tv)')!;
    expect(profile.profileType).toBe('TVOS_APP_DEVELOPMENT');
    expect(udidsOf(w, profile)).toEqual([APPLE_TV]);
    expect(installedProfiles(run.home)[0]!.file).toBe(`${profile.uuid}.mobileprovision`);
    const { release } = configIds(pbxAfter, 'App');
    expect(buildSetting(pbxAfter, release, 'CODE_SIGN_IDENTITY[sdk=appletvos*]')).toMatch(/^[0-9A-F]{40}$/);

    const ios = generateProject({ dir: subdir(w, 'ios'), bundleId: 'io.example.phone' });
    const second = await provision(w, api, transport, ios);
    expect(second.run.exitCode, second.run.output).toBe(0);
    expect(udidsOf(w, profileOf(w, 'Bitrise iOS development - (io.example.phone)')!)).toEqual([IPHONE]);
  });

  it('tvOS without an Apple TV fails in one red line that says what to register', async () => {
    const w = await world({ devices: ['iphone'] });
    const p = generateProject({ dir: subdir(w, 'tv'), settings: { app: { SDKROOT: 'appletvos' } } });
    const { run, pbxBefore, pbxAfter } = await provision(w, api, transport, p);
    expect(failureReason(run)).toMatch(
      /^Automatic code signing failed: the main target \(App\) cannot be signed for development: tvOS: Apple makes no development profile without a device, and no Apple TV is registered on the Developer Portal: register one/,
    );
    expect(w.sim.requestLog.filter((e) => e.method !== 'GET' && e.path !== 'listTeams')).toEqual([]);
    expect(pbxAfter).toBe(pbxBefore);
  });

  it('iPadOS, watchOS and visionOS: iOS profiles with the devices each runs on', async () => {
    const w = await world({ devices: ['iphone', 'ipad', 'watch', 'vision', 'tv'] });
    const p = generateProject({
      dir: subdir(w, 'family'),
      bundleId: 'io.example.family',
      watchApp: true,
      extensions: 1,
      settings: {
        app: { TARGETED_DEVICE_FAMILY: '2' },
        extensions: { SDKROOT: 'xros', TARGETED_DEVICE_FAMILY: '7' },
      },
    });
    const { run } = await provision(w, api, transport, p);
    expect(run.exitCode, run.output).toBe(0);
    const types = w.sim.state.profiles.map((pr) => [pr.name, pr.profileType, udidsOf(w, pr)]).sort();
    expect(types).toEqual(
      [
        ['Bitrise iOS development - (io.example.family)', 'IOS_APP_DEVELOPMENT', [IPAD, VISION_PRO].sort()],
        ['Bitrise iOS development - (io.example.family.ext1)', 'IOS_APP_DEVELOPMENT', [VISION_PRO]],
        ['Bitrise iOS development - (io.example.family.watchkitapp)', 'IOS_APP_DEVELOPMENT', [APPLE_WATCH]],
      ].sort(),
    );
    expect(tableRows(run.output).map((r) => r[2])).toEqual(['iPadOS', 'visionOS', 'watchOS']);
  });

  it('Mac Catalyst: a second profile for the Mac build, .provisionprofile, per-SDK settings', async () => {
    const w = await world({ devices: ['iphone', 'mac'] });
    const p = generateProject({
      dir: subdir(w, 'catalyst'),
      bundleId: 'io.example.catalyst',
      settings: { app: { SUPPORTS_MACCATALYST: 'YES', TARGETED_DEVICE_FAMILY: '1,2,6' } },
    });
    const { run, pbxAfter } = await provision(w, api, transport, p);
    expect(run.exitCode, run.output).toBe(0);
    expect(w.sim.state.bundleIds.map((b) => [b.identifier, b.platform])).toEqual([
      ['io.example.catalyst', 'IOS'],
    ]);
    const ios = profileOf(w, 'Bitrise iOS development - (io.example.catalyst)')!;
    const mac = profileOf(w, 'Bitrise Mac Catalyst development - (io.example.catalyst)')!;
    expect(mac.profileType).toBe('MAC_CATALYST_APP_DEVELOPMENT');
    expect(udidsOf(w, ios)).toEqual([IPHONE]);
    expect(udidsOf(w, mac)).toEqual([MAC]);
    expect(
      installedProfiles(run.home)
        .map((f) => f.file)
        .sort(),
    ).toEqual(
      [
        `${ios.uuid}.mobileprovision`,
        `${ios.uuid}.mobileprovision`,
        `${mac.uuid}.provisionprofile`,
        `${mac.uuid}.provisionprofile`,
      ].sort(),
    );
    const { release } = configIds(pbxAfter, 'App');
    expect(buildSetting(pbxAfter, release, 'PROVISIONING_PROFILE')).toBe(ios.uuid);
    expect(buildSetting(pbxAfter, release, 'PROVISIONING_PROFILE[sdk=iphoneos*]')).toBe(ios.uuid);
    expect(buildSetting(pbxAfter, release, 'PROVISIONING_PROFILE[sdk=macosx*]')).toBe(mac.uuid);
    expect(buildSetting(pbxAfter, release, 'CODE_SIGN_IDENTITY[sdk=macosx*]')).toMatch(/^[0-9A-F]{40}$/);
  });

  it('Mac Catalyst development without a Mac is skipped with a warning; the iOS app still signs', async () => {
    const w = await world({ devices: ['iphone'] });
    const p = generateProject({
      dir: subdir(w, 'catalyst-no-mac'),
      bundleId: 'io.example.nomac',
      settings: { app: { SUPPORTS_MACCATALYST: 'YES', DERIVE_MACCATALYST_PRODUCT_BUNDLE_IDENTIFIER: 'YES' } },
    });
    const { run, pbxAfter } = await provision(w, api, transport, p);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain(
      'App (Mac Catalyst) is not signed for development: Apple makes no development profile without a device, and no Mac is registered on the Developer Portal',
    );
    expect(w.sim.state.profiles.map((pr) => pr.name)).toEqual([
      'Bitrise iOS development - (io.example.nomac)',
    ]);
    // The derived Mac bundle ID is not created for nothing.
    expect(w.sim.state.bundleIds.map((b) => b.identifier)).toEqual(['io.example.nomac']);
    const { release } = configIds(pbxAfter, 'App');
    expect(buildSetting(pbxAfter, release, 'PROVISIONING_PROFILE[sdk=macosx*]')).toBeUndefined();
    const skipped = tableRows(run.output).find((r) => r[2] === 'Mac Catalyst')!;
    expect(skipped[1]).toBe('maccatalyst.io.example.nomac');
    expect(skipped[4]).toMatch(/^skipped: Apple makes no development profile without a device/);
  });

  it('a multiplatform target: one universal App ID, an iOS profile for iOS and visionOS, a macOS one; platforms restricts', async () => {
    const w = await world({ devices: ['iphone', 'vision', 'mac'] });
    const p = generateProject({
      dir: subdir(w, 'multi'),
      bundleId: 'io.example.multi',
      settings: {
        project: { SDKROOT: 'auto' },
        app: {
          SDKROOT: 'auto',
          SUPPORTED_PLATFORMS: 'iphoneos iphonesimulator macosx xros xrsimulator',
          TARGETED_DEVICE_FAMILY: '1,2,7',
        },
      },
    });
    const restricted = await provision(w, api, transport, p, { platforms: 'iOS, visionOS', dry_run: 'yes' });
    expect(restricted.run.exitCode, restricted.run.output).toBe(0);
    expect(restricted.run.output).not.toContain('MAC_APP_DEVELOPMENT');
    expect(restricted.run.output).toContain('skipped: not in the platforms input');

    const { run, pbxAfter } = await provision(w, api, transport, p);
    expect(run.exitCode, run.output).toBe(0);
    expect(w.sim.state.bundleIds.map((b) => [b.identifier, b.platform])).toEqual([
      ['io.example.multi', 'UNIVERSAL'],
    ]);
    const ios = profileOf(w, 'Bitrise iOS development - (io.example.multi)')!;
    const mac = profileOf(w, 'Bitrise macOS development - (io.example.multi)')!;
    expect(udidsOf(w, ios)).toEqual([IPHONE, VISION_PRO].sort());
    expect(udidsOf(w, mac)).toEqual([MAC]);
    expect(tableRows(run.output).map((r) => [r[2], r[3]])).toEqual([
      ['iOS', 'IOS_APP_DEVELOPMENT'],
      ['visionOS', 'IOS_APP_DEVELOPMENT'],
      ['macOS', 'MAC_APP_DEVELOPMENT'],
    ]);
    const { release } = configIds(pbxAfter, 'App');
    expect(buildSetting(pbxAfter, release, 'PROVISIONING_PROFILE[sdk=iphoneos*]')).toBe(ios.uuid);
    expect(buildSetting(pbxAfter, release, 'PROVISIONING_PROFILE[sdk=xros*]')).toBe(ios.uuid);
    expect(buildSetting(pbxAfter, release, 'PROVISIONING_PROFILE[sdk=macosx*]')).toBe(mac.uuid);
  });

  it('an existing iOS App ID gets no macOS profile: the macOS build is skipped, saying why', async () => {
    const w = await world({ devices: ['iphone', 'mac'] });
    w.sim.state.addBundleId({ identifier: 'io.example.legacy', platform: 'IOS' });
    const p = generateProject({
      dir: subdir(w, 'legacy'),
      bundleId: 'io.example.legacy',
      settings: { app: { SUPPORTED_PLATFORMS: 'iphoneos iphonesimulator macosx' } },
    });
    const { run } = await provision(w, api, transport, p);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain(
      'App (macOS) is not signed for development: the App ID io.example.legacy is an iOS App ID, and Apple makes no macOS profile for it',
    );
    expect(w.sim.state.profiles.map((pr) => pr.profileType)).toEqual(['IOS_APP_DEVELOPMENT']);
  });
});
