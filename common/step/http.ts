import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import got, { type Got, type RequestError } from 'got';
import type { Clock } from './clock.ts';
import type { Env } from './env.ts';
import { type HostTarget, testExtraCaFile, testHostMap } from './test-settings.ts';
import { hideUrlCredentials } from './url-credentials.ts';

/** Routes the hosts of the test-only host map (test-settings.ts) elsewhere, verifying TLS for the real name. */
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
  /** Read for the test-only routing settings only. */
  env: Env;
  /** Per-attempt timeout; the callers own retrying. */
  timeoutMs?: number;
  /** The Step's clock: its scale shortens the timeout in tests. Default: the real clock. */
  clock?: Clock;
}

/**
 * The shared got instance factory. Retries are left to the shared retry helper so every
 * retry is logged and bounded the same way.
 */
export function createHttpClient(options: HttpClientOptions): Got {
  const hostMap = testHostMap(options.env);
  const caFile = testExtraCaFile(options.env);
  const scale = options.clock?.scale ?? 1;
  const ca = caFile ? [...tls.rootCertificates, readFileSync(caFile, 'utf8')] : undefined;
  const agent = hostMap.size > 0 || ca ? new MappedAgent(hostMap, { keepAlive: true, ca }) : undefined;
  return got.extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    timeout: { request: Math.max(1, Math.round((options.timeoutMs ?? 30_000) * scale)) },
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
