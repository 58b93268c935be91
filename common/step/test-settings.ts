import type { Env } from './env.ts';

/**
 * Test-only settings, read here and nowhere else. Production code always uses Apple's and
 * Bitrise's real https:// URLs and real time; these let tests, `npm start` and black-box harnesses
 * route those hosts to a local simulator and shorten every wait:
 * - HOST_MAP_ENV: comma-separated `host=address:port` pairs, e.g.
 *   `developer.apple.com=127.0.0.1:48443,api.appstoreconnect.apple.com=127.0.0.1:48443`.
 *   TLS still verifies the certificate for the real host name.
 * - EXTRA_CA_ENV: path of a PEM CA certificate trusted in addition to the system roots.
 * - TIME_SCALE_ENV: a factor in (0, 1] applied to HTTP timeouts and retry waits, so fault tests of
 *   whole Steps finish in seconds (0.01 turns the 30 s attempt timeout into 300 ms). runStep puts
 *   it on the Step's clock (clock.ts); nothing else reads it.
 */
export const HOST_MAP_ENV = 'BITRISE_APPLE_STEPS_TEST_HOST_MAP';
export const EXTRA_CA_ENV = 'BITRISE_APPLE_STEPS_TEST_CA_FILE';
export const TIME_SCALE_ENV = 'BITRISE_APPLE_STEPS_TEST_TIME_SCALE';

export interface HostTarget {
  host: string;
  port: number;
}

/** The time scale TIME_SCALE_ENV asks for; 1 when it is unset or out of (0, 1]. */
export function testTimeScale(env: Env): number {
  const value = Number(env[TIME_SCALE_ENV]);
  return Number.isFinite(value) && value > 0 && value <= 1 ? value : 1;
}

/** The hosts HOST_MAP_ENV routes elsewhere; empty in production. Throws on a malformed pair. */
export function testHostMap(env: Env): Map<string, HostTarget> {
  return parseHostMap(env[HOST_MAP_ENV]);
}

/** The CA file EXTRA_CA_ENV names, if any. */
export function testExtraCaFile(env: Env): string | undefined {
  return env[EXTRA_CA_ENV] || undefined;
}

export function parseHostMap(value: string | undefined): Map<string, HostTarget> {
  const map = new Map<string, HostTarget>();
  for (const pair of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([^=\s]+)=([^:\s]+|\[[^\]]+\]):(\d+)$/.exec(pair);
    if (!match) throw new Error(`${HOST_MAP_ENV}: "${pair}" is not host=address:port`);
    map.set(match[1]!.toLowerCase(), { host: match[2]!.replace(/^\[|\]$/g, ''), port: Number(match[3]) });
  }
  return map;
}

/** Describes active test settings, so a Step can say in its log that it is not talking to Apple. */
export function testRoutingNotice(env: Env): string | undefined {
  const parts: string[] = [];
  if (env[HOST_MAP_ENV]) parts.push(`${HOST_MAP_ENV}=${env[HOST_MAP_ENV]}`);
  if (env[EXTRA_CA_ENV]) parts.push(`${EXTRA_CA_ENV}=${env[EXTRA_CA_ENV]}`);
  if (testTimeScale(env) !== 1) parts.push(`${TIME_SCALE_ENV}=${env[TIME_SCALE_ENV]}`);
  return parts.length
    ? `Test routing is active (${parts.join(', ')}): requests go to a local simulator`
    : undefined;
}
