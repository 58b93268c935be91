import type { Got } from 'got';
import { parseBody } from '../../portal/executor.ts';
import type { WireRequest } from '../../portal/transport.ts';
import type { Clock } from '../../step/clock.ts';
import { errorMessage } from '../../step/errors.ts';
import { parseRetryAfter, RetryAfterTooLongError, retry } from '../../step/retry.ts';

/**
 * How long the connection check may wait for Apple in all, retries included. Within it a network
 * error, a 5xx or a 429 is retried; after it the Step goes on without the check (an Apple outage
 * must not fail a build that would otherwise have run).
 */
export const CHECK_BUDGET_MS = 10_000;
/** One attempt's longest wait, so a hanging connection still leaves time for a second try. */
const ATTEMPT_TIMEOUT_MS = 4_000;
const FIRST_RETRY_DELAY_MS = 500;

export interface ProbeAnswer {
  status: number;
  /** Parsed JSON, or the raw text when the body is not JSON (olympus answers 401 in plain text). */
  body: unknown;
}

/** Apple did not give a usable answer within the budget; `reason` says what happened last. */
export class AppleUnreachable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'AppleUnreachable';
  }
}

/** A transient answer, worth another try while the budget lasts. */
class Transient extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Sends one request of the connection check and returns Apple's answer, whatever its status,
 * unless it was transient (network error, 5xx other than 501, 429): those are retried with backoff
 * until CHECK_BUDGET_MS (scaled by the clock) has passed, then AppleUnreachable.
 */
export async function probe(
  http: Got,
  what: string,
  wire: () => WireRequest,
  clock: Clock,
  budgetMs = CHECK_BUDGET_MS,
): Promise<ProbeAnswer> {
  const started = clock.now();
  const left = () => budgetMs * clock.scale - (clock.now() - started);
  try {
    return await retry(
      async () => {
        const { url, ...options } = wire();
        let raw: { statusCode: number; body: string; headers: Record<string, string | string[] | undefined> };
        try {
          raw = await http(url, {
            ...options,
            responseType: 'text',
            followRedirect: false,
            isStream: false,
            timeout: { request: Math.max(1, Math.round(Math.min(ATTEMPT_TIMEOUT_MS * clock.scale, left()))) },
          });
        } catch (err) {
          throw new Transient(`${what}: ${errorMessage(err)}`);
        }
        const status = raw.statusCode;
        if (status === 429 || (status >= 500 && status !== 501)) {
          const header = raw.headers['retry-after'];
          throw new Transient(
            `${what}: ${status}`,
            parseRetryAfter(Array.isArray(header) ? header[0] : header, clock.now()),
          );
        }
        return { status, body: parseBody(raw.body) };
      },
      {
        attempts: 10,
        baseDelayMs: FIRST_RETRY_DELAY_MS,
        maxDelayMs: 4_000,
        jitter: 0.2,
        overallTimeoutMs: budgetMs,
        clock,
        what,
        classify: (err) =>
          err instanceof Transient ? { retry: left() > 0, retryAfterMs: err.retryAfterMs } : { retry: false },
      },
    );
  } catch (err) {
    if (err instanceof Transient || err instanceof RetryAfterTooLongError)
      throw new AppleUnreachable(errorMessage(err));
    throw err;
  }
}
