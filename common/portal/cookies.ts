import { isIP } from 'node:net';
import { Cookie, CookieJar, getPublicSuffix } from 'tough-cookie';
import { redactor } from '../step/index.ts';

/** A cookie object of the connection's `session_cookies` (connected-session.md §2.1). */
export interface CookieLike {
  name?: string;
  value?: string;
  domain?: string;
  path?: string;
  secure?: boolean;
  httponly?: boolean;
  expires?: string;
  max_age?: number;
  /** Absent means true, as in go-xcode. */
  for_domain?: boolean;
}

/** The connection's parsed cookie (common/bitrise keeps them as tough-cookie Cookies) in payload form. */
export function cookieLike(cookie: Cookie): CookieLike {
  return {
    name: cookie.key,
    value: cookie.value,
    domain: cookie.domain ?? undefined,
    path: cookie.path ?? undefined,
    secure: cookie.secure,
    httponly: cookie.httpOnly,
    for_domain: cookie.hostOnly !== true,
  };
}

/**
 * Fills a cookie jar from the connection's session cookies: the one place that decides which
 * cookie goes to which URL, for the portal client and the connection check alike. It follows what
 * fastlane's jar holds after loading our FASTLANE_SESSION (Ruby http-cookie, connected-session.md
 * §3.2; testkit/ruby checks the two agree):
 * - Expiry fields are ignored: FASTLANE_SESSION carries none, so spaceship loads session cookies,
 *   and Bitrise stores `expires` values that are often already in the past while Apple still
 *   accepts the session.
 * - A leading dot or `for_domain` (default true) makes a domain cookie, `for_domain: false` a
 *   host-only one; a `:port` is dropped and a path not starting with `/` becomes `/`.
 * - A cookie for a public suffix (`com`) is left out: http-cookie keeps it host-only for that
 *   suffix, so it never reaches an Apple host, and tough-cookie refuses it outright.
 * Every value is registered with the redactor.
 */
export async function cookieJarFromConnection(cookies: CookieLike[]): Promise<CookieJar> {
  const jar = new CookieJar();
  for (const c of cookies) {
    if (!c.name || !c.domain) continue;
    redactor.add(c.value);
    const domain = c.domain.replace(/^\./, '').replace(/:\d+$/, '').toLowerCase();
    if (!domain || (!isIP(domain) && !getPublicSuffix(domain))) continue;
    const path = c.path?.startsWith('/') ? c.path : '/';
    const cookie = new Cookie({
      key: c.name,
      value: c.value ?? '',
      domain,
      path,
      secure: c.secure ?? false,
      httpOnly: c.httponly ?? false,
      hostOnly: c.for_domain === false,
    });
    await jar.setCookie(cookie, `https://${domain}${path}`, { ignoreError: false });
  }
  return jar;
}

/**
 * The Cookie header for `url`, written as spaceship's Faraday jar writes it
 * (`HTTP::Cookie.cookie_value(jar.cookies(url))`): the jar's cookies for the URL sorted by name,
 * then longer path first, then value (http-cookie's `Cookie#<=>`), each `name=value` with the
 * value double-quoted when it holds a space, control character, `"`, `,`, `;` or `\`
 * (http-cookie's Scanner.quote). Empty when no cookie applies.
 */
export async function cookieHeader(jar: CookieJar, url: string): Promise<string> {
  const cookies = await jar.getCookies(url);
  return cookies
    .sort(
      (a, b) =>
        byteOrder(a.key, b.key) ||
        (b.path ?? '').length - (a.path ?? '').length ||
        byteOrder(a.value, b.value),
    )
    .map((cookie) => `${cookie.key}=${rubyQuoted(cookie.value)}`)
    .join('; ');
}

/** Ruby compares strings byte by byte. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const NEEDS_QUOTES = /[\x00-\x20\x7f",;\\]/;

function rubyQuoted(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/([\\"])/g, '\\$1')}"` : value;
}
