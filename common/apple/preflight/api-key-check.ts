import type { Got } from 'got';
import { TokenSource } from '../../portal/jwt.ts';
import type { Clock } from '../../step/clock.ts';
import type { ApiKeyCredentials } from '../select.ts';
import { CHECK_BUDGET_MS, probe } from './probe.ts';

/**
 * What the Step will do with the key, which decides the one cheap read that tests it:
 * - `provisioning` (auto-provision): `GET /v1/certificates?limit=1`, which needs access to
 *   certificates, identifiers and profiles, before anything is written;
 * - `upload` (deploy): the app it uploads to, `GET /v1/apps?filter[bundleId]=…&limit=1`;
 * - `read` (a fastlane lane, whatever it does): `GET /v1/apps?limit=1`, which every role may do, so
 *   a 401 (a key Apple does not accept) is told apart from a role problem (connected-session.md §6a).
 * The enterprise API has no apps: there `read` and `upload` list one bundle ID instead.
 */
export type ApiKeyUse = { kind: 'provisioning' } | { kind: 'upload'; bundleId?: string } | { kind: 'read' };

export type ApiKeyAnswer =
  | { kind: 'accepted'; request: string; appName?: string }
  | { kind: 'rejected'; request: string; status: number; codes: string[] };

const API = 'https://api.appstoreconnect.apple.com/v1/';
const ENTERPRISE_API = 'https://api.enterprise.developer.apple.com/v1/';

export function apiKeyCheckUrl(credentials: ApiKeyCredentials, use: ApiKeyUse): URL {
  const base = credentials.isEnterpriseAccount ? ENTERPRISE_API : API;
  const resource =
    use.kind === 'provisioning' ? 'certificates' : credentials.isEnterpriseAccount ? 'bundleIds' : 'apps';
  const url = new URL(resource, base);
  if (use.kind === 'upload' && use.bundleId && resource === 'apps')
    url.searchParams.set('filter[bundleId]', use.bundleId);
  url.searchParams.set('limit', '1');
  return url;
}

/**
 * Makes the read with a fresh JWT. A 401 is tried once more with a new token, as spaceship and
 * common/portal do, so a token minted on a skewed clock is not mistaken for a revoked key.
 */
export async function checkApiKey(
  credentials: ApiKeyCredentials,
  use: ApiKeyUse,
  http: Got,
  clock: Clock,
): Promise<ApiKeyAnswer> {
  const tokens = new TokenSource(
    {
      keyId: credentials.keyId,
      issuerId: credentials.issuerId,
      privateKey: credentials.privateKey,
      isEnterprise: credentials.isEnterpriseAccount,
    },
    () => clock.now(),
  );
  const url = apiKeyCheckUrl(credentials, use);
  const request = `GET ${url.pathname}${url.search ? decodeURIComponent(url.search) : ''}`;
  const started = clock.now();
  let answer = await send(false);
  if (answer.status === 401) answer = await send(true);
  if (answer.status >= 200 && answer.status < 300)
    return {
      kind: 'accepted',
      request,
      appName: url.pathname.endsWith('/apps') ? appName(answer.body) : undefined,
    };
  return { kind: 'rejected', request, status: answer.status, codes: errorCodes(answer.body) };

  function send(fresh: boolean) {
    return probe(
      http,
      request,
      () => ({
        url: url.toString(),
        method: 'GET',
        headers: { authorization: `Bearer ${tokens.token(fresh)}`, accept: 'application/json' },
      }),
      clock,
      // Both tries share one budget.
      Math.max(1, CHECK_BUDGET_MS - (clock.now() - started) / clock.scale),
    );
  }
}

function appName(body: unknown): string | undefined {
  const data = (body as { data?: unknown } | undefined)?.data;
  const first = Array.isArray(data)
    ? (data[0] as { attributes?: { name?: unknown } } | undefined)
    : undefined;
  return typeof first?.attributes?.name === 'string' ? first.attributes.name : undefined;
}

function errorCodes(body: unknown): string[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => String((e as { code?: unknown }).code ?? '')).filter(Boolean);
}
