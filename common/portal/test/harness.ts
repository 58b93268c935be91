import {
  type PortalSimulator,
  type PortalSimulatorOptions,
  startPortalSimulator,
} from '../../../testkit/simulators/portal/index.ts';
import { Logger, Redactor, Secret } from '../../step/index.ts';
import { recordingClock } from '../../step/test/helpers.ts';
import { createPortalClient, type PortalClient, type PortalClientOptions } from '../index.ts';

export type TransportKind = 'api_key' | 'apple_id';
export const TRANSPORTS: TransportKind[] = ['api_key', 'apple_id'];

export interface Harness {
  sim: PortalSimulator;
  client: PortalClient;
  output: () => string;
  /** Every wait the client asked for between attempts (none really happen). */
  waits: number[];
}

export function captureLogger(): { logger: Logger; output: () => string } {
  const chunks: string[] = [];
  const logger = new Logger({ write: (text: string) => chunks.push(text) }, new Redactor());
  logger.enableDebug(true);
  return { logger, output: () => chunks.join('') };
}

export function credentialsFor(
  sim: PortalSimulator,
  kind: TransportKind,
  extra: { teamId?: string; isEnterprise?: boolean } = {},
): PortalClientOptions['credentials'] {
  return kind === 'api_key'
    ? {
        kind,
        keyId: sim.apiKey.keyId,
        issuerId: sim.apiKey.issuerId,
        privateKey: new Secret(sim.apiKey.privateKeyPem),
        isEnterprise: extra.isEnterprise,
      }
    : { kind, cookies: sim.sessionCookies, teamId: extra.teamId };
}

export async function connect(
  sim: PortalSimulator,
  kind: TransportKind,
  overrides: Partial<PortalClientOptions> & { teamId?: string; isEnterprise?: boolean } = {},
): Promise<{ client: PortalClient; output: () => string; waits: number[] }> {
  const { logger, output } = captureLogger();
  const waits: number[] = [];
  const { teamId, isEnterprise, ...rest } = overrides;
  const client = await createPortalClient({
    credentials: credentialsFor(sim, kind, { teamId, isEnterprise }),
    env: { ...sim.hostMapEnv },
    logger,
    retryBaseDelayMs: 1,
    clock: recordingClock(waits),
    ...rest,
  });
  return { client, output, waits };
}

export async function startHarness(
  kind: TransportKind,
  options: PortalSimulatorOptions = {},
): Promise<Harness> {
  const sim = await startPortalSimulator(options);
  const { client, output, waits } = await connect(sim, kind);
  return { sim, client, output, waits };
}

/** The resource requests of the log (the Apple ID team lookup left out). */
export function apiRequests(sim: PortalSimulator) {
  return sim.requestLog.filter((e) => e.path !== 'listTeams');
}
