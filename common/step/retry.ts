import { type Clock, systemClock } from './clock.ts';
import { errorMessage, StepError } from './errors.ts';
import type { Logger } from './logger.ts';

export interface RetryDecision {
  retry: boolean;
  /**
   * A server's `Retry-After`, in milliseconds. It replaces the computed backoff and is not capped
   * by `maxDelayMs`: retrying sooner than the server allows only earns another refusal.
   */
  retryAfterMs?: number;
}

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 0..1: the share of each delay that is randomised, so parallel builds do not retry in step. */
  jitter?: number;
  /**
   * Stop retrying once this much time has passed since the first attempt. A `Retry-After` that
   * does not fit in what is left fails at once with RetryAfterTooLongError; without this bound,
   * `maxDelayMs` is the longest `Retry-After` waited for.
   */
  overallTimeoutMs?: number;
  classify: (err: unknown) => RetryDecision;
  what: string;
  logger?: Logger;
  /**
   * Waits, jitter and elapsed time; its scale multiplies every wait and the overall bound (the
   * Step's clock, see clock.ts). Default: the real clock.
   */
  clock?: Clock;
}

/** Exponential backoff: base, 2×base, 4×base… capped, with optional jitter. */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'jitter' | 'clock'>,
): number {
  const exact = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const jitter = options.jitter ?? 0;
  if (!jitter) return exact;
  const random = (options.clock ?? systemClock()).random();
  return Math.round(exact * (1 - jitter + jitter * 2 * random));
}

/** Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The server asked for a longer wait (`Retry-After`) than the retry bound leaves. Waiting would
 * outlast the bound and retrying earlier would be refused again, so the retry gives up at once.
 * `cause` is the refused attempt's error.
 */
export class RetryAfterTooLongError extends StepError {
  constructor(
    what: string,
    cause: unknown,
    /** The server's wait, unscaled. */
    readonly retryAfterMs: number,
    /** The retry bound, unscaled. */
    readonly boundMs: number,
    /** What was left of the bound when the server answered, unscaled. */
    readonly leftMs: number,
  ) {
    const left = leftMs < boundMs - 1000 ? ` (${formatDelay(leftMs)} left)` : '';
    super(
      `${what}: ${errorMessage(cause)}; the server asked to wait ${formatDelay(retryAfterMs)} before retrying (Retry-After), longer than the ${formatDelay(boundMs)} this Step allows${left}`,
      { cause, hint: 'run the build again once that wait has passed' },
    );
    this.name = 'RetryAfterTooLongError';
  }
}

/**
 * Runs `fn` until it succeeds, the error is not retryable, or the attempts or the overall
 * time run out. The last error propagates unchanged, except when the server's `Retry-After`
 * is longer than the bound allows (RetryAfterTooLongError).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const clock = options.clock ?? systemClock();
  const scale = clock.scale;
  const started = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const decision = options.classify(err);
      if (!decision.retry || attempt >= options.attempts) throw err;
      // Bounds and Retry-After are compared unscaled, so messages name the real durations.
      const elapsed = (clock.now() - started) / scale;
      const serverWait = decision.retryAfterMs;
      if (serverWait !== undefined) {
        const bound = options.overallTimeoutMs ?? options.maxDelayMs;
        const left = Math.max(0, bound - (options.overallTimeoutMs === undefined ? 0 : elapsed));
        if (serverWait > left) throw new RetryAfterTooLongError(options.what, err, serverWait, bound, left);
      }
      const delay = Math.round((serverWait ?? backoffDelay(attempt, options)) * scale);
      if (
        serverWait === undefined &&
        options.overallTimeoutMs !== undefined &&
        clock.now() - started + delay > options.overallTimeoutMs * scale
      )
        throw err;
      options.logger?.warn(
        `${options.what}: attempt ${attempt}/${options.attempts} failed: ${errorMessage(err)}; retrying in ${formatDelay(delay)}${
          decision.retryAfterMs !== undefined ? ' (Retry-After)' : ''
        }`,
      );
      await clock.sleep(delay);
    }
  }
}

function formatDelay(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trimmed(ms / 1000)} s`;
  return `${trimmed(ms / 60_000)} min`;
}

/** One decimal at most, none when it is zero: 7 s, 1.5 s, 15 min. */
function trimmed(value: number): string {
  return String(Number(value.toFixed(1)));
}
