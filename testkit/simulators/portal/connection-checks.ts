/**
 * What the simulated Apple answers to the Steps' connection check, and the knobs that make it say
 * no: the App Store Connect session endpoint (`GET appstoreconnect.apple.com/olympus/v1/session`,
 * connected-session.md §6a) answering by the session cookie it receives, a revoked API key, a key
 * without provisioning (or app) access, and an Apple that cannot be reached at all.
 *
 * It wraps the simulator's request handler: requests it has an answer for never reach the portal
 * routes, everything else passes through unchanged.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { parseCookies } from './auth.ts';
import { apiError, type RouteResult } from './routes.ts';
import type { PortalRequestLogEntry } from './server.ts';
import type { SimTeam } from './state.ts';

export const OLYMPUS_HOST = 'appstoreconnect.apple.com';
const OLYMPUS_SESSION_PATH = '/olympus/v1/session';
const API_HOSTS = new Set(['api.appstoreconnect.apple.com', 'api.enterprise.developer.apple.com']);
/** Resources an API key reaches only with access to certificates, identifiers and profiles. */
const PROVISIONING = /^\/v1\/(certificates|bundleIds|bundleIdCapabilities|profiles|devices)(\/|$)/;
const APPS = /^\/v1\/apps(\/|$)/;

/** An App Store Connect team as olympus lists it. */
export interface SimProvider {
  providerId: number;
  name: string;
}

/** The user olympus reports for the session. */
export const SIM_USER = {
  fullName: 'Sim Ulated',
  firstName: 'Sim',
  lastName: 'Ulated',
  emailAddress: 'sim.ulated@example.com',
  prsId: '8123456789',
};

/** Providers for the teams, matched by name, numbered as App Store Connect numbers them. */
export function providersOf(teams: readonly SimTeam[]): SimProvider[] {
  return teams.map((team, index) => ({ providerId: 118_000_000 + index * 1_111, name: team.name }));
}

export class ConnectionChecks {
  /**
   * Requests fail at the socket, as when the build machine cannot reach Apple: all of them, or
   * those the predicate picks (e.g. only the session check, so the portal work after it still runs).
   */
  unreachable: boolean | ((host: string, path: string) => boolean) = false;
  /** Every JWT is refused with 401 NOT_AUTHORIZED, as after the key was revoked. */
  apiKeyRevoked = false;
  /** What the API key's role may reach; a `false` answers 403 FORBIDDEN_ERROR. */
  apiKeyAccess = { provisioning: true, apps: true };

  constructor(
    /** The session olympus accepts: its `myacinfo`, and whether Apple still accepts it. */
    private readonly session: { myacinfo: string; valid: boolean },
    /** The App Store Connect teams; the session acts for the first. */
    public providers: SimProvider[],
  ) {}

  /** The handler with the connection check's answers in front of it. */
  wrap(
    handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
    options: { requestLog: PortalRequestLogEntry[]; latencyMs: () => number; bearerTokens: Set<string> },
  ): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
    return async (req, res) => {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      const url = new URL(req.url ?? '/', `https://${host}`);
      const isApi = API_HOSTS.has(host);
      const unreachable =
        typeof this.unreachable === 'function' ? this.unreachable(host, url.pathname) : this.unreachable;
      const answers = unreachable || host === OLYMPUS_HOST || (isApi && this.refusal(url.pathname));
      if (!answers) return handler(req, res);

      const entry: PortalRequestLogEntry = {
        at: Date.now(),
        transport: isApi ? 'api_key' : 'unknown',
        host,
        wireMethod: req.method ?? '',
        method: req.method ?? '',
        path:
          host === OLYMPUS_HOST && url.pathname === OLYMPUS_SESSION_PATH ? 'olympusSession' : url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: 0,
      };
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (token) options.bearerTokens.add(token);
      const cookies = parseCookies(req.headers.cookie);
      if (cookies.size) entry.cookieNames = [...cookies.keys()];
      options.requestLog.push(entry);
      if (unreachable) {
        entry.status = -1;
        entry.fault = 'unreachable';
        req.socket.destroy();
        return;
      }
      const latency = options.latencyMs();
      if (latency > 0) await delay(latency);
      const reply = isApi
        ? this.refusal(url.pathname)!
        : this.olympus(req.method ?? '', url.pathname, cookies, entry);
      entry.status = reply.status;
      entry.answeredAt = Date.now();
      res.writeHead(reply.status, { 'content-type': reply.contentType });
      res.end(reply.body);
    };
  }

  /** A refusal for an API key request, or undefined when the key may make it. */
  private refusal(path: string): Reply | undefined {
    if (this.apiKeyRevoked)
      return json(
        apiError(
          401,
          'NOT_AUTHORIZED',
          'Authentication credentials are missing or invalid.',
          'Provide a properly configured and signed bearer token, and make sure that it has not expired.',
        ),
      );
    if (
      (!this.apiKeyAccess.provisioning && PROVISIONING.test(path)) ||
      (!this.apiKeyAccess.apps && APPS.test(path))
    )
      return json(
        apiError(
          403,
          'FORBIDDEN_ERROR',
          'This request is forbidden for security reasons',
          'The API key in use does not allow this request',
        ),
      );
    return undefined;
  }

  /** Olympus answers 401 in plain text when the session is gone, else the user and its providers. */
  private olympus(
    method: string,
    path: string,
    cookies: Map<string, string>,
    entry: PortalRequestLogEntry,
  ): Reply {
    if (method !== 'GET' || path !== OLYMPUS_SESSION_PATH)
      return json(
        apiError(404, 'NOT_FOUND', 'Unknown path', `The simulator does not serve ${method} ${path} here`),
      );
    if (!this.session.valid || cookies.get('myacinfo') !== this.session.myacinfo) {
      entry.problem = 'no valid session cookie';
      return {
        status: 401,
        contentType: 'text/plain',
        body: `Unauthenticated\n\nRequest ID: ${randomBytes(13).toString('base64url').toUpperCase()}.0.0`,
      };
    }
    const render = (p: SimProvider) => ({
      providerId: p.providerId,
      publicProviderId: `69a6de7${String(p.providerId).padStart(9, '0')}-e053-5b8c7c11a4d1`,
      name: p.name,
      contentTypes: ['SOFTWARE'],
      subType: 'INDIVIDUAL_OR_ORGANIZATION',
    });
    const [current] = this.providers;
    return {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        user: SIM_USER,
        ...(current ? { provider: render(current) } : {}),
        availableProviders: this.providers.map(render),
        backingType: 'ITC',
        roles: ['ADMIN'],
      }),
    };
  }
}

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

function json(result: RouteResult): Reply {
  return { status: result.status, contentType: 'application/json', body: JSON.stringify(result.body) };
}
