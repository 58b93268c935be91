/**
 * The one entry point of test support for product code: `steps run --simulate`
 * (tools/lib/demo/simulate.ts) and `npm start` (tools/lib/demo/scenarios.ts) import this file and nothing
 * else under testkit/, which the import-boundary check (tools/lint/import-boundaries.mjs) enforces.
 *
 * It is also the adapter that knows the simulators' API: the portal simulator starts first; the
 * build API then serves a connection holding the portal's own API key and Apple ID session, so
 * whichever credential a Step picks is accepted.
 */
import { combinedConnection } from './fixtures/connections/index.ts';
import {
  type PortalSeed,
  type PortalState,
  startBuildApiSimulator,
  startPortalSimulator,
} from './simulators/index.ts';

export { KEYCHAIN_PASSWORD, P12_PASSPHRASE, signingIdentity } from './fixtures/provisioning.ts';
export { generateProject } from './fixtures/xcode-project.ts';
export { zip } from './fixtures/zip.ts';
export { DEFAULT_TEAM as SIMULATED_TEAM } from './simulators/index.ts';
export { STAND_IN_DEFAULTS, STAND_IN_TOOLS, STAND_INS_DIR } from './stand-ins/index.ts';

/** What the simulators hold when the Step starts, e.g. the certificate of the p12 a scenario passes. */
export interface SimulatorSeed {
  /** Portal content of the simulated team (SIMULATED_TEAM). */
  portal?: PortalSeed;
}

export interface StartedSimulators {
  env: Record<string, string>;
  notes: string[];
  /** Session details a caller may need, e.g. to seed a scenario; no secrets. */
  teamId: string;
  stop(): Promise<void>;
}

export async function startSimulators(seed: SimulatorSeed = {}): Promise<StartedSimulators> {
  const portal = await startPortalSimulator({ seed: seed.portal });
  try {
    const team = portal.teams[0]!;
    const buildApi = await startBuildApiSimulator({
      payload: combinedConnection(
        { cookies: portal.sessionCookies },
        {
          keyId: portal.apiKey.keyId,
          issuerId: portal.apiKey.issuerId,
          privateKey: portal.apiKey.privateKeyPem,
        },
      ),
    });
    const env = {
      BITRISE_BUILD_URL: buildApi.url,
      BITRISE_BUILD_API_TOKEN: buildApi.token,
      ...portal.hostMapEnv,
    };
    return {
      env,
      teamId: team.teamId,
      notes: [
        `Bitrise build API simulator at ${buildApi.url}: BITRISE_BUILD_URL and BITRISE_BUILD_API_TOKEN point at it; its connection has an Apple ID session (valid 20 days) and an API key`,
        `Apple Developer Portal simulator at ${portal.url} (team ${team.teamId}): Apple's hosts are routed to it through ${Object.keys(portal.hostMapEnv).join(' and ')}; ${seeded(portal.state)}`,
      ],
      async stop() {
        await buildApi.close();
        await portal.close();
      },
    };
  } catch (err) {
    await portal.close();
    throw err;
  }
}

function seeded(state: PortalState): string {
  const counts = [
    [state.certificates.length, 'certificate'],
    [state.devices.length, 'device'],
    [state.bundleIds.length, 'App ID'],
    [state.profiles.length, 'profile'],
    [state.appStore.apps.length, 'App Store Connect app'],
  ] as const;
  const held = counts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}${n === 1 ? '' : 's'}`);
  return held.length ? `it starts with ${held.join(', ')}` : 'it starts empty';
}
