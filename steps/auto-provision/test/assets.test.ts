import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeProject, loadCertificates } from '../../../common/codesign/index.ts';
import {
  createPortalClient,
  PortalApiError,
  type PortalClient,
  ProfilesChangedError,
} from '../../../common/portal/index.ts';
import { createHttpClient, Logger, Secret } from '../../../common/step/index.ts';
import { recordingClock } from '../../../common/step/test/helpers.ts';
import { P12_PASSPHRASE, seedExisting, signingIdentity } from '../../../testkit/fixtures/provisioning.ts';
import { generateProject } from '../../../testkit/fixtures/xcode-project.ts';
import { type PortalSimulator, startPortalSimulator } from '../../../testkit/simulators/portal/index.ts';
import { ensureCodesignAssets } from '../src/assets/ensure-codesign-assets.ts';
import { appIdName, profileName, wildcardBundleId } from '../src/assets/names.ts';
import { PROFILE_ATTEMPTS } from '../src/assets/profiles.ts';
import { iCloudContainers, requiredCapabilities } from '../src/capabilities.ts';
import { createWriter } from '../src/writer.ts';

describe('names and capabilities', () => {
  it('names profiles and App IDs as upstream', () => {
    expect(profileName('iOS', 'app-store', 'io.bitrise.app')).toBe(
      'Bitrise iOS app-store - (io.bitrise.app)',
    );
    expect(profileName('tvOS', 'development', 'io.bitrise.*')).toBe(
      'Wildcard Bitrise tvOS development - (io.bitrise)',
    );
    expect(appIdName('io.bitrise.my_app-ext')).toBe('Bitrise io bitrise my app ext');
    expect(appIdName('io.bitrise.*')).toBe('Wildcard Bitrise io bitrise');
    expect(wildcardBundleId('io.bitrise.app.uitests')).toBe('io.bitrise.app.*');
  });

  it('maps entitlements to capabilities with upstream settings, skipping non-portal keys', () => {
    expect(
      requiredCapabilities({
        'aps-environment': 'production',
        'com.apple.developer.icloud-services': ['CloudKit'],
        'com.apple.developer.icloud-container-identifiers': ['iCloud.io.bitrise.app'],
        'com.apple.developer.default-data-protection': 'NSFileProtectionComplete',
        'com.apple.developer.applesignin': ['Default'],
        'keychain-access-groups': ['$(AppIdentifierPrefix)io.bitrise'],
        'com.apple.developer.parent-application-identifiers': ['X.io.bitrise.app'],
      }),
    ).toEqual([
      { type: 'PUSH_NOTIFICATIONS', entitlement: 'aps-environment' },
      {
        type: 'ICLOUD',
        entitlement: 'com.apple.developer.icloud-services',
        settings: [{ key: 'ICLOUD_VERSION', options: [{ key: 'XCODE_6', enabled: true }] }],
      },
      {
        type: 'DATA_PROTECTION',
        entitlement: 'com.apple.developer.default-data-protection',
        settings: [
          {
            key: 'DATA_PROTECTION_PERMISSION_LEVEL',
            options: [{ key: 'COMPLETE_PROTECTION', enabled: true }],
          },
        ],
      },
      {
        type: 'APPLE_ID_AUTH',
        entitlement: 'com.apple.developer.applesignin',
        settings: [
          { key: 'APPLE_ID_AUTH_APP_CONSENT', options: [{ key: 'PRIMARY_APP_CONSENT', enabled: true }] },
        ],
      },
    ]);
    expect(iCloudContainers({ 'com.apple.developer.icloud-container-identifiers': ['iCloud.a'] })).toEqual(
      [],
    );
    expect(
      iCloudContainers({
        'com.apple.developer.icloud-services': ['CloudDocuments'],
        'com.apple.developer.icloud-container-identifiers': ['iCloud.a'],
      }),
    ).toEqual(['iCloud.a']);
  });
});

describe('profiles that change while they are read', () => {
  let sim: PortalSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  async function setup(failures: number) {
    sim = await startPortalSimulator({ seed: { devices: [{ udid: '00008030-001A2B3C4D5E6F70' }] } });
    const dir = mkdtempSync(join(tmpdir(), 'ap-retry-'));
    mkdirSync(join(dir, 'p'));
    const team = sim.teams[0]!;
    const dev = signingIdentity(dir, 'development', team.teamId, team.name);
    sim.state.addCertificate({
      serialHex: dev.serial,
      certificateType: 'DEVELOPMENT',
      commonName: dev.commonName,
    });
    const generated = generateProject({ dir: join(dir, 'p') });
    seedExisting(sim, generated.bundleIds);
    const output: string[] = [];
    const logger = new Logger({ write: (text: string) => output.push(text) });
    const real = await createPortalClient({
      credentials: {
        kind: 'api_key',
        keyId: sim.apiKey.keyId,
        issuerId: sim.apiKey.issuerId,
        privateKey: new Secret(sim.apiKey.privateKeyPem),
      },
      env: sim.hostMapEnv,
      logger,
    });
    let calls = 0;
    // The real client, except that its first profile reads meet a concurrent change.
    const portal: PortalClient = {
      ...real,
      listBundleIdsWithRelations: async (identifiers) => {
        calls++;
        if (calls <= failures)
          throw new ProfilesChangedError(
            new PortalApiError('GET', 'https://api/v1/bundleIds/X/profiles', 404, []),
          );
        return real.listBundleIdsWithRelations(identifiers);
      },
    };
    const certificates = await loadCertificates([`file://${dev.p12Path}`], [P12_PASSPHRASE], {
      http: createHttpClient({ env: {} }),
      logger,
    });
    const sleeps: number[] = [];
    const ensure = () =>
      ensureCodesignAssets({
        portal,
        writer: createWriter(portal, logger, false),
        project: analyzeProject({ projectPath: generated.projectPath, scheme: generated.scheme }),
        reanalyze: (signing) =>
          analyzeProject({ projectPath: generated.projectPath, scheme: generated.scheme, signing }),
        distribution: 'development',
        certificates,
        minProfileDaysValid: 0,
        logger,
        clock: recordingClock(sleeps),
      });
    return { ensure, sleeps, output, calls: () => calls };
  }

  it('starts the profile over, waiting the injected delay, and succeeds', async () => {
    const { ensure, sleeps, output } = await setup(2);
    const { assets } = await ensure();
    expect(sleeps).toEqual([10_000, 10_000]);
    expect([...assets.get('development')!.profiles.values()].map((p) => p.state)).toEqual(['reused']);
    expect(output.join('')).toContain('trying again in 10 s (attempt 2/5)');
    expect(sim!.requestLog.filter((e) => e.method !== 'GET')).toEqual([]);
  });

  it(`gives up after ${PROFILE_ATTEMPTS} attempts`, async () => {
    const { ensure, sleeps, calls } = await setup(100);
    await expect(ensure()).rejects.toBeInstanceOf(ProfilesChangedError);
    expect(calls()).toBe(PROFILE_ATTEMPTS);
    expect(sleeps).toHaveLength(PROFILE_ATTEMPTS - 1);
  });
});
