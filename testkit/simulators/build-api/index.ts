/**
 * A simulated Bitrise build API that serves `GET <build URL>/apple_developer_portal_data.json`,
 * the endpoint the steps query for the app's connected Apple account
 * (see the workspace's shared/reference/connected-session.md §1 and §2).
 *
 * It is a real node:http server on 127.0.0.1 with a random port so tests exercise the actual HTTP
 * client (retries, timeouts, transport errors) instead of a mocked one. Every request is recorded,
 * and faults can be set for all requests or queued for the next N requests.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The file name the steps append to BITRISE_BUILD_URL. */
export const PORTAL_DATA_FILE = 'apple_developer_portal_data.json';
/** The header the steps send the build API token in. Node lower-cases incoming header names. */
export const TOKEN_HEADER = 'BUILD_API_TOKEN';

/** A fault written as a short name; see {@link FaultSpec} for the parameterised forms. */
export type FaultName =
  | '401'
  | '403'
  | '404'
  | '429'
  | '500'
  | '501'
  | '503'
  | 'slow'
  | 'reset'
  | 'truncated'
  | 'non-json'
  | 'empty';

/**
 * A fault with parameters:
 * - `{ mode: '429' | '503', retryAfter }` adds a `Retry-After` header (seconds, or any raw string such
 *   as an HTTP date). The bare names `'429'`/`'503'` send no `Retry-After`.
 * - `{ mode: 'slow', delayMs }` waits `delayMs` before answering normally (default: the simulator's
 *   `slowDelayMs`).
 */
export type FaultSpec =
  | { mode: '429' | '503'; retryAfter?: number | string }
  | { mode: 'slow'; delayMs?: number }
  | { mode: Exclude<FaultName, '429' | '503' | 'slow'> };

export type Fault = FaultName | FaultSpec;

/** The JSON body served on success: an object (serialised) or a raw string (sent verbatim). */
export type Payload = Record<string, unknown> | string;

export interface RecordedRequest {
  method: string;
  /** The request target as received, including a query string or a double slash. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The `BUILD_API_TOKEN` header value, or undefined when the request had none. */
  token: string | undefined;
  /** Date.now() when the request arrived; lets tests measure retry back-off. */
  at: number;
  /** The fault that was applied to this request, or null for a normal answer. */
  fault: FaultName | null;
  /** The status code that was sent, or null until the response starts (or for 'reset' before it). */
  status: number | null;
}

export interface BuildApiSimulatorOptions {
  /** Served on success. Default `{}` ("no connection configured"). */
  payload?: Payload;
  /** The expected BUILD_API_TOKEN. Default: a random hex string. */
  token?: string;
  /** The build path, without leading slash. Default `build/<random slug>`, like app.bitrise.io. */
  buildPath?: string;
  /** A fault applied to every request that has no queued fault. Default: none. */
  fault?: Fault | null;
  /** Delay of the bare `'slow'` fault. Default 5000 ms. */
  slowDelayMs?: number;
}

export interface BuildApiSimulator {
  /** The build URL, i.e. what BITRISE_BUILD_URL is set to (no trailing slash). */
  readonly url: string;
  /** The token the simulator accepts; what BITRISE_BUILD_API_TOKEN is set to. */
  readonly token: string;
  readonly port: number;
  /** The full URL of the portal data endpoint. */
  readonly endpointUrl: string;
  /** Every request received so far, in arrival order. Live: the same array grows. */
  readonly requests: readonly RecordedRequest[];
  setPayload(payload: Payload): void;
  /** Sets (or with null clears) the fault used when no queued fault is pending. */
  setFault(fault: Fault | null): void;
  /** Queues faults for the next requests, one per request; afterwards the persistent fault or success. */
  queueFaults(faults: readonly Fault[]): void;
  /** Resolves once at least `count` requests have arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<readonly RecordedRequest[]>;
  /** Stops the server, cancels pending slow responses and drops open connections. */
  close(): Promise<void>;
}

const FAULT_NAMES: readonly FaultName[] = [
  '401',
  '403',
  '404',
  '429',
  '500',
  '501',
  '503',
  'slow',
  'reset',
  'truncated',
  'non-json',
  'empty',
];

/**
 * Parses a fault written as text, for CLIs and env vars: a bare name (`503`, `reset`), `429:<seconds>`
 * or `503:<seconds>` for a Retry-After, `slow:<ms>` for a delay.
 */
export function parseFault(text: string): Fault {
  const [name, arg] = text.trim().split(/:(.*)/s) as [string, string | undefined];
  if (!FAULT_NAMES.includes(name as FaultName)) {
    throw new Error(`unknown build API fault "${text}"; expected one of ${FAULT_NAMES.join(', ')}`);
  }
  if (arg === undefined) return name as FaultName;
  if (name === '429' || name === '503')
    return { mode: name, retryAfter: /^\d+$/.test(arg) ? Number(arg) : arg };
  if (name === 'slow' && /^\d+$/.test(arg)) return { mode: 'slow', delayMs: Number(arg) };
  throw new Error(`build API fault "${text}" takes no argument "${arg}"`);
}

interface NormalizedFault {
  name: FaultName;
  retryAfter?: string;
  delayMs?: number;
}

function normalizeFault(fault: Fault, slowDelayMs: number): NormalizedFault {
  if (typeof fault === 'string')
    return fault === 'slow' ? { name: 'slow', delayMs: slowDelayMs } : { name: fault };
  if (fault.mode === '429' || fault.mode === '503') {
    return {
      name: fault.mode,
      retryAfter: fault.retryAfter === undefined ? undefined : String(fault.retryAfter),
    };
  }
  if (fault.mode === 'slow') return { name: 'slow', delayMs: fault.delayMs ?? slowDelayMs };
  return { name: fault.mode };
}

const ERROR_MESSAGES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  429: 'Too many requests',
  500: 'Internal server error',
  501: 'Not implemented',
  503: 'Service unavailable',
};

/** The legacy Ruby client parses `error_msg` from error bodies, so the real backend sends one. */
function sendError(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error_msg: ERROR_MESSAGES[status] ?? `HTTP ${status}` });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function payloadBody(payload: Payload): string {
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}

export async function startBuildApiSimulator(
  options: BuildApiSimulatorOptions = {},
): Promise<BuildApiSimulator> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const buildPath = (options.buildPath ?? `build/${randomBytes(8).toString('hex')}`).replace(
    /^\/+|\/+$/g,
    '',
  );
  const slowDelayMs = options.slowDelayMs ?? 5000;
  let payload: Payload = options.payload ?? {};
  let persistentFault: Fault | null = options.fault ?? null;
  const queued: Fault[] = [];
  const requests: RecordedRequest[] = [];
  const events = new EventEmitter();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

  // Both the plain join and the `%s/%s` join of a trailing-slash build URL (`//`) must reach the endpoint.
  const endpointPaths = new Set([`/${buildPath}/${PORTAL_DATA_FILE}`, `/${buildPath}//${PORTAL_DATA_FILE}`]);

  function serveNormally(req: IncomingMessage, res: ServerResponse, entry: RecordedRequest): void {
    if (entry.token !== token) {
      entry.status = 401;
      sendError(res, 401);
      return;
    }
    const body = payloadBody(payload);
    entry.status = 200;
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function applyFault(
    req: IncomingMessage,
    res: ServerResponse,
    entry: RecordedRequest,
    fault: NormalizedFault,
  ) {
    switch (fault.name) {
      case '401':
      case '403':
      case '404':
      case '500':
      case '501':
        entry.status = Number(fault.name);
        sendError(res, entry.status);
        return;
      case '429':
      case '503':
        entry.status = Number(fault.name);
        sendError(
          res,
          entry.status,
          fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
        );
        return;
      case 'empty':
        entry.status = 200;
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': 2 });
        res.end('{}');
        return;
      case 'non-json': {
        // What a misrouted request to a web front end or a captive portal would return.
        const html =
          '<!DOCTYPE html><html><head><title>Bitrise</title></head><body><h1>Oops</h1></body></html>';
        entry.status = 200;
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-length': Buffer.byteLength(html),
        });
        res.end(html);
        return;
      }
      case 'truncated': {
        // A cleanly terminated (chunked) response whose JSON is cut in half: the transport succeeds,
        // only decoding fails. Contrast with 'reset', which is a transport error.
        const body = payloadBody(payload);
        entry.status = 200;
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(body.slice(0, Math.floor(body.length / 2)));
        return;
      }
      case 'reset': {
        // Promise the full length, send half, then drop the connection once that half has reached
        // the kernel, so the client sees a 200 whose body is cut off mid-stream. A plain destroy()
        // (FIN) rather than a TCP RST keeps this deterministic: an RST can make the client's kernel
        // discard the headers before they are read.
        const body = Buffer.from(payloadBody(payload));
        entry.status = 200;
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': body.length,
        });
        res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))), () => req.socket.destroy());
        return;
      }
      case 'slow': {
        // A timer instead of a busy wait, so other requests are served meanwhile; close() clears it.
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed && !closed) serveNormally(req, res, entry);
        }, fault.delayMs ?? slowDelayMs);
        timers.add(timer);
        res.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
    }
  }

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const rawToken = req.headers[TOKEN_HEADER.toLowerCase()];
    const entry: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
      token: Array.isArray(rawToken) ? rawToken.join(', ') : rawToken,
      at: Date.now(),
      fault: null,
      status: null,
    };
    requests.push(entry);
    events.emit('request', entry);
    // Drain any request body so keep-alive connections stay usable.
    req.resume();

    const pathname = path.split('?')[0]!;
    if (!endpointPaths.has(pathname)) {
      // Other paths never consume queued faults, so a stray request cannot shift a test's fault plan.
      entry.status = 404;
      sendError(res, 404);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      entry.status = 405;
      sendError(res, 405, { allow: 'GET, HEAD' });
      return;
    }
    const fault = queued.length > 0 ? queued.shift()! : persistentFault;
    if (fault === null) {
      serveNormally(req, res, entry);
      return;
    }
    const normalized = normalizeFault(fault, slowDelayMs);
    entry.fault = normalized.name;
    applyFault(req, res, entry, normalized);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A reset socket can emit errors on the server side too; they are expected, not test failures.
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/${buildPath}`;

  return {
    url,
    token,
    port,
    endpointUrl: `${url}/${PORTAL_DATA_FILE}`,
    requests,
    setPayload(next) {
      payload = next;
    },
    setFault(next) {
      persistentFault = next;
    },
    queueFaults(faults) {
      queued.push(...faults);
    },
    waitForRequests(count, timeoutMs = 10_000) {
      if (requests.length >= count) return Promise.resolve(requests);
      return new Promise((resolve, reject) => {
        const onRequest = () => {
          if (requests.length < count) return;
          clearTimeout(timer);
          events.off('request', onRequest);
          resolve(requests);
        };
        const timer = setTimeout(() => {
          events.off('request', onRequest);
          reject(new Error(`build API simulator: expected ${count} requests, got ${requests.length}`));
        }, timeoutMs);
        events.on('request', onRequest);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      // Pending slow responses and keep-alive sockets would otherwise hold close() open.
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await done;
    },
  };
}

/**
 * A build URL whose port has nothing listening, for "connection refused" tests. The port was free a
 * moment ago; another process could grab it in between, but that is rare for an ephemeral port.
 */
export async function refusedBuildUrl(buildPath = 'build/refused'): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/${buildPath.replace(/^\/+/, '')}`;
}
