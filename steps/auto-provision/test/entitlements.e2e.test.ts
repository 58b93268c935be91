/**
 * Issue 15, item 3: entitlements the portal cannot set do not fail the build. Known keys become
 * capabilities with their settings; approval-only, portal-only and unknown keys are warnings that
 * name the key, say the profile will not carry it and where on the portal to act.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateProject } from '../../../testkit/fixtures/xcode-project.ts';
import {
  type BuildApiSimulator,
  startBuildApiSimulator,
} from '../../../testkit/simulators/build-api/index.ts';
import { provision, startWorld, subdir, TRANSPORTS, type World } from './support.ts';

let api: BuildApiSimulator;
beforeAll(async () => {
  api = await startBuildApiSimulator({ token: 'build-api-token-9e3a1b' });
});
afterAll(() => api.close());

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    expect(w.sim.schemaViolations).toEqual([]);
    await w.sim.close();
  }
});

const ID = 'io.example.health';
const PORTAL = `Certificates, Identifiers & Profiles › Identifiers › ${ID}`;

/** The capabilities the Step enabled, with the settings it sent, from the simulator's log. */
function enabled(w: World): Record<string, unknown> {
  return Object.fromEntries(
    w.sim.requestLog
      .filter((e) => e.method === 'POST' && e.path === '/v1/bundleIdCapabilities')
      .map((e) => {
        const { attributes } = (
          e.body as { data: { attributes: { capabilityType: string; settings?: unknown } } }
        ).data;
        return [attributes.capabilityType, attributes.settings ?? null];
      }),
  );
}

describe.each(TRANSPORTS)('entitlements over %s', (transport) => {
  it('signs a HealthKit app whatever its entitlements: capabilities with settings, warnings for the rest', async () => {
    const w = await startWorld();
    worlds.push(w);
    const p = generateProject({
      dir: subdir(w, 'health'),
      bundleId: ID,
      entitlements: {
        0: {
          'com.apple.developer.healthkit': true,
          'com.apple.developer.healthkit.access': ['health-records'],
          'aps-environment': 'development',
          'com.apple.developer.icloud-services': ['CloudKit'],
          'com.apple.developer.icloud-container-identifiers': ['iCloud.$(CFBundleIdentifier)'],
          'com.apple.security.application-groups': ['group.io.example.health'],
          'com.apple.developer.associated-domains': ['applinks:example.com'],
          'com.apple.developer.applesignin': ['Default'],
          'com.apple.developer.default-data-protection': 'NSFileProtectionComplete',
          'com.apple.developer.carplay-maps': true,
          'com.apple.developer.weatherkit': true,
          'com.example.custom-flag': true,
          'keychain-access-groups': ['$(AppIdentifierPrefix)io.example.health'],
        },
      },
    });
    const { run } = await provision(w, api, transport, p);
    expect(run.exitCode, run.output).toBe(0);

    expect(enabled(w)).toEqual({
      HEALTHKIT: null,
      PUSH_NOTIFICATIONS: null,
      ICLOUD: [{ key: 'ICLOUD_VERSION', options: [{ key: 'XCODE_6', enabled: true }] }],
      APP_GROUPS: null,
      ASSOCIATED_DOMAINS: null,
      APPLE_ID_AUTH: [
        { key: 'APPLE_ID_AUTH_APP_CONSENT', options: [{ key: 'PRIMARY_APP_CONSENT', enabled: true }] },
      ],
      DATA_PROTECTION: [
        { key: 'DATA_PROTECTION_PERMISSION_LEVEL', options: [{ key: 'COMPLETE_PROTECTION', enabled: true }] },
      ],
    });
    expect(w.sim.state.profiles.map((pr) => pr.name)).toEqual([`Bitrise iOS development - (${ID})`]);

    // Upstream fails on the first of these; here each is one warning with the portal action.
    expect(run.output).toContain(
      `com.apple.developer.healthkit.access: the App Store Connect API cannot enable HealthKit › Clinical Health Records, so the profile will not carry it until it is enabled at ${PORTAL} › Capabilities › HealthKit › Clinical Health Records`,
    );
    expect(run.output).toContain(
      `com.apple.developer.carplay-maps (CarPlay) is granted by Apple on request only, so the profile will not carry it: request it at ${PORTAL} › Capability Requests`,
    );
    expect(run.output).toContain(
      `com.apple.developer.weatherkit: the App Store Connect API cannot enable WeatherKit, so the profile will not carry it until it is enabled at ${PORTAL} › Capabilities › WeatherKit`,
    );
    expect(run.output).toContain(
      `com.example.custom-flag is not an entitlement this Step knows, so the profile will not carry it; if it needs a capability, enable that at ${PORTAL}`,
    );
    // Settings only the portal makes: named, with the $(CFBundleIdentifier) container expanded.
    expect(run.output).toContain(
      `${ID}: ICLOUD is enabled, but the API cannot assign iCloud containers (iCloud.${ID}): assign them at ${PORTAL} › iCloud › Configure`,
    );
    expect(run.output).toContain(
      `${ID}: APP_GROUPS is enabled, but the API cannot assign app groups (group.io.example.health): assign them at ${PORTAL} › App Groups › Configure`,
    );
    expect(run.output).toContain(`${ID}: Sign in with Apple is enabled as a primary App ID`);
    // Keys the signature carries need no word.
    expect(run.output).not.toMatch(/keychain-access-groups (is|:)/);
  });

  it('enables only what an existing App ID lacks, and regenerates its profile, which predates them', async () => {
    const w = await startWorld();
    worlds.push(w);
    w.sim.state.addBundleId({ identifier: ID, capabilities: ['PUSH_NOTIFICATIONS'] });
    w.sim.state.addProfile({
      name: `Bitrise iOS development - (${ID})`,
      profileType: 'IOS_APP_DEVELOPMENT',
      bundleIdentifier: ID,
    });
    const old = w.sim.state.profiles[0]!.uuid;
    const p = generateProject({
      dir: subdir(w, 'existing'),
      bundleId: ID,
      entitlements: {
        0: { 'aps-environment': 'development', 'com.apple.developer.associated-domains': ['applinks:x'] },
      },
    });
    const { run } = await provision(w, api, transport, p);
    expect(run.exitCode, run.output).toBe(0);
    expect(Object.keys(enabled(w))).toEqual(['ASSOCIATED_DOMAINS']);
    expect(run.output).toContain(
      `Bitrise iOS development - (${ID}): regenerated, it predates capabilities just added to its App ID`,
    );
    expect(w.sim.state.profiles.map((pr) => pr.uuid)).not.toContain(old);
    expect(w.sim.state.profiles[0]!.entitlements['com.apple.developer.associated-domains']).toBe('*');
  });
});
