/**
 * The simulated Apple Developer Portal: one in-memory HTTPS server on 127.0.0.1 that answers for
 * api.appstoreconnect.apple.com, api.enterprise.developer.apple.com (JWT) and
 * developer.apple.com/services-account (Apple ID session), with a throwaway CA.
 *
 * ```ts
 * const sim = await startPortalSimulator({ seed: { certificates: [{ serialHex: '1A2B' }], devices: [{ udid }] } });
 * const env = { ...sim.hostMapEnv }; // routes Apple's hosts here, trusts the CA
 * sim.faults.add({ path: '/v1/devices', times: 2, fault: { kind: 'status', status: 503 } });
 * // … run the client with `env` and sim.apiKey or sim.sessionCookies …
 * expect(sim.requestLog.map((e) => e.status)).toEqual([503, 503, 200]);
 * expect(sim.schemaViolations).toEqual([]);
 * await sim.close();
 * ```
 * By hand: `npx tsx testkit/simulators/portal/cli.ts`.
 */

import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { EXTRA_CA_ENV, HOST_MAP_ENV } from '../../../common/step/test-settings.ts';
import { registerSecretSource } from '../../secrets.ts';
import { testTls } from '../tls/index.ts';
import { createUploadOperationHandler, isUploadOperation } from './app-store/upload-operations.ts';
import { UPLOAD_HOST } from './app-store/upload-url.ts';
import { ConnectionChecks, providersOf, type SimProvider } from './connection-checks.ts';
import { PortalFaults } from './faults.ts';
import { loadSchemas } from './schemas.ts';
import {
  API_HOST,
  createHandler,
  ENTERPRISE_HOST,
  PORTAL_HOST,
  type PortalRequestLogEntry,
} from './server.ts';
import { type PortalSeed, PortalState, type SimTeam } from './state.ts';

export type {
  AppSeed,
  AppStoreKnobs,
  AppStoreSeed,
  AppStoreState,
  SimBuild,
  SimBuildUpload,
  SimBuildUploadFile,
  SimStateDetail,
} from './app-store/state.ts';
export { UPLOAD_HOST } from './app-store/upload-url.ts';
export type { ConnectionChecks, SimProvider } from './connection-checks.ts';
export { SIM_USER } from './connection-checks.ts';
export type { PortalFault, PortalFaultRule } from './faults.ts';
export { PortalFaults } from './faults.ts';
export type { PortalRequestLogEntry, PortalTransport } from './server.ts';
export type {
  BundleIdSeed,
  CertificateSeed,
  DeviceSeed,
  PortalSeed,
  ProfileSeed,
  SimBundleId,
  SimCertificate,
  SimDevice,
  SimProfile,
  SimTeam,
} from './state.ts';
export { PortalState } from './state.ts';

/** The hosts the simulator's certificate covers; all are mapped to it. */
export const PORTAL_SIMULATOR_HOSTS = [
  API_HOST,
  ENTERPRISE_HOST,
  PORTAL_HOST,
  'appstoreconnect.apple.com',
  'idmsa.apple.com',
  UPLOAD_HOST,
];

export interface PortalSimulatorOptions {
  /** The Apple ID's teams; the first owns the portal content and the API key. */
  teams?: SimTeam[];
  /** Its App Store Connect teams (olympus providers); default one per team, with the same name. */
  providers?: SimProvider[];
  seed?: PortalSeed;
  /** Added to every request, e.g. 100 ms; change later with `setLatency`. */
  latencyMs?: number;
  /** Largest page served whatever the `limit` (Apple: 200). Lower it to page through small lists. */
  pageSizeCap?: number;
}

/** A session cookie as the Bitrise connection's `session_cookies` holds it. */
export interface ConnectionCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  secure: boolean;
  httponly: boolean;
  for_domain?: boolean;
}

export interface PortalSimulator {
  port: number;
  /** `https://127.0.0.1:<port>`; clients use Apple's URLs through `hostMapEnv`. */
  url: string;
  /** Put these in the client's env to route Apple's hosts here and trust the throwaway CA. */
  hostMapEnv: { [HOST_MAP_ENV]: string; [EXTRA_CA_ENV]: string };
  state: PortalState;
  requestLog: PortalRequestLogEntry[];
  faults: PortalFaults;
  /** Requests and responses that failed Apple's generated schema; tests expect it empty. */
  schemaViolations: string[];
  /** The JWTs clients sent; secrets for the leak scan. */
  bearerTokens: Set<string>;
  /** A team API key; the simulator checks JWTs against its public key. */
  apiKey: { keyId: string; issuerId: string; privateKeyPem: string };
  /** The Apple ID session, as `session_cookies["https://idmsa.apple.com"]` of the connection. */
  sessionCookies: ConnectionCookie[];
  teams: SimTeam[];
  setLatency(ms: number): void;
  /** From now on the Apple ID session is refused with 401, as after Apple invalidated it. */
  expireSession(): void;
  /** The connection check's answers and knobs: revoked key, key access, unreachable, providers. */
  connection: ConnectionChecks;
  close(): Promise<void>;
}

export const DEFAULT_TEAM: SimTeam = { teamId: 'SIMTEAM001', name: 'Simulated Team' };

export async function startPortalSimulator(options: PortalSimulatorOptions = {}): Promise<PortalSimulator> {
  const teams = options.teams ?? [DEFAULT_TEAM];
  const state = new PortalState(teams[0]!);
  if (options.seed) state.seed(options.seed);
  const tls = testTls(PORTAL_SIMULATOR_HOSTS);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const apiKey = {
    keyId: `K${randomBytes(5).toString('hex').toUpperCase().slice(0, 9)}`,
    issuerId: crypto.randomUUID(),
  };
  const session = { myacinfo: `DAWTKNV2${randomBytes(48).toString('hex')}`, valid: true };
  let latencyMs = options.latencyMs ?? 0;
  const faults = new PortalFaults();
  const requestLog: PortalRequestLogEntry[] = [];
  const schemaViolations: string[] = [];
  const bearerTokens = new Set<string>();
  const unregisterSecrets = registerSecretSource(() => bearerTokens);
  await loadSchemas();

  const connection = new ConnectionChecks(session, options.providers ?? providersOf(teams));
  const portalHandler = createHandler({
    state,
    teams,
    faults,
    requestLog,
    schemaViolations,
    bearerTokens,
    apiKey: { ...apiKey, publicKey: createPublicKey(privateKey) },
    session,
    latencyMs: () => latencyMs,
    pageSizeCap: options.pageSizeCap ?? 200,
  });
  const handler = connection.wrap(portalHandler, { requestLog, latencyMs: () => latencyMs, bearerTokens });
  const uploads = createUploadOperationHandler({ appStore: state.appStore, faults, requestLog });
  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    // Upload operations stream their bodies to disk; the API handler reads bodies whole.
    (isUploadOperation(req) ? uploads(req, res) : handler(req, res)).catch((err: unknown) => {
      console.error('[portal simulator] handler failed', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `https://127.0.0.1:${port}`,
    hostMapEnv: {
      [HOST_MAP_ENV]: PORTAL_SIMULATOR_HOSTS.map((h) => `${h}=127.0.0.1:${port}`).join(','),
      [EXTRA_CA_ENV]: tls.caFile,
    },
    state,
    requestLog,
    faults,
    schemaViolations,
    bearerTokens,
    apiKey: { ...apiKey, privateKeyPem },
    sessionCookies: [
      {
        name: `DES${randomBytes(16).toString('hex')}`,
        value: `HSARMTKN${randomBytes(32).toString('base64')}SRVT`,
        domain: 'idmsa.apple.com',
        path: '/',
        secure: true,
        httponly: true,
      },
      {
        name: 'myacinfo',
        value: session.myacinfo,
        domain: 'apple.com',
        path: '/',
        secure: true,
        httponly: true,
      },
    ],
    teams,
    setLatency: (ms) => {
      latencyMs = ms;
    },
    expireSession: () => {
      session.valid = false;
    },
    connection,
    close: () =>
      new Promise<void>((resolve) => {
        unregisterSecrets();
        state.appStore.dispose();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
