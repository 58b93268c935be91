import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  LOAD_SESSION_SCRIPT,
  loadSessionsWithRuby,
  loadSessionWithRuby,
  probeRuby,
  RUBY,
  type RubyLoadResult,
  type RubyLoadSuccess,
  skipWithoutRuby,
} from './index.ts';

const FIXTURE_SESSION = readFileSync(
  new URL('../../test/fixtures/reference/go-xcode-fastlane-session.yml', import.meta.url),
  'utf8',
);
const DES_NAME = 'DES58b0eba556d80ed2b98707e15ffafd344';
const DES_VALUE = 'HSARMTKNSRVTWFlaFrGQTmfmFBwJuiX/aaaaaaaaa+A7FbJa4V8MmWijnJknnX06ME0KrI9V8vFg==SRVT';

function expectLoaded(result: RubyLoadResult): RubyLoadSuccess {
  if (!result.ok) throw new Error(`expected the session to load, got ${result.error}`);
  return result;
}

function cookieSession(fields: string): string {
  return `---\n- !ruby/object:HTTP::Cookie\n${fields}\n`;
}

describe.skipIf(skipWithoutRuby())('load_session.rb (Ruby http-cookie, loaded as fastlane does)', () => {
  it("loads go-xcode's FASTLANE_SESSION fixture into both cookies", async () => {
    const result = expectLoaded(await loadSessionWithRuby(FIXTURE_SESSION));
    const myacinfoValue = /name: myacinfo\n {2}value: (\S+)/.exec(FIXTURE_SESSION)![1];

    expect(result.loaded).toBe(true);
    expect(result.cookies).toEqual([
      {
        name: DES_NAME,
        value: DES_VALUE,
        domain: 'idmsa.apple.com',
        for_domain: true,
        path: '/',
        // The Bitrise format carries neither flags nor expiry: Ruby sees plain session cookies.
        secure: false,
        httponly: false,
        expires: null,
        session: true,
      },
      {
        name: 'myacinfo',
        value: myacinfoValue,
        domain: 'apple.com',
        for_domain: true,
        path: '/',
        secure: false,
        httponly: false,
        expires: null,
        session: true,
      },
    ]);
  });

  it('sends both cookies to idmsa.apple.com but only the apple.com one (myacinfo) elsewhere', async () => {
    const result = expectLoaded(await loadSessionWithRuby(FIXTURE_SESSION));
    const myacinfo = result.cookies.find((c) => c.name === 'myacinfo')!;
    const cookieNames = (header: string) => header.split('; ').map((pair) => pair.split('=')[0]);

    expect(cookieNames(result.sent['https://idmsa.apple.com/']).sort()).toEqual(
      [DES_NAME, 'myacinfo'].sort(),
    );
    expect(result.sent['https://idmsa.apple.com/']).toContain(`${DES_NAME}=${DES_VALUE}`);
    expect(result.sent['https://appstoreconnect.apple.com/']).toBe(`myacinfo=${myacinfo.value}`);
    expect(result.sent['https://developer.apple.com/']).toBe(`myacinfo=${myacinfo.value}`);
    expect(result.sent['https://apple.com/']).toBe(`myacinfo=${myacinfo.value}`);
  });

  it("applies fastlane's gsub: the single-line form with literal \\n loads the same cookies", async () => {
    const singleLine = FIXTURE_SESSION.replaceAll('\n', '\\n');
    expect(singleLine).not.toContain('\n');
    const [multi, single] = await loadSessionsWithRuby([FIXTURE_SESSION, singleLine]);
    expect(expectLoaded(single!).cookies).toEqual(expectLoaded(multi!).cookies);
  });

  it('reads FASTLANE_SESSION, then SPACESHIP_SESSION, from the environment like spaceship', () => {
    const run = (env: Record<string, string>) => {
      const out = spawnSync(RUBY, [LOAD_SESSION_SCRIPT], {
        env: { PATH: process.env.PATH, ...env },
        input: 'stdin is ignored when the env var is set',
        encoding: 'utf8',
      });
      expect(out.status).toBe(0);
      return JSON.parse(out.stdout) as RubyLoadResult;
    };
    const fromFastlane = expectLoaded(run({ FASTLANE_SESSION: FIXTURE_SESSION, SPACESHIP_SESSION: '--- [' }));
    const fromSpaceship = expectLoaded(run({ SPACESHIP_SESSION: FIXTURE_SESSION.replaceAll('\n', '\\n') }));
    expect(fromFastlane.cookies.map((c) => c.name)).toEqual([DES_NAME, 'myacinfo']);
    expect(fromSpaceship.cookies.map((c) => c.name)).toEqual([DES_NAME, 'myacinfo']);
  });

  it('reads raw session text from stdin when no env var is set', () => {
    const out = spawnSync(RUBY, [LOAD_SESSION_SCRIPT], {
      env: { PATH: process.env.PATH },
      input: FIXTURE_SESSION,
      encoding: 'utf8',
    });
    expect(out.status).toBe(0);
    expect(expectLoaded(JSON.parse(out.stdout)).cookies).toHaveLength(2);
  });

  it('reports load errors as results with the Ruby exception class, as fastlane would crash on them', async () => {
    const results = await loadSessionsWithRuby([
      // The unquoted-scalar bug of upstream's template: YAML types `true` as a boolean.
      cookieSession('  name: a\n  value: true\n  domain: apple.com\n  for_domain: true\n  path: "/"'),
      // `: ` inside a plain scalar: the steps-fastlane #40 crash.
      cookieSession('  name: a\n  value: x: y\n  domain: apple.com\n  for_domain: true\n  path: "/"'),
      '---\n- !ruby/object:Gem::Requirement\n  requirements: []\n',
      cookieSession('  name: a\n  value: b\n  path: "/"'),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error_class))).toEqual([
      'TypeError',
      'Psych::SyntaxError',
      'Psych::DisallowedClass',
      'ArgumentError',
    ]);
    const failure = results[3]!;
    expect(failure.ok ? '' : failure.error).toBe('ArgumentError: domain is missing');
  });

  it('an empty session is skipped as fastlane does; non-array YAML is silently discarded', async () => {
    const [empty, scalar] = await loadSessionsWithRuby(['', '--- 42\n']);
    expect(expectLoaded(empty!)).toMatchObject({ loaded: false, cookies: [] });
    expect(expectLoaded(scalar!)).toMatchObject({ loaded: true, cookies: [] });
    expect(Object.values(expectLoaded(scalar!).sent)).toEqual(['', '', '', '']);
  });

  it('a leading dot implies for_domain, but a later for_domain key wins; host-only stays on its host', async () => {
    const [dotted, dottedThenFalse, hostOnly] = await loadSessionsWithRuby([
      cookieSession('  name: a\n  value: b\n  domain: .apple.com\n  path: "/"'),
      // yaml_initialize calls the setters in key order, so for_domain after domain overrides the dot.
      cookieSession('  name: a\n  value: b\n  domain: .apple.com\n  for_domain: false\n  path: "/"'),
      cookieSession('  name: a\n  value: b\n  domain: apple.com\n  for_domain: false\n  path: "/"'),
    ]);
    expect(expectLoaded(dotted!).cookies[0]).toMatchObject({ domain: 'apple.com', for_domain: true });
    expect(expectLoaded(dotted!).sent['https://idmsa.apple.com/']).toBe('a=b');
    expect(expectLoaded(dottedThenFalse!).cookies[0]).toMatchObject({
      domain: 'apple.com',
      for_domain: false,
    });
    for (const result of [dottedThenFalse!, hostOnly!]) {
      expect(expectLoaded(result).sent).toEqual({
        'https://idmsa.apple.com/': '',
        'https://appstoreconnect.apple.com/': '',
        'https://developer.apple.com/': '',
        'https://apple.com/': 'a=b',
      });
    }
  });

  it('checks thousands of sessions in one Ruby process, keeping their order', async () => {
    const sessions = Array.from({ length: 2000 }, (_, i) =>
      cookieSession(`  name: c${i}\n  value: "v${i}"\n  domain: apple.com\n  for_domain: true\n  path: "/"`),
    );
    const results = await loadSessionsWithRuby(sessions);
    expect(results).toHaveLength(2000);
    results.forEach((result, i) => {
      expect(expectLoaded(result).cookies.map((c) => [c.name, c.value])).toEqual([[`c${i}`, `v${i}`]]);
    });
  });

  it('exits non-zero for --batch input that is not an array of strings', () => {
    const out = spawnSync(RUBY, [LOAD_SESSION_SCRIPT, '--batch'], { input: '{"a":1}', encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/JSON array of strings/);
  });
});

describe('Ruby availability policy', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('probeRuby names the reason when the executable is missing', () => {
    expect(probeRuby('/nonexistent/ruby')).toMatch(/^cannot run "\/nonexistent\/ruby": .*ENOENT/);
  });

  it('skips locally with a visible warning when Ruby is missing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(skipWithoutRuby('Session round-trip tests', { reason: 'cannot run "ruby"', env: {} })).toBe(true);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^\[skipped\] Session round-trip tests: cannot run "ruby"/),
    );
  });

  it('fails in CI when Ruby is missing', () => {
    expect(() =>
      skipWithoutRuby('Session round-trip tests', { reason: 'cannot run "ruby"', env: { CI: 'true' } }),
    ).toThrow(/need Ruby in CI, but cannot run "ruby"/);
  });
});
