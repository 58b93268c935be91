import { readFileSync } from 'node:fs';
import { Cookie } from 'tough-cookie';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { IDMSA_ORIGIN, parseConnection } from '../../bitrise/connection.ts';
import { redactor } from '../../step/redactor.ts';
import { doubleQuoted, fastlaneSession, isPlainSafe } from '../fastlane-session.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/reference/${name}`, import.meta.url), 'utf8');

describe('fastlaneSession', () => {
  it('reproduces the reference FASTLANE_SESSION byte for byte', () => {
    const connection = parseConnection(fixture('go-xcode-appleid-connection.json'));
    const session = fastlaneSession(connection.appleId!.sessionCookies[IDMSA_ORIGIN]!);
    expect(session).toBe(fixture('go-xcode-fastlane-session.yml'));
  });

  it('is empty without cookies', () => {
    expect(fastlaneSession([])).toBe('');
  });

  it('writes a list of five-key mappings whose values read back as the same strings', () => {
    const values = [
      'true',
      '12345',
      'a: b #c',
      '!ruby/object:Object',
      `"quoted" 'single'`,
      '*alias',
      '&anchor',
      'ünïcødé ☃',
      'yes',
      '1e5',
      '0x1F',
      '2019-04-06',
      'back\\nslash',
      '~',
      'null',
      '',
    ];
    const cookies = values.map(
      (value, i) => new Cookie({ key: `c${i}`, value, domain: 'apple.com', path: '/' }),
    );
    const parsed = parse(fastlaneSession(cookies), {
      customTags: [{ tag: '!ruby/object:HTTP::Cookie', collection: 'map', resolve: (m: unknown) => m }],
    }) as unknown[];
    expect(parsed).toHaveLength(values.length);
    parsed.forEach((entry, i) => {
      const map =
        (entry as { toJSON(): Record<string, unknown> }).toJSON?.() ?? (entry as Record<string, unknown>);
      expect(Object.keys(map)).toEqual(['name', 'value', 'domain', 'for_domain', 'path']);
      expect(map['value']).toBe(values[i]);
      expect(map['for_domain']).toBe(true);
    });
  });

  it('rejects a cookie name that http-cookie would refuse, naming it', () => {
    expect(() =>
      fastlaneSession([new Cookie({ key: 'bad name', value: 'v', domain: 'apple.com', path: '/' })]),
    ).toThrow(/session cookie "bad name" has a name that fastlane's cookie jar rejects/);
    expect(() => fastlaneSession([new Cookie({ key: 'k=v', value: 'v' })])).toThrow(/rejects/);
  });

  it('writes for_domain false for host-only cookies', () => {
    const session = fastlaneSession([
      new Cookie({ key: 'k', value: 'v', domain: 'idmsa.apple.com', path: '/', hostOnly: true }),
    ]);
    expect(session).toContain('  for_domain: false\n');
  });

  it('registers the whole session with the redactor', () => {
    const session = fastlaneSession([
      new Cookie({ key: 'myacinfo', value: 'zzz-session-value-zzz', domain: 'apple.com', path: '/' }),
    ]);
    expect(redactor.redact(`session: ${session}`)).not.toContain('zzz-session-value-zzz');
  });

  it('never emits a backslash followed by n, which fastlane would turn into a newline', () => {
    expect(doubleQuoted('a\\nb')).toBe('"a\\x5Cnb"');
    expect(doubleQuoted('line\u2028sep')).toBe('"line\\u2028sep"');
  });

  it.each([
    ['HSARMTKNSRVTWFlaFrGQTmfmFBwJuiX/aaaaaaaaa+A7FbJa4V8MmWijnJknnX06ME0KrI9V8vFg==SRVT', true],
    ['DES58b0eba556d80ed2b98707e15ffafd344', true],
    ['true', false],
    ['No', false],
    ['12345', false],
    ['1_000', false],
    ['1.5', false],
    ['a: b', false],
    ['-leading', false],
    ['', false],
  ])('isPlainSafe(%j) is %s', (text, safe) => {
    expect(isPlainSafe(text)).toBe(safe);
  });
});
