import type { Got } from 'got';
import { type Clock, type Logger, parseRetryAfter, retry, StepError } from '../step/index.ts';
import { type ApiErrorEntry, explainApiError, NETWORK_HINT, PortalApiError } from './errors.ts';
import {
  type ApiRequest,
  type ApiResponse,
  logicalUrl,
  type Transport,
  type WireRequest,
} from './transport.ts';

export interface RetrySettings {
  /** Total attempts per request, the first included. */
  attempts: number;
  /** First backoff delay; doubles per attempt. Tests inject a few milliseconds. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Bound of one request's retries; a longer Retry-After fails the request at once. */
  overallTimeoutMs?: number;
  /** The Step's clock; tests record the waits (e.g. Retry-After) instead of waiting. */
  clock?: Clock;
}

export const DEFAULT_RETRY: RetrySettings = {
  attempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  overallTimeoutMs: 5 * 60_000,
};

/** Failures that never reached Apple: repeating them is safe even for a create. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

class Retryable extends Error {
  constructor(
    readonly inner: Error,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Sends API requests through one transport: bounded retries with backoff, Retry-After,
 * one fresh-token retry of a 401, JSON parsing and Apple's error rendering.
 */
export class Executor {
  constructor(
    private readonly http: Got,
    readonly transport: Transport,
    private readonly logger: Logger,
    private readonly settings: RetrySettings,
  ) {}

  async send(request: ApiRequest): Promise<ApiResponse> {
    const url = logicalUrl(request);
    return this.attempt(`${request.method} ${url}`, request.idempotent, (freshAuth) =>
      this.transport.wire(request, url, { freshAuth }),
    ).catch((err: unknown) => {
      throw this.explain(err);
    });
  }

  /** Sends an already wired request (outside the JSON:API resources), with the same policy. */
  async sendWired(what: string, idempotent: boolean, wire: () => WireRequest): Promise<ApiResponse> {
    return this.attempt(what, idempotent, wire).catch((err: unknown) => {
      throw this.explain(err);
    });
  }

  private async attempt(
    what: string,
    idempotent: boolean,
    wire: (freshAuth: boolean) => WireRequest,
  ): Promise<ApiResponse> {
    let freshAuth = false;
    let renewedAuth = false;
    const [method = '', url = ''] = what.split(' ');
    try {
      return await retry(
        async () => {
          const { url: target, ...options } = wire(freshAuth);
          freshAuth = false;
          let raw: { statusCode: number; headers: ApiResponse['headers']; body: string };
          try {
            raw = await this.http(target, {
              ...options,
              responseType: 'text',
              followRedirect: false,
              isStream: false,
            });
          } catch (err) {
            const code = (err as { code?: string }).code ?? '';
            const message = `${what}: ${(err as Error).message}`;
            if (idempotent || NOT_SENT_CODES.has(code))
              throw new Retryable(new StepError(message, { cause: err, hint: NETWORK_HINT }), message);
            throw new StepError(`${message} (not retried, as the request may have been applied)`, {
              cause: err,
              hint: 'check on the Developer Portal whether it was, then rerun the build',
            });
          }
          const response: ApiResponse = {
            status: raw.statusCode,
            headers: raw.headers,
            body: parseBody(raw.body),
          };
          this.transport.observe?.(response);
          const status = response.status;
          const rateLimit = headerValue(response.headers['x-rate-limit']);
          this.logger.debug(`${what}: ${status}${rateLimit ? ` (X-Rate-Limit: ${rateLimit})` : ''}`);
          if (status >= 200 && status < 300) return response;

          const error = new PortalApiError(method, url, status, errorEntries(response.body));
          const summary = `${method} ${url}: ${status}${summarize(error.errors)}`;
          if (status === 401 && this.transport.renewsAuthOn401 && !renewedAuth) {
            renewedAuth = true;
            freshAuth = true;
            throw new Retryable(error, `${summary} (retrying with a new token)`, 0);
          }
          if (status === 429) {
            const limit = headerValue(response.headers['x-rate-limit']);
            const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']));
            throw new Retryable(
              error,
              `${summary}: rate limited${limit ? ` (X-Rate-Limit: ${limit})` : ''}`,
              retryAfterMs,
            );
          }
          if (status >= 500 && status !== 501 && idempotent) throw new Retryable(error, summary);
          throw error;
        },
        {
          attempts: this.settings.attempts,
          baseDelayMs: this.settings.baseDelayMs,
          maxDelayMs: this.settings.maxDelayMs,
          overallTimeoutMs: this.settings.overallTimeoutMs,
          jitter: 0.2,
          clock: this.settings.clock,
          logger: this.logger,
          what: 'Developer Portal request',
          classify: (err) =>
            err instanceof Retryable ? { retry: true, retryAfterMs: err.retryAfterMs } : { retry: false },
        },
      );
    } catch (err) {
      throw err instanceof Retryable ? err.inner : err;
    }
  }

  /** Turns a 401 into what to do about it; Apple's other answers carry their own hint. */
  private explain(err: unknown): unknown {
    return err instanceof PortalApiError ? explainApiError(err, this.transport.kind) : err;
  }
}

/** A response body as JSON, or as the text itself when it is not JSON; undefined when empty. */
export function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorEntries(body: unknown): ApiErrorEntry[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e) => ({
      ...e,
      status: String(e.status ?? ''),
      code: String(e.code ?? ''),
      title: String(e.title ?? ''),
      detail: String(e.detail ?? ''),
    }));
}

function summarize(errors: ApiErrorEntry[]): string {
  return errors.length ? ` (${errors.map((e) => e.code).join(', ')})` : '';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
