import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RequestError } from 'got';
import type { Clock } from '../step/clock.ts';
import { StepError } from '../step/errors.ts';
import { createHttpClient } from '../step/http.ts';
import type { Logger } from '../step/logger.ts';
import { parseRetryAfter, RetryAfterTooLongError, type RetryDecision, retry } from '../step/retry.ts';
import type { Env } from '../step/run.ts';
import type { Secret } from '../step/secret.ts';
import { type Connection, parseConnection } from './connection.ts';

const CONNECTION_PATH = 'apple_developer_portal_data.json';

/** A failed fetch. `status` is the final HTTP status, absent for network errors. */
export class BuildApiError extends StepError {
  constructor(
    reason: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`failed to fetch authentication credentials: ${reason}`, options);
    this.name = 'BuildApiError';
  }
}

class StatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(`network request failed with status ${status}`);
  }
}

export interface FetchConnectionOptions {
  buildUrl: string;
  token: Secret;
  env: Env;
  cwd: string;
  logger: Logger;
  /** Defaults follow upstream's retryablehttp: 5 attempts, 1-2-4-8 s, capped at 30 s. */
  attempts?: number;
  retryBaseDelayMs?: number;
  attemptTimeoutMs?: number;
  overallTimeoutMs?: number;
  /** Waits between attempts, and the scale of timeouts and waits; default the real clock. */
  clock?: Clock;
}

export function connectionUrl(buildUrl: string): string {
  return `${buildUrl.replace(/\/+$/, '')}/${CONNECTION_PATH}`;
}

/**
 * Fetches the build's Apple Developer connection: `GET {build_url}/apple_developer_portal_data.json`
 * with the `BUILD_API_TOKEN` header, or reads the JSON from a `file://` build URL.
 */
export async function fetchConnection(options: FetchConnectionOptions): Promise<Connection> {
  if (options.buildUrl.startsWith('file://')) {
    const path = resolve(options.cwd, decodeURI(options.buildUrl.slice('file://'.length)));
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new BuildApiError(
        `could not read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        undefined,
        {
          cause: undefined,
        },
      );
    }
    return parseConnection(text);
  }
  return parseConnection(await download(options));
}

async function download(options: FetchConnectionOptions): Promise<string> {
  const http = createHttpClient({
    env: options.env,
    timeoutMs: options.attemptTimeoutMs ?? 30_000,
    clock: options.clock,
  });
  const url = connectionUrl(options.buildUrl);
  try {
    return await retry(
      async () => {
        const response = await http.get(url, { headers: { BUILD_API_TOKEN: options.token.reveal() } });
        if (response.statusCode !== 200) {
          throw new StatusError(
            response.statusCode,
            parseRetryAfter(response.headers['retry-after'] as string | undefined),
          );
        }
        return response.body;
      },
      {
        attempts: options.attempts ?? 5,
        baseDelayMs: options.retryBaseDelayMs ?? 1000,
        maxDelayMs: 30_000,
        overallTimeoutMs: options.overallTimeoutMs ?? 180_000,
        classify,
        clock: options.clock,
        what: 'Fetching the Apple Developer connection',
        logger: options.logger,
      },
    );
  } catch (err) {
    if (err instanceof StatusError) throw new BuildApiError(err.message, err.status);
    // Still a fetch failure: the caller warns and goes on without a connection.
    if (err instanceof RetryAfterTooLongError && err.cause instanceof StatusError)
      throw new BuildApiError(err.message, err.cause.status);
    if (err instanceof RequestError)
      throw new BuildApiError(`failed to perform request: ${describeNetworkError(err)}`);
    throw err;
  }
}

/** Upstream retries transport errors, 429 and 5xx except 501; Retry-After counts on 429 and 503. */
function classify(err: unknown): RetryDecision {
  if (err instanceof StatusError) {
    const retryable = err.status === 429 || (err.status >= 500 && err.status !== 501);
    const honoursRetryAfter = err.status === 429 || err.status === 503;
    return { retry: retryable, retryAfterMs: honoursRetryAfter ? err.retryAfterMs : undefined };
  }
  if (err instanceof RequestError) {
    const permanent =
      /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_INVALID_URL|ERR_UNSUPPORTED_PROTOCOL|ERR_TOO_MANY_REDIRECTS/;
    return { retry: !permanent.test(err.code ?? '') };
  }
  return { retry: false };
}

function describeNetworkError(err: RequestError): string {
  if (err.code === 'ETIMEDOUT') return 'timed out';
  return err.code ? `${err.code}` : err.name;
}
