import { closeSync, openSync } from 'node:fs';
import type { Got } from 'got';
import { mapConcurrent } from '../../../../common/portal/concurrency.ts';
import { type Clock, errorMessage, type Logger, retry, StepError } from '../../../../common/step/index.ts';
import type { TransferStats } from '../run.ts';
import type { PartOperation } from './operations.ts';
import { PartFailure, sendPart } from './part-sender.ts';
import type { UploadProgress } from './progress.ts';

/**
 * Parts in flight at once: enough to keep a long, fat connection busy, few enough for Apple's limits
 * and for the Step's memory (each connection's TLS buffers count; measured with npm run bench).
 */
export const PARALLEL_PARTS = 6;
const PART_ATTEMPTS = 5;

export interface SendPartsOptions {
  http: Got;
  path: string;
  operations: readonly PartOperation[];
  clock: Clock;
  logger: Logger;
  progress: UploadProgress;
}

/**
 * Sends every upload operation, at most PARALLEL_PARTS at a time, each from its own offset of the
 * one open file. A part that fails is sent again on its own (the shared retry helper: backoff with
 * jitter on the Step's clock); only a part that keeps failing, or that the server refuses for good,
 * stops the upload.
 */
export async function sendParts(options: SendPartsOptions): Promise<TransferStats> {
  const { operations, progress } = options;
  const fd = openSync(options.path, 'r');
  let sentBytes = 0;
  let retriedParts = 0;
  try {
    await mapConcurrent(operations, PARALLEL_PARTS, async (op) => {
      const where = `part ${op.partNumber} of ${operations.length}`;
      try {
        await retry(
          async (attempt) => {
            if (attempt === 2) retriedParts++;
            let attemptBytes = 0;
            try {
              await sendPart(options.http, fd, op, (bytes) => {
                attemptBytes += bytes;
                sentBytes += bytes;
                progress.add(bytes);
              });
            } catch (err) {
              progress.takeBack(attemptBytes);
              throw err;
            }
          },
          {
            attempts: PART_ATTEMPTS,
            baseDelayMs: 1000,
            maxDelayMs: 30_000,
            jitter: 0.2,
            clock: options.clock,
            logger: options.logger,
            what: `Upload of ${where}`,
            classify: (err) => ({ retry: err instanceof PartFailure && err.retryable }),
          },
        );
      } catch (err) {
        throw partError(where, err);
      }
    });
  } finally {
    closeSync(fd);
  }
  return {
    fileBytes: operations.reduce((sum, op) => sum + op.length, 0),
    sentBytes,
    parts: operations.length,
    retriedParts,
  };
}

function partError(where: string, err: unknown): unknown {
  if (!(err instanceof PartFailure)) return err;
  if (err.status === 403)
    return new StepError(`App Store Connect refused ${where}: ${err.reason}`, {
      cause: err,
      hint: 'its upload URL expired or was refused: rerun the build, which starts a new upload',
    });
  return new StepError(
    `Could not upload ${where}${err.retryable ? ` after ${PART_ATTEMPTS} attempts` : ''}: ${errorMessage(err)}`,
    {
      cause: err,
      hint: err.retryable
        ? "check the build machine's network and proxy settings, or Apple's status (https://developer.apple.com/system-status/), then rerun the build"
        : 'App Store Connect refused the part as it was sent: rerun the build, and report it with the log if it keeps happening',
    },
  );
}
