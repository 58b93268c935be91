import { combinedConnection } from '../../e2e/fixtures/connections/index.ts';
import * as simulatorsModule from '../../e2e/simulators/index.ts';

/**
 * The adapter between `steps run --simulate` and e2e/simulators: the only file that knows the
 * simulators' API. The portal simulator is found by shape (any `start…Portal…` export) so it
 * plugs in without changes here once it exists.
 */

const HOST_MAP_ENV = 'BITRISE_APPLE_STEPS_TEST_HOST_MAP';
const CA_FILE_ENV = 'BITRISE_APPLE_STEPS_TEST_CA_FILE';

export interface StartedSimulators {
  env: Record<string, string>;
  notes: string[];
  stop(): Promise<void>;
}

interface Closable {
  close(): Promise<void> | void;
}

/** What a portal simulator may return; every field optional so several shapes fit. */
interface PortalLike extends Partial<Closable> {
  env?: Record<string, string>;
  hostMap?: string | Record<string, string>;
  caFile?: string;
  caPath?: string;
  url?: string;
  stop?: () => Promise<void> | void;
}

export async function startSimulators(): Promise<StartedSimulators> {
  const mod = simulatorsModule as Record<string, unknown>;
  const env: Record<string, string> = {};
  const notes: string[] = [];
  const stops: Array<() => Promise<void> | void> = [];

  const startBuildApi = mod['startBuildApiSimulator'] as
    | ((options: { payload: Record<string, unknown> }) => Promise<{ url: string; token: string } & Closable>)
    | undefined;
  if (startBuildApi) {
    // A connection with both an Apple ID session (valid for days) and an API key, so every
    // `connection` value finds credentials.
    const buildApi = await startBuildApi({ payload: combinedConnection() });
    stops.push(() => buildApi.close());
    env['BITRISE_BUILD_URL'] = buildApi.url;
    env['BITRISE_BUILD_API_TOKEN'] = buildApi.token;
    notes.push(`Bitrise build API simulator at ${buildApi.url} (BITRISE_BUILD_URL, BITRISE_BUILD_API_TOKEN)`);
  } else {
    notes.push('no Bitrise build API simulator in e2e/simulators yet');
  }

  const portalStarter = Object.entries(mod).find(
    ([name, value]) => /^start\w*Portal\w*$/i.test(name) && typeof value === 'function',
  );
  if (portalStarter) {
    const portal = (await (portalStarter[1] as () => Promise<PortalLike>)()) ?? {};
    stops.push(() => (portal.close ?? portal.stop)?.call(portal));
    Object.assign(env, portal.env ?? {});
    const hostMap =
      typeof portal.hostMap === 'string'
        ? portal.hostMap
        : portal.hostMap
          ? Object.entries(portal.hostMap)
              .map(([host, target]) => `${host}=${target}`)
              .join(',')
          : undefined;
    if (hostMap) env[HOST_MAP_ENV] = hostMap;
    const ca = portal.caFile ?? portal.caPath;
    if (ca) env[CA_FILE_ENV] = ca;
    notes.push(
      `Apple Developer Portal simulator${portal.url ? ` at ${portal.url}` : ''} (${HOST_MAP_ENV}=${env[HOST_MAP_ENV] ?? '?'})`,
    );
  } else {
    notes.push('no Apple Developer Portal simulator in e2e/simulators yet');
  }

  return {
    env,
    notes,
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
