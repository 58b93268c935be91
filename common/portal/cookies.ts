import { Cookie, CookieJar } from 'tough-cookie';
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

/**
 * Fills a cookie jar from the connection's session cookies. Expiry fields are ignored on
 * purpose: spaceship loads them as session cookies too (FASTLANE_SESSION carries no expiry),
 * and Bitrise stores `expires` values that are often already in the past while Apple still
 * accepts the session. Every value is registered with the redactor.
 */
export async function cookieJarFromConnection(cookies: CookieLike[]): Promise<CookieJar> {
  const jar = new CookieJar();
  for (const c of cookies) {
    if (!c.name || !c.domain) continue;
    redactor.add(c.value);
    const domain = c.domain.replace(/^\./, '').toLowerCase();
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
