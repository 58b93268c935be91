import { BuildApiError, fetchConnection } from '../bitrise/build-api.ts';
import { type Connection, EMPTY_CONNECTION } from '../bitrise/connection.ts';
import type { Clock } from '../step/clock.ts';
import { StepError } from '../step/errors.ts';
import type { Logger } from '../step/logger.ts';
import type { Env } from '../step/run.ts';
import type { Secret } from '../step/secret.ts';
import {
  FETCH_FAILED_HINT,
  NOT_ON_BITRISE,
  PR_BUILD_HINT,
  READ_MORE,
  UNAUTHORIZED_PR_BUILD,
} from './messages.ts';
import type { ConnectionMode } from './select.ts';

export interface LoadConnectionOptions {
  mode: ConnectionMode;
  buildUrl: string;
  token: Secret;
  env: Env;
  cwd: string;
  logger: Logger;
  retryBaseDelayMs?: number;
  attemptTimeoutMs?: number;
  overallTimeoutMs?: number;
  clock?: Clock;
}

/**
 * Fetches the connection unless `connection` is off. Not running on Bitrise, a PR build's 401
 * and other fetch failures are warnings: the Step goes on without a connection and the
 * selection decides whether that is fatal. A payload we cannot read fails.
 */
export async function loadConnection(options: LoadConnectionOptions): Promise<Connection> {
  const { logger } = options;
  if (options.mode === 'off') return EMPTY_CONNECTION;
  if (!options.buildUrl || options.token.isEmpty) {
    logger.warn(NOT_ON_BITRISE);
    return EMPTY_CONNECTION;
  }
  logger.info('Reading Apple Developer Portal authentication data');
  try {
    const connection = await fetchConnection({ ...options, token: options.token });
    if (connection.duplicateTestDevices.length > 0) {
      logger.debug('Devices with duplicated UDID are registered on Bitrise, will be ignored:');
      for (const device of connection.duplicateTestDevices) logger.debug(`- ${device.udid}, ${device.title}`);
    }
    return connection;
  } catch (err) {
    if (!(err instanceof BuildApiError)) throw err;
    if (err.status === 401) logger.warn(UNAUTHORIZED_PR_BUILD);
    else {
      logger.warn(`Failed to activate Bitrise Apple Developer Portal connection: ${err.message}`);
      logger.warn(READ_MORE);
    }
    const hint = err.status === 401 ? PR_BUILD_HINT : FETCH_FAILED_HINT;
    return { ...EMPTY_CONNECTION, fetchError: new StepError(err.reason, { cause: err, hint }) };
  }
}

/**
 * A Step's failure when no credentials were found. When the build API failed to give the
 * connection, that failure is the cause and its fix the hint; otherwise `hint` says how to connect.
 */
export function noCredentialsError(
  prefix: string,
  connection: Connection,
  options: { hint: string },
): StepError {
  const failure = connection.fetchError;
  if (!failure) return new StepError(`${prefix}: no credentials provided`, { hint: options.hint });
  return new StepError(
    `${prefix}: no credentials provided, as the build's Apple Developer connection could not be fetched (${failure.reason})`,
    { cause: failure, hint: failure.hint },
  );
}
