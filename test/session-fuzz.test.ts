import { Cookie } from 'tough-cookie';
import { describe, expect, it } from 'vitest';
import { fastlaneSession, SessionCookieError } from '../common/apple/fastlane-session.ts';
import { loadSessionsWithRuby, skipWithoutRuby } from '../testkit/ruby/index.ts';

/** A small seeded PRNG (mulberry32), so a failure is reproducible from the seed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261123;
const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (max: number) => Math.floor(random() * max);

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const YAML_TRAPS = [
  'true',
  'False',
  'yes',
  'NO',
  'on',
  'off',
  'null',
  '~',
  '12345',
  '-1',
  '1_000',
  '0x1F',
  '0o17',
  '1e5',
  '1.5',
  '.inf',
  '.nan',
  '2019-04-06',
  '12:30:00',
  '1:20',
  '=',
  '<<',
  '!ruby/object:Object',
  '&anchor',
  '*alias',
  '? key',
  ': value',
  '- item',
  '| block',
  '> folded',
  '%TAG',
  '@at',
  '`tick',
  '#comment',
  'a: b #c',
  "'single'",
  '"double"',
  '---',
  '...',
  '[flow]',
  '{map}',
  'a, b',
  'back\\nslash',
  '\\',
  '\\\\n',
  ' leading',
  'trailing ',
  '',
];
const UNICODE = [
  'ünïcødé',
  '日本語',
  '☃',
  '🍪',
  '\u2028',
  '\u2029',
  '\u0085',
  '\ufeff',
  'é',
  'Ω≈ç√',
  '\u00a0',
];

function randomString(alphabet: string, max: number): string {
  let out = '';
  const length = int(max + 1);
  for (let i = 0; i < length; i++) out += alphabet[int(alphabet.length)];
  return out;
}

function randomValue(): string {
  switch (int(6)) {
    case 0:
      return randomString(PRINTABLE, 40);
    case 1:
      return pick(YAML_TRAPS);
    case 2:
      return pick(YAML_TRAPS) + randomString(PRINTABLE, 8) + pick(UNICODE);
    case 3:
      return Array.from({ length: 1 + int(4) }, () => pick(UNICODE)).join(randomString(PRINTABLE, 3));
    case 4:
      return randomString(PRINTABLE, 20_000);
    default:
      return `HSARMTKNSRVX${randomString('ABCDEFabcdef0123456789+/=', 60)}SRVX`;
  }
}

// http-cookie's rule for names: non-empty, no control characters, space, `,`, `;`, `\`, `"` or `=`.
const INVALID_NAME = /[\x00-\x20\x7f,;\\"=]/;

function randomName(): string {
  if (random() < 0.05) return pick([...YAML_TRAPS, ...UNICODE]) || 'empty';
  if (random() < 0.03) return `bad${pick([' ', ',', ';', '\\', '"', '='])}name`;
  return randomString(TOKEN_CHARS, 30) || 'n';
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

interface Case {
  cookies: Cookie[];
  session?: string;
  rejected?: string;
}

function generate(count: number, perSession: number): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < count; i += perSession) {
    // Unique names: a jar keeps one cookie per name, domain and path, so duplicates would replace each other.
    const cookies = Array.from(
      { length: perSession },
      (_, n) =>
        new Cookie({
          key: `${randomName()}${n}`,
          value: randomValue(),
          domain: pick(['apple.com', 'idmsa.apple.com', '.apple.com']),
          path: '/',
          hostOnly: random() < 0.2,
        }),
    );
    try {
      cases.push({ cookies, session: fastlaneSession(cookies) });
    } catch (err) {
      if (!(err instanceof SessionCookieError)) throw err;
      cases.push({ cookies, rejected: err.message });
    }
  }
  return cases;
}

describe.skipIf(skipWithoutRuby('FASTLANE_SESSION fuzz'))(
  `FASTLANE_SESSION fuzz through Ruby http-cookie (seed ${SEED})`,
  () => {
    it('loads at least 5,000 generated cookies back unchanged, or rejects the name up front', async () => {
      const cases = generate(5_000, 5);
      const cookieCount = cases.reduce((n, c) => n + c.cookies.length, 0);
      expect(cookieCount).toBeGreaterThanOrEqual(5_000);

      // Rejections are exactly the sessions holding a name http-cookie refuses.
      for (const c of cases) {
        const hasInvalid = c.cookies.some((cookie) => !cookie.key || INVALID_NAME.test(cookie.key));
        expect({ rejected: c.rejected !== undefined, hasInvalid }).toEqual({
          rejected: hasInvalid,
          hasInvalid,
        });
        if (c.rejected) expect(c.rejected).toMatch(/name that fastlane's cookie jar rejects|empty name/);
      }

      const loadable = cases.filter((c) => c.session !== undefined);
      expect(loadable.length).toBeGreaterThan(cases.length * 0.5);
      const results = await loadSessionsWithRuby(loadable.map((c) => c.session!));
      loadable.forEach((c, index) => {
        const result = results[index]!;
        if (!result.ok)
          throw new Error(`session ${index} failed in Ruby: ${result.error}\n${c.session!.slice(0, 500)}`);
        const expected = c.cookies.map((cookie) => ({ name: cookie.key, value: cookie.value }));
        const actual = result.cookies.map((cookie) => ({ name: cookie.name, value: cookie.value }));
        expect(actual.sort(byName)).toEqual(expected.sort(byName));
      });
    }, 120_000);
  },
);
