import type { Got } from 'got';
import type { Cookie, CookieJar } from 'tough-cookie';
import { LIST_TEAMS_URL } from '../../portal/apple-id-transport.ts';
import { cookieHeader, cookieJarFromConnection, cookieLike } from '../../portal/cookies.ts';
import { type Team, teamsOfListTeams } from '../../portal/teams.ts';
import type { Clock } from '../../step/clock.ts';
import { probe } from './probe.ts';

/** spaceship's validity test of a FASTLANE_SESSION (`fetch_olympus_session`, connected-session.md §6a). */
export const OLYMPUS_SESSION_URL = 'https://appstoreconnect.apple.com/olympus/v1/session';
/**
 * spaceship sends `User-Agent: Spaceship <fastlane version>` with every request and nothing else
 * but the jar's cookies (client.rb `request`); Apple sees this check as that same request.
 */
const SPACESHIP_USER_AGENT = 'Spaceship 2.228.0';

/** An App Store Connect team ("provider"), as olympus lists it. */
export interface Provider {
  providerId: number;
  name: string;
  publicProviderId?: string;
}

/** Who the session belongs to, from olympus' 200 answer. */
export interface AppleAccount {
  fullName: string;
  email: string;
  /** The provider the session acts for; spaceship counts the session as valid only when present. */
  provider: Provider | undefined;
  providers: Provider[];
}

/** The session's cookies in the jar that decides which cookie goes to which URL; made once per check. */
export function sessionJar(cookies: readonly Cookie[]): Promise<CookieJar> {
  return cookieJarFromConnection(cookies.map(cookieLike));
}

export type SessionAnswer =
  | { kind: 'accepted'; account: AppleAccount }
  | { kind: 'rejected'; status: number };

/**
 * Asks App Store Connect whether it still accepts the session: `GET olympus/v1/session` with the
 * cookies spaceship's jar would send there after loading our FASTLANE_SESSION (from the jar that
 * decides which cookie goes where, common/portal/cookies.ts). 401 and 403 are Apple's "no";
 * network errors and 5xx end in AppleUnreachable after the check's budget.
 */
export async function checkSession(jar: CookieJar, http: Got, clock: Clock): Promise<SessionAnswer> {
  const cookie = await cookieHeader(jar, OLYMPUS_SESSION_URL);
  const answer = await probe(
    http,
    `GET ${OLYMPUS_SESSION_URL}`,
    () => ({
      url: OLYMPUS_SESSION_URL,
      method: 'GET',
      headers: {
        'user-agent': SPACESHIP_USER_AGENT,
        accept: 'application/json',
        ...(cookie ? { cookie } : {}),
      },
    }),
    clock,
  );
  if (answer.status === 200) return { kind: 'accepted', account: accountOf(answer.body) };
  return { kind: 'rejected', status: answer.status };
}

export type TeamsAnswer = { kind: 'listed'; teams: Team[] } | { kind: 'refused'; status: number };

/**
 * The Developer Portal teams of the session (`POST listTeams.action`, as spaceship's portal client
 * and common/portal do): their 10-character team IDs are what `team_id` and FASTLANE_TEAM_ID take.
 */
export async function listSessionTeams(jar: CookieJar, http: Got, clock: Clock): Promise<TeamsAnswer> {
  const cookie = await cookieHeader(jar, LIST_TEAMS_URL);
  const answer = await probe(
    http,
    `POST ${LIST_TEAMS_URL}`,
    () => ({
      url: LIST_TEAMS_URL,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-requested-with': 'XMLHttpRequest',
        'user-agent': SPACESHIP_USER_AGENT,
        ...(cookie ? { cookie } : {}),
      },
      body: '{}',
    }),
    clock,
  );
  const teams = answer.status === 200 ? teamsOfListTeams(answer.body) : undefined;
  return teams ? { kind: 'listed', teams } : { kind: 'refused', status: answer.status };
}

function accountOf(body: unknown): AppleAccount {
  const data = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const user = (data['user'] ?? {}) as Record<string, unknown>;
  const provider = providerOf(data['provider']);
  const listed = Array.isArray(data['availableProviders'])
    ? data['availableProviders'].map(providerOf).filter((p): p is Provider => p !== undefined)
    : [];
  const providers = listed.length > 0 ? listed : provider ? [provider] : [];
  const fullName =
    text(user['fullName']) || [text(user['firstName']), text(user['lastName'])].filter(Boolean).join(' ');
  return { fullName, email: text(user['emailAddress']), provider, providers };
}

function providerOf(value: unknown): Provider | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  const providerId = Number(raw['providerId']);
  if (!Number.isFinite(providerId)) return undefined;
  const publicProviderId = text(raw['publicProviderId']) || undefined;
  return { providerId, name: text(raw['name']), ...(publicProviderId ? { publicProviderId } : {}) };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
