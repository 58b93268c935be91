import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { privateKeyWithHeader } from '../bitrise/connection.ts';
import { StepError } from '../step/errors.ts';
import { createHttpClient, timeScale } from '../step/http.ts';
import type { Logger } from '../step/logger.ts';
import { parseRetryAfter, retry } from '../step/retry.ts';
import type { Env } from '../step/run.ts';
import { Secret } from '../step/secret.ts';

/** Upstream's default when the file name does not follow `AuthKey_<ID>.p8`. */
export const DEFAULT_KEY_ID = 'Bitrise';

export function keyIdFromPath(path: string): string {
  const name = basename(path.split('?')[0]!);
  return /AuthKey_(.+)\.p8/.exec(name)?.[1] ?? DEFAULT_KEY_ID;
}

export interface ApiKeyInputOptions {
  env: Env;
  cwd: string;
  logger: Logger;
  retryBaseDelayMs?: number;
}

/** Reads the `api_key_path` input: an `https://` URL, a `file://` URL or a plain path. */
export async function readApiKeyInput(location: Secret, options: ApiKeyInputOptions): Promise<Secret> {
  const where = location.reveal();
  let text: string;
  try {
    text = /^https?:\/\//i.test(where) ? await download(where, options) : await readLocal(where, options.cwd);
  } catch (err) {
    throw new StepError(
      `could not fetch private key (api_key_path) specified as input: ${(err as Error).message}`,
      {
        hint: 'check that api_key_path is a reachable https:// URL, a file:// URL or an existing file',
      },
    );
  }
  if (!text.trim())
    throw new StepError('private key (api_key_path) is empty', {
      hint: 'point api_key_path at the .p8 file App Store Connect gave you',
    });
  return new Secret(privateKeyWithHeader(text.trim()));
}

async function readLocal(where: string, cwd: string): Promise<string> {
  const path = where.startsWith('file://') ? decodeURI(where.slice('file://'.length)) : where;
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'the file does not exist' : `the file cannot be read (${code})`);
  }
}

async function download(url: string, options: ApiKeyInputOptions): Promise<string> {
  const http = createHttpClient({ env: options.env, timeoutMs: 30_000 });
  return retry(
    async () => {
      const response = await http.get(url);
      if (response.statusCode !== 200) {
        throw Object.assign(new Error(`download failed with status ${response.statusCode}`), {
          status: response.statusCode,
          retryAfterMs: parseRetryAfter(response.headers['retry-after'] as string | undefined),
        });
      }
      return response.body;
    },
    {
      attempts: 3,
      baseDelayMs: options.retryBaseDelayMs ?? 1000,
      maxDelayMs: 10_000,
      what: 'Downloading the API key',
      timeScale: timeScale(options.env),
      logger: options.logger,
      classify: (err) => {
        const status = (err as { status?: number }).status;
        return {
          retry: status === undefined || status === 429 || status >= 500,
          retryAfterMs: (err as { retryAfterMs?: number }).retryAfterMs,
        };
      },
    },
  );
}
