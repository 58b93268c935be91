import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { appStorePathExists, findAppStoreRoute } from './app-store/routes.ts';
import { jwtProblem, parseCookies, tokenId } from './auth.ts';
import { describeFault, type PortalFaults } from './faults.ts';
import { apiError, findRoute, pathExists, type RouteResult } from './routes.ts';
import { loadSchemas, schemaProblems } from './schemas.ts';
import type { PortalState, SimTeam } from './state.ts';

export const API_HOST = 'api.appstoreconnect.apple.com';
export const ENTERPRISE_HOST = 'api.enterprise.developer.apple.com';
export const PORTAL_HOST = 'developer.apple.com';
const SERVICES_PREFIX = '/services-account';
const LIST_TEAMS_PATH = '/services-account/QH65B2/account/listTeams.action';

/** `upload`: an upload operation's PUT (app-store/upload-operations.ts). */
export type PortalTransport = 'api_key' | 'apple_id' | 'upload' | 'unknown';

export interface PortalRequestLogEntry {
  /** When the request arrived and when it was answered (ms since the epoch). */
  at: number;
  answeredAt?: number;
  transport: PortalTransport;
  host: string;
  /** The method on the wire (POST for every Apple ID request). */
  wireMethod: string;
  /** The method meant: X-HTTP-Method-Override for Apple ID reads and deletes. */
  method: string;
  /** Transport-independent path: `/v1/devices`, or `listTeams`. */
  path: string;
  /** The effective query (for Apple ID reads: URL plus the body's urlEncodedQueryParams). */
  query: Record<string, string>;
  /** 0 while unanswered; -1 when the connection was reset by a fault. */
  status: number;
  /** Apple ID: the team the request acted for. */
  teamId?: string;
  /** API key: a fingerprint of the JWT, to tell reused from fresh tokens. */
  tokenId?: string;
  /** Apple ID: whether the CSRF token handed out earlier came back. */
  csrfSent?: boolean;
  /** Names of the cookies the request carried (never their values). */
  cookieNames?: string[];
  fault?: string;
  /** Why authentication or validation failed, when it did. */
  problem?: string;
  /** Request body of creates. */
  body?: unknown;
}

export interface ServerConfig {
  state: PortalState;
  teams: SimTeam[];
  faults: PortalFaults;
  requestLog: PortalRequestLogEntry[];
  schemaViolations: string[];
  /** Every bearer token received, so tests can check no minted JWT was printed. */
  bearerTokens: Set<string>;
  apiKey: { keyId: string; issuerId: string; publicKey: import('node:crypto').KeyObject };
  session: { myacinfo: string; valid: boolean };
  latencyMs: () => number;
  pageSizeCap: number;
}

class Reply {
  headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
  constructor(
    readonly status: number,
    readonly body?: unknown,
  ) {}
}

export function createHandler(config: ServerConfig) {
  const csrf = randomBytes(16).toString('hex');
  let rateRemaining = 3500;
  const validators = loadSchemas();

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const url = new URL(req.url ?? '/', `https://${host}`);
    const cookies = parseCookies(req.headers.cookie);
    const entry: PortalRequestLogEntry = {
      at: Date.now(),
      transport:
        host === PORTAL_HOST
          ? 'apple_id'
          : host === API_HOST || host === ENTERPRISE_HOST
            ? 'api_key'
            : 'unknown',
      host,
      wireMethod: req.method ?? '',
      method: req.method ?? '',
      path: url.pathname,
      query: {},
      status: 0,
    };
    if (cookies.size) entry.cookieNames = [...cookies.keys()];
    // Logged on arrival (status 0 until answered), so requests a client gave up on are visible too.
    config.requestLog.push(entry);

    const send = (reply: Reply) => {
      entry.status = reply.status;
      entry.answeredAt = Date.now();
      rateRemaining = Math.max(0, rateRemaining - 1);
      res.writeHead(reply.status, {
        ...reply.headers,
        'x-rate-limit': `user-hour-lim:3500;user-hour-rem:${rateRemaining};`,
      });
      res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    };
    const fromRoute = (result: RouteResult) => new Reply(result.status, result.body);
    const violation = (problem: string) => {
      config.schemaViolations.push(`${entry.method} ${entry.path}: ${problem}`);
      console.error(`[portal simulator] schema violation: ${entry.method} ${entry.path}: ${problem}`);
    };

    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      entry.problem = 'body is not JSON';
      return send(
        fromRoute(
          apiError(400, 'PARAMETER_ERROR.INVALID', 'The request body is invalid', 'The body is not JSON.'),
        ),
      );
    }

    // Work out what the request means, whichever transport carried it.
    let params = url.searchParams;
    let base = `https://${host}`;
    if (entry.transport === 'apple_id') {
      base = `https://${host}${SERVICES_PREFIX}`;
      if (url.pathname === LIST_TEAMS_PATH) {
        entry.path = 'listTeams';
      } else if (url.pathname.startsWith(`${SERVICES_PREFIX}/v1/`)) {
        entry.path = url.pathname.slice(SERVICES_PREFIX.length);
        const override = req.headers['x-http-method-override'];
        entry.method = typeof override === 'string' ? override.toUpperCase() : entry.wireMethod;
        const proxied = body as {
          urlEncodedQueryParams?: unknown;
          teamId?: unknown;
          data?: { attributes?: { teamId?: unknown } };
        };
        if (entry.method === 'GET' || entry.method === 'DELETE') {
          params = new URLSearchParams(url.searchParams);
          const fromBody = new URLSearchParams(
            typeof proxied?.urlEncodedQueryParams === 'string' ? proxied.urlEncodedQueryParams : '',
          );
          for (const [k, v] of fromBody) params.set(k, v);
          entry.teamId = typeof proxied?.teamId === 'string' ? proxied.teamId : undefined;
        } else {
          entry.teamId =
            typeof proxied?.data?.attributes?.teamId === 'string'
              ? proxied.data.attributes.teamId
              : undefined;
        }
      }
    }
    entry.query = Object.fromEntries(params);
    if (body !== undefined && entry.method !== 'GET' && entry.method !== 'DELETE') entry.body = body;

    const latency = config.latencyMs();
    if (latency > 0) await delay(latency);

    const fault = config.faults.take({
      path: entry.path,
      method: entry.method,
      hasCursor: params.has('cursor'),
    });
    let forceInvalidCursor = false;
    if (fault) {
      entry.fault = describeFault(fault);
      if (fault.kind === 'reset') {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'delay') await delay(fault.ms);
      if (fault.kind === 'invalid-cursor') forceInvalidCursor = true;
      if (fault.kind === 'raw') {
        entry.status = fault.status;
        entry.answeredAt = Date.now();
        res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json' });
        res.end(fault.body);
        return;
      }
      if (fault.kind === 'status') {
        const reply = fromRoute(faultError(fault.status, fault.code, fault.detail));
        if (fault.retryAfter !== undefined) reply.headers['retry-after'] = fault.retryAfter;
        return send(reply);
      }
    }

    // Authentication, as each of Apple's hosts does it.
    if (entry.transport === 'api_key') {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (token) {
        entry.tokenId = tokenId(token);
        config.bearerTokens.add(token);
      }
      const problem = token
        ? jwtProblem(token, {
            ...config.apiKey,
            audience: host === ENTERPRISE_HOST ? 'apple-developer-enterprise-v1' : 'appstoreconnect-v1',
            nowSeconds: Math.floor(Date.now() / 1000),
          })
        : 'no bearer token';
      if (problem) {
        entry.problem = problem;
        return send(fromRoute(unauthorized()));
      }
    } else if (entry.transport === 'apple_id') {
      if (!config.session.valid || cookies.get('myacinfo') !== config.session.myacinfo) {
        entry.problem = 'no valid session cookie';
        return send(fromRoute(unauthorized()));
      }
      if (entry.wireMethod !== 'POST') {
        entry.problem = `the web API takes POST only, got ${entry.wireMethod}`;
        return send(
          fromRoute(apiError(405, 'METHOD_NOT_ALLOWED', 'The request method is not allowed', entry.problem)),
        );
      }
      if (entry.path === 'listTeams') {
        const reply = new Reply(200, {
          teams: config.teams.map((t) => ({
            teamId: t.teamId,
            name: t.name,
            type: 'Company/Organization',
            status: 'active',
          })),
          resultCode: 0,
        });
        reply.headers.csrf = csrf;
        reply.headers.csrf_ts = String(Date.now());
        reply.headers['set-cookie'] = [
          `dqsid=${randomBytes(12).toString('hex')}; Domain=developer.apple.com; Path=/; Secure; HttpOnly`,
        ];
        return send(reply);
      }
      entry.csrfSent = req.headers.csrf === csrf;
      const contentType = req.headers['content-type'] ?? '';
      if (
        !contentType.startsWith('application/vnd.api+json') ||
        req.headers['x-requested-with'] !== 'XMLHttpRequest'
      ) {
        entry.problem =
          'missing the web API headers (Content-Type application/vnd.api+json, X-Requested-With)';
        violation(entry.problem);
        return send(
          fromRoute(apiError(400, 'PARAMETER_ERROR.INVALID', 'The request is invalid', entry.problem)),
        );
      }
      if (!entry.teamId || !config.teams.some((t) => t.teamId === entry.teamId)) {
        entry.problem = `team ${entry.teamId ?? '(none)'} is not one of the session's teams`;
        return send(
          fromRoute(
            apiError(403, 'FORBIDDEN_ERROR', 'This request is forbidden for security reasons', entry.problem),
          ),
        );
      }
    } else {
      return send(
        fromRoute(apiError(404, 'NOT_FOUND', 'Unknown host', `The simulator does not serve ${host}`)),
      );
    }

    const found = findRoute(entry.method, entry.path) ?? findAppStoreRoute(entry.method, entry.path);
    if (!found) {
      const status = pathExists(entry.path) || appStorePathExists(entry.path) ? 405 : 404;
      return send(
        fromRoute(
          apiError(
            status,
            status === 404 ? 'NOT_FOUND' : 'METHOD_NOT_ALLOWED',
            'The request is not supported',
            `${entry.method} ${entry.path}`,
          ),
        ),
      );
    }
    const schemas = await validators;
    if (found.route.requestSchema) {
      const problems = schemaProblems(schemas, found.route.requestSchema, body);
      if (problems.length) {
        problems.forEach(violation);
        entry.problem = problems.join('; ');
        return send(
          fromRoute(apiError(400, 'PARAMETER_ERROR.INVALID', 'The request entity is invalid', entry.problem)),
        );
      }
    }
    const result = found.route.handle(
      {
        state: config.state,
        method: entry.method,
        path: entry.path,
        params,
        body,
        base,
        pageSizeCap: config.pageSizeCap,
        forceInvalidCursor,
      },
      found.match,
    );
    if (result.schema) {
      const problems = schemaProblems(schemas, result.schema, result.body);
      if (problems.length) {
        problems.forEach(violation);
        entry.problem = problems.join('; ');
        return send(
          fromRoute(
            apiError(
              500,
              'SIMULATOR.RESPONSE_SCHEMA_INVALID',
              'The simulator produced an invalid response',
              entry.problem,
            ),
          ),
        );
      }
    }
    return send(fromRoute(result));
  };
}

function unauthorized(): RouteResult {
  return apiError(
    401,
    'NOT_AUTHORIZED',
    'Authentication credentials are missing or invalid.',
    'Provide a properly configured and signed bearer token, and make sure that it has not expired.',
  );
}

function faultError(status: number, code?: string, detail?: string): RouteResult {
  if (status === 429) {
    return apiError(
      429,
      code ?? 'RATE_LIMIT_EXCEEDED',
      'The request rate limit has been reached.',
      detail ?? 'We have received too many requests for this API key.',
    );
  }
  if (status === 401) return unauthorized();
  if (status === 403) {
    return apiError(
      403,
      code ?? 'FORBIDDEN_ERROR',
      'This request is forbidden for security reasons',
      detail ?? 'A required agreement is missing or has expired.',
    );
  }
  return apiError(
    status,
    code ?? 'UNEXPECTED_ERROR',
    'An unexpected error occurred.',
    detail ?? 'The server encountered an error.',
  );
}
