import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import got, { type Got, type RequestError } from 'got';
import type { Env } from './run.ts';
import { hideUrlCredentials } from './url-credentials.ts';

/**
 * Test-only settings. Production code always uses Apple's and Bitrise's real https:// URLs; these
 * let tests, `npm start` and black-box harnesses route those hosts to a local simulator:
 * - HOST_MAP_ENV: comma-separated `host=address:port` pairs, e.g.
 *   `developer.apple.com=127.0.0.1:48443,api.appstoreconnect.apple.com=127.0.0.1:48443`.
 *   TLS still verifies the certificate for the real host name.
 * - EXTRA_CA_ENV: path of a PEM CA certificate trusted in addition to the system roots.
 */
export const HOST_MAP_ENV = 'BITRISE_APPLE_STEPS_TEST_HOST_MAP';
export const EXTRA_CA_ENV = 'BITRISE_APPLE_STEPS_TEST_CA_FILE';
/**
 * TIME_SCALE_ENV: a factor in (0, 1] applied to HTTP timeouts and retry waits, so fault tests of
 * whole Steps finish in seconds (0.01 turns the 30 s attempt timeout into 300 ms).
 */
export const TIME_SCALE_ENV = 'BITRISE_APPLE_STEPS_TEST_TIME_SCALE';

export function timeScale(env: Env): number {
  const value = Number(env[TIME_SCALE_ENV]);
  return Number.isFinite(value) && value > 0 && value <= 1 ? value : 1;
}

export interface HostTarget {
  host: string;
  port: number;
}

export function parseHostMap(value: string | undefined): Map<string, HostTarget> {
  const map = new Map<string, HostTarget>();
  for (const pair of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([^=\s]+)=([^:\s]+|\[[^\]]+\]):(\d+)$/.exec(pair);
    if (!match) throw new Error(`${HOST_MAP_ENV}: "${pair}" is not host=address:port`);
    map.set(match[1]!.toLowerCase(), { host: match[2]!.replace(/^\[|\]$/g, ''), port: Number(match[3]) });
  }
  return map;
}

/** Describes active test settings, so a Step can say in its log that it is not talking to Apple. */
export function testRoutingNotice(env: Env): string | undefined {
  const parts: string[] = [];
  if (env[HOST_MAP_ENV]) parts.push(`${HOST_MAP_ENV}=${env[HOST_MAP_ENV]}`);
  if (env[EXTRA_CA_ENV]) parts.push(`${EXTRA_CA_ENV}=${env[EXTRA_CA_ENV]}`);
  if (timeScale(env) !== 1) parts.push(`${TIME_SCALE_ENV}=${env[TIME_SCALE_ENV]}`);
  return parts.length
    ? `Test routing is active (${parts.join(', ')}): requests go to a local simulator`
    : undefined;
}

class MappedAgent extends https.Agent {
  constructor(
    private readonly hostMap: Map<string, HostTarget>,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: tls.ConnectionOptions,
    callback?: (err: Error | null, socket: Duplex) => void,
  ): Duplex {
    const original = String(options.host ?? options.servername ?? '').toLowerCase();
    const target = this.hostMap.get(original);
    const connectOptions = target
      ? { ...options, host: target.host, port: target.port, servername: original }
      : options;
    const socket = tls.connect(connectOptions);
    if (callback) {
      socket.once('secureConnect', () => callback(null, socket));
      socket.once('error', (err) => callback(err, socket));
    }
    return socket;
  }
}

export interface HttpClientOptions {
  env: Env;
  /** Per-attempt timeout; the callers own retrying. */
  timeoutMs?: number;
}

/**
 * The shared got instance factory. Retries are left to the shared retry helper so every
 * retry is logged and bounded the same way.
 */
export function createHttpClient(options: HttpClientOptions): Got {
  const hostMap = parseHostMap(options.env[HOST_MAP_ENV]);
  const caFile = options.env[EXTRA_CA_ENV];
  const ca = caFile ? [...tls.rootCertificates, readFileSync(caFile, 'utf8')] : undefined;
  const agent = hostMap.size > 0 || ca ? new MappedAgent(hostMap, { keepAlive: true, ca }) : undefined;
  return got.extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    timeout: { request: Math.max(1, Math.round((options.timeoutMs ?? 30_000) * timeScale(options.env))) },
    followRedirect: true,
    agent: agent ? { https: agent } : undefined,
    https: ca ? { certificateAuthority: ca } : undefined,
    headers: { 'user-agent': 'bitrise-apple-steps' },
    hooks: { beforeError: [hideUrlInError] },
  });
}

/**
 * got's own messages may quote the request URL (its HTTPError does, query and all), and a
 * pre-signed URL is a credential: every error leaves the client with URLs shown as `displayUrl`.
 */
function hideUrlInError(error: RequestError): RequestError {
  error.message = hideUrlCredentials(error.message);
  if (error.stack) error.stack = hideUrlCredentials(error.stack);
  return error;
}
