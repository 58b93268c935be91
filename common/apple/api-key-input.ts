import { basename } from 'node:path';
import { privateKeyPem } from '../formats/pem.ts';
import type { Clock } from '../step/clock.ts';
import { errorMessage, StepError } from '../step/errors.ts';
import { createHttpClient } from '../step/http.ts';
import type { Logger } from '../step/logger.ts';
import { readLocation } from '../step/read-location.ts';
import type { Env } from '../step/run.ts';
import { Secret } from '../step/secret.ts';

/** Upstream's default when the file name does not follow `AuthKey_<ID>.p8`. */
const DEFAULT_KEY_ID = 'Bitrise';

export function keyIdFromPath(path: string): string {
  const name = basename(path.split('?')[0]!);
  return /AuthKey_(.+)\.p8/.exec(name)?.[1] ?? DEFAULT_KEY_ID;
}

export interface ApiKeyInputOptions {
  env: Env;
  cwd: string;
  logger: Logger;
  retryBaseDelayMs?: number;
  clock?: Clock;
}

/** Reads the `api_key_path` input: an `https://` URL, a `file://` URL or a plain path. */
export async function readApiKeyInput(location: Secret, options: ApiKeyInputOptions): Promise<Secret> {
  let text: string;
  try {
    const data = await readLocation(location.reveal(), {
      http: createHttpClient({ env: options.env, timeoutMs: 30_000, clock: options.clock }),
      logger: options.logger,
      what: 'the API key',
      schemes: ['https', 'http'],
      cwd: options.cwd,
      retryBaseDelayMs: options.retryBaseDelayMs,
      clock: options.clock,
    });
    text = data.toString('utf8');
  } catch (err) {
    throw new StepError(
      `could not fetch private key (api_key_path) specified as input: ${errorMessage(err)}`,
      {
        hint: 'check that api_key_path is a reachable https:// URL, a file:// URL or an existing file',
      },
    );
  }
  if (!text.trim())
    throw new StepError('private key (api_key_path) is empty', {
      hint: 'point api_key_path at the .p8 file App Store Connect gave you',
    });
  return new Secret(privateKeyPem(text.trim()));
}
