import { errorMessage } from './errors.ts';
import type { Logger } from './logger.ts';

export interface RetryDecision {
  retry: boolean;
  /** A server's `Retry-After`, in milliseconds; wins over the computed backoff. */
  retryAfterMs?: number;
}

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 0..1: the share of each delay that is randomised, so parallel builds do not retry in step. */
  jitter?: number;
  /** Stop retrying once this much time has passed since the first attempt. */
  overallTimeoutMs?: number;
  classify: (err: unknown) => RetryDecision;
  what: string;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Multiplies every wait and the overall bound; see TIME_SCALE_ENV. */
  timeScale?: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff: base, 2×base, 4×base… capped, with optional jitter. */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'jitter' | 'random'>,
): number {
  const exact = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const jitter = options.jitter ?? 0;
  if (!jitter) return exact;
  const random = options.random ?? Math.random;
  return Math.round(exact * (1 - jitter + jitter * 2 * random()));
}

/** Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Runs `fn` until it succeeds, the error is not retryable, or the attempts or the overall
 * time run out. The last error propagates unchanged.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const decision = options.classify(err);
      if (!decision.retry || attempt >= options.attempts) throw err;
      const scale = options.timeScale ?? 1;
      const delay = Math.round(
        Math.min(decision.retryAfterMs ?? backoffDelay(attempt, options), options.maxDelayMs) * scale,
      );
      if (
        options.overallTimeoutMs !== undefined &&
        Date.now() - started + delay > options.overallTimeoutMs * scale
      )
        throw err;
      options.logger?.warn(
        `${options.what}: attempt ${attempt}/${options.attempts} failed: ${errorMessage(err)}; retrying in ${formatDelay(delay)}${
          decision.retryAfterMs !== undefined ? ' (Retry-After)' : ''
        }`,
      );
      await wait(delay);
    }
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s`;
}
