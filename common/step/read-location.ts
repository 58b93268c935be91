import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Got } from 'got';
import type { Clock } from './clock.ts';
import { StepError } from './errors.ts';
import type { Logger } from './logger.ts';
import { parseRetryAfter, retry } from './retry.ts';
import { hideUrlCredentials, registerUrlCredentials } from './url-credentials.ts';

export interface ReadLocationOptions {
  http: Got;
  logger: Logger;
  /**
   * What is read, for messages, e.g. `certificate 1 (https://host/path?*****)`: name a URL by its
   * `displayUrl`, never in full.
   */
  what: string;
  /** Download schemes accepted; default `https` only. */
  schemes?: readonly ('https' | 'http')[];
  /** Relative paths are read from here. */
  cwd?: string;
  timeoutMs?: number;
  attempts?: number;
  retryBaseDelayMs?: number;
  /** Waits between attempts and their scale; default the real clock. */
  clock?: Clock;
}

class DownloadError extends StepError {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const RETRYABLE_NETWORK =
  /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|EPIPE|ENOTFOUND|ENETUNREACH|ERR_GOT_REQUEST_ERROR)$/;

/**
 * Reads what an input points at: a download URL (retried on network errors, 408, 429 and 5xx,
 * honouring Retry-After), a `file://` URL or a plain path. A pre-signed URL's credentials are
 * registered for redaction first, whoever called.
 */
export async function readLocation(location: string, options: ReadLocationOptions): Promise<Buffer> {
  registerUrlCredentials(location);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
  if (scheme && (options.schemes ?? ['https']).includes(scheme as 'https'))
    return download(location, options);
  if (scheme && scheme !== 'file') {
    const allowed = (options.schemes ?? ['https']).map((s) => `${s}://`).join(', ');
    throw new StepError(`${options.what}: unsupported URL scheme; use ${allowed}, file:// or a local path`);
  }
  const path = scheme === 'file' ? fileURLToPath(location) : location;
  try {
    return await readFile(isAbsolute(path) ? path : resolve(options.cwd ?? process.cwd(), path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'the file does not exist' : `the file cannot be read (${code})`;
    throw new StepError(`failed to read ${options.what}: ${reason}`, { cause: err });
  }
}

function download(url: string, options: ReadLocationOptions): Promise<Buffer> {
  const attempt = async (): Promise<Buffer> => {
    let response: { statusCode: number; body: Buffer; headers: Record<string, unknown> };
    try {
      response = await options.http.get(url, {
        responseType: 'buffer',
        ...(options.timeoutMs ? { timeout: { request: options.timeoutMs } } : {}),
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      throw new DownloadError(
        // Without a code, the message is the client's, which may quote the URL.
        `failed to download ${options.what}: ${code || hideUrlCredentials(String(err))}`,
        RETRYABLE_NETWORK.test(code),
      );
    }
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
      const retryable = status >= 500 || status === 429 || status === 408;
      const retryAfter = parseRetryAfter(response.headers['retry-after'] as string | undefined);
      throw new DownloadError(`failed to download ${options.what}: HTTP ${status}`, retryable, retryAfter);
    }
    return response.body;
  };
  return retry(attempt, {
    attempts: options.attempts ?? 3,
    baseDelayMs: options.retryBaseDelayMs ?? 1000,
    maxDelayMs: 10_000,
    jitter: 0.2,
    clock: options.clock,
    classify: (err) =>
      err instanceof DownloadError
        ? { retry: err.retryable, retryAfterMs: err.retryAfterMs }
        : { retry: false },
    what: `Downloading ${options.what}`,
    logger: options.logger,
  });
}
