import { describe, expect, it } from 'vitest';
import { appleIdConnection, type ConnectionCookie } from '../../../testkit/fixtures/connections/index.ts';
import { loadSessionWithRuby, skipWithoutRuby } from '../../../testkit/ruby/index.ts';
import { parseConnection } from '../../bitrise/index.ts';
import { cookieHeader, cookieJarFromConnection, cookieLike } from '../../portal/cookies.ts';
import { fastlaneSession } from '../fastlane-session.ts';

const OLYMPUS = 'https://appstoreconnect.apple.com/olympus/v1/session';
const URLS = [
  OLYMPUS,
  'https://appstoreconnect.apple.com/',
  'https://appstoreconnect.apple.com/olympusx',
  'https://developer.apple.com/services-account/QH65B2/account/listTeams.action',
  'https://idmsa.apple.com/appleauth/auth/signin',
  'https://apple.com/',
  'https://www.apple.com/',
];

/** Cookies chosen to disagree wherever two jars could: domains, host-only, paths, expiry, quoting. */
const TRICKY: ConnectionCookie[] = [
  {
    name: 'DES58b0eba556d80ed2b98707e15ffafd344',
    value: 'HSARMTKNSRVTWFlaFrGQ==SRVT',
    domain: 'idmsa.apple.com',
    path: '/',
    secure: true,
    httponly: true,
    expires: '2019-04-06T12:04:59Z',
    max_age: 2592000,
  },
  { name: 'myacinfo', value: 'DAWTKNV2abc', domain: 'apple.com', path: '/', secure: true, httponly: true },
  { name: 'hostonly', value: 'h1', domain: 'apple.com', path: '/', for_domain: false },
  { name: 'dotted', value: 'd1', domain: '.apple.com', path: '/' },
  { name: 'dotted_host', value: 'd2', domain: '.apple.com', path: '/', for_domain: false },
  { name: 'olympus_only', value: 'o1', domain: 'appstoreconnect.apple.com', path: '/olympus' },
  { name: 'woa', value: 'w1', domain: 'appstoreconnect.apple.com', path: '/WebObjects' },
  { name: 'dqsid', value: 'root', domain: 'apple.com', path: '/' },
  { name: 'dqsid', value: 'deeper', domain: 'apple.com', path: '/olympus/v1' },
  { name: 'old', value: 'expired-2019', domain: 'apple.com', path: '/', expires: '2019-01-01T00:00:00Z' },
  { name: 'spaced', value: 'a b;c"d\\e', domain: 'apple.com', path: '/' },
  { name: 'upper', value: 'u1', domain: 'AppStoreConnect.Apple.COM', path: '/' },
  { name: 'relative', value: 'r1', domain: 'apple.com', path: 'olympus' },
  { name: 'ported', value: 'p1', domain: 'apple.com:443', path: '/' },
  { name: 'suffix', value: 's1', domain: 'com', path: '/' },
  { name: 'aaa_first', value: 'z', domain: 'developer.apple.com', path: '/', secure: true },
];

async function ourHeaders(cookies: ConnectionCookie[]) {
  const connection = parseConnection(JSON.stringify(appleIdConnection({ cookies })));
  const parsed = connection.appleId!.sessionCookies['https://idmsa.apple.com']!;
  const jar = await cookieJarFromConnection(parsed.map(cookieLike));
  const headers: Record<string, string> = {};
  for (const url of URLS) headers[url] = await cookieHeader(jar, url);
  return { session: fastlaneSession(parsed), headers };
}

describe('which session cookies go to which URL', () => {
  it('sends the olympus check only the cookies of its host and path, named and ordered as spaceship does', async () => {
    const { headers } = await ourHeaders(TRICKY);
    expect(headers[OLYMPUS]).toBe(
      'dotted=d1; dqsid=deeper; dqsid=root; myacinfo=DAWTKNV2abc; old=expired-2019; olympus_only=o1; ported=p1; relative=r1; spaced="a b;c\\"d\\\\e"; upper=u1',
    );
    expect(headers['https://apple.com/']).toContain('hostonly=h1');
    expect(headers['https://www.apple.com/']).not.toContain('hostonly');
    expect(headers['https://apple.com/']).toContain('dotted_host=d2');
    expect(headers['https://idmsa.apple.com/appleauth/auth/signin']).toContain(
      'DES58b0eba556d80ed2b98707e15ffafd344=',
    );
    expect(headers[OLYMPUS]).not.toContain('DES58b0');
  });

  it.skipIf(skipWithoutRuby('cookie header comparison with Ruby http-cookie'))(
    'agrees with Ruby http-cookie loading our FASTLANE_SESSION, URL by URL',
    async () => {
      const { session, headers } = await ourHeaders(TRICKY);
      const ruby = await loadSessionWithRuby(session, { urls: URLS });
      if (!ruby.ok) throw new Error(ruby.error);
      for (const url of URLS) expect({ url, header: headers[url] }).toEqual({ url, header: ruby.sent[url] });
    },
  );
});
