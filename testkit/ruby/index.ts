/**
 * Ruby http-cookie as a referee for FASTLANE_SESSION: our TypeScript produces the session, and the
 * only judge that matters is the Ruby code fastlane runs. `load_session.rb` loads sessions exactly
 * as spaceship does and reports the resulting jar (connected-session.md §3.2).
 *
 * Deliberately free of vitest imports so fuzzers and scripts outside the test runner can use it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LOAD_SESSION_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'load_session.rb');

/** The Ruby executable; override with RUBY_BIN to test against another Ruby. */
export const RUBY = process.env.RUBY_BIN || 'ruby';

/** Hosts whose Cookie header is reported in `sent`. */
export const SENT_URLS = [
  'https://idmsa.apple.com/',
  'https://appstoreconnect.apple.com/',
  'https://developer.apple.com/',
  'https://apple.com/',
] as const;
export type SentUrl = (typeof SENT_URLS)[number];

export interface RubyCookie {
  name: string;
  value: string;
  domain: string;
  for_domain: boolean;
  path: string;
  secure: boolean;
  httponly: boolean;
  /** ISO 8601 UTC, or null for a session cookie (every cookie in the Bitrise format). */
  expires: string | null;
  session: boolean;
}

export interface RubyLoadSuccess {
  ok: true;
  /** false when the session was empty, so fastlane would not load it at all. */
  loaded: boolean;
  cookies: RubyCookie[];
  /** The Cookie header the jar would send to each URL (SENT_URLS and any asked for); '' when none. */
  sent: Record<SentUrl, string> & Record<string, string>;
}

export interface RubyLoadFailure {
  ok: false;
  /** `<class>: <message>`, e.g. `Psych::SyntaxError: (<unknown>): did not find expected …`. */
  error: string;
  error_class: string;
  message: string;
}

export type RubyLoadResult = RubyLoadSuccess | RubyLoadFailure;

/** Why `ruby` cannot referee (not runnable, or no http-cookie gem), or undefined when it can. */
export function probeRuby(ruby: string = RUBY): string | undefined {
  const probe = spawnSync(ruby, ['-e', 'require "http-cookie"; require "json"; require "tempfile"'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (probe.error) return `cannot run "${ruby}": ${probe.error.message}`;
  if (probe.status !== 0) {
    const detail = probe.stderr.trim().split('\n')[0] ?? '';
    return `"${ruby}" cannot load the http-cookie gem: ${detail}`;
  }
  return undefined;
}

let availability: { reason: string | undefined } | undefined;

/** {@link probeRuby} for the configured Ruby, run once per process. */
export function rubyUnavailableReason(): string | undefined {
  availability ??= { reason: probeRuby() };
  return availability.reason;
}

/** True when ruby runs and `require "http-cookie"` works. */
export function rubyAvailable(): boolean {
  return rubyUnavailableReason() === undefined;
}

/**
 * Loads each session as fastlane would, in one Ruby process, and returns one result per session in
 * order. Rejects only when Ruby itself fails (missing, crashed, bad output), never for a session
 * that does not load: that is a `{ ok: false }` result.
 */
export function loadSessionsWithRuby(
  sessions: readonly string[],
  options: { urls?: readonly string[] } = {},
): Promise<RubyLoadResult[]> {
  const urls = options.urls?.length ? ['--urls', options.urls.join(',')] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(RUBY, [LOAD_SESSION_SCRIPT, '--batch', ...urls], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    // EPIPE when Ruby exits early; the close handler reports the real cause from stderr.
    child.stdin.on('error', () => {});
    child.on('close', (code, signal) => {
      const err = Buffer.concat(stderr).toString('utf8').trim();
      if (code !== 0) {
        reject(new Error(`load_session.rb exited with ${signal ?? code}${err ? `: ${err}` : ''}`));
        return;
      }
      let results: unknown;
      try {
        results = JSON.parse(Buffer.concat(stdout).toString('utf8'));
      } catch (parseError) {
        reject(new Error(`load_session.rb printed invalid JSON: ${(parseError as Error).message}`));
        return;
      }
      if (!Array.isArray(results) || results.length !== sessions.length) {
        reject(
          new Error(
            `load_session.rb returned ${JSON.stringify(results)?.slice(0, 200)} for ${sessions.length} sessions`,
          ),
        );
        return;
      }
      resolve(results as RubyLoadResult[]);
    });
    child.stdin.end(JSON.stringify(sessions));
  });
}

/** One session; see {@link loadSessionsWithRuby}. */
export async function loadSessionWithRuby(
  session: string,
  options: { urls?: readonly string[] } = {},
): Promise<RubyLoadResult> {
  const [result] = await loadSessionsWithRuby([session], options);
  return result!;
}

/**
 * Test gate for suites that need the Ruby referee. Use as `describe.skipIf(skipWithoutRuby())(…)`.
 * - Ruby with http-cookie present: returns false (run).
 * - Missing locally: prints a warning naming the reason and returns true (skip), so a developer
 *   without Ruby still sees why coverage is missing.
 * - Missing with CI set: throws, failing the test file, because CI must run the referee; a silent
 *   skip there would let a FASTLANE_SESSION regression through.
 */
export function skipWithoutRuby(
  suite = 'Ruby http-cookie referee tests',
  // Injectable so the policy itself can be tested on a machine that has Ruby.
  { reason = rubyUnavailableReason(), env = process.env }: { reason?: string; env?: NodeJS.ProcessEnv } = {},
): boolean {
  if (reason === undefined) return false;
  const install =
    'install Ruby and the http-cookie gem (e.g. apt-get install ruby ruby-http-cookie, or gem install http-cookie)';
  if (env.CI) {
    throw new Error(`${suite} need Ruby in CI, but ${reason}; ${install}`);
  }
  console.warn(`[skipped] ${suite}: ${reason}. To run them, ${install}.`);
  return true;
}
