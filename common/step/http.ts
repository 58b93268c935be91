import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import got, { type Got, type RequestError } from 'got';
import type { Clock } from './clock.ts';
import type { Env } from './env.ts';
import { type HostTarget, testExtraCaFile, testHostMap } from './test-settings.ts';
import { hideUrlCredentials } from './url-credentials.ts';

/**
 * Routes the hosts of the test-only host map (test-settings.ts) elsewhere, verifying TLS for the
 * real name, and trusts the test-only extra CA besides the system roots.
 */
class MappedAgent extends https.Agent {
  constructor(
    private readonly hostMap: Map<string, HostTarget>,
    /** The test-only extra CA file, if any. */
    private readonly caFile: string | undefined,
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
    const routed = target
      ? { ...options, host: target.host, port: target.port, servername: original }
      : options;
    // A mapped host is a simulator whose certificate the extra CA signed: it needs no system roots,
    // whose loading (~25 ms, once) would be a cost only tests pay (on bitrise.io the build API's
    // https request loads them before any other).
    const context = this.caFile && (target ? caOnly(this.caFile) : withExtraCa(this.caFile));
    const connectOptions = context ? { ...routed, secureContext: context } : routed;
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
  const agent =
    hostMap.size > 0 || caFile ? new MappedAgent(hostMap, caFile, { keepAlive: true }) : undefined;
  return got.extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    timeout: { request: Math.max(1, Math.round((options.timeoutMs ?? 30_000) * scale)) },
    followRedirect: true,
    agent: agent ? { https: agent } : undefined,
    headers: { 'user-agent': 'bitrise-apple-steps' },
    hooks: { beforeError: [hideUrlInError] },
  });
}

const extraCaContexts = new Map<string, tls.SecureContext>();
const caOnlyContexts = new Map<string, tls.SecureContext>();

/** A TLS context that trusts the CA in `file` alone, made once per process. */
function caOnly(file: string): tls.SecureContext {
  let context = caOnlyContexts.get(file);
  if (!context) {
    context = tls.createSecureContext({ ca: readFileSync(file, 'utf8') });
    caOnlyContexts.set(file, context);
  }
  return context;
}

/**
 * The default TLS context (system roots) plus the CA in `file`, made at the first TLS connection
 * and kept for the process: passing the roots and the CA as `ca` instead would parse every root
 * certificate again for each connection (~30 ms), and a client that only speaks plain http (a
 * local build API) never pays for it.
 */
function withExtraCa(file: string): tls.SecureContext {
  let context = extraCaContexts.get(file);
  if (!context) {
    context = tls.createSecureContext();
    (context.context as { addCACert(cert: string): void }).addCACert(readFileSync(file, 'utf8'));
    extraCaContexts.set(file, context);
  }
  return context;
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
