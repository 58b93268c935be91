import type { AppStoreConnectClient, Build, BuildNumber } from '../../../../common/portal/index.ts';
import { type StepContext, StepError } from '../../../../common/step/index.ts';
import { buildRefused } from './apple-errors.ts';
import { poll } from './poll.ts';
import { formatSeconds } from './progress.ts';

export interface Processed {
  build: Build;
  /** VALID; INVALID, FAILED and a timeout end in an error. */
  state: string;
  ms: number;
}

/**
 * An error that leaves the build's last known processing state behind, for the outputs and the
 * report (INVALID, FAILED, or PROCESSING when the time ran out).
 */
export class ProcessingError extends StepError {
  constructor(
    readonly state: string,
    readonly ms: number,
    error: StepError,
  ) {
    super(error.reason, { hint: error.hint, details: error.details, cause: error.cause });
    this.name = 'ProcessingError';
  }
}

/**
 * Waits while App Store Connect processes the build (usually 5 to 30 minutes), looking less often
 * as time goes by, and printing each look so the log shows the Step is alive. INVALID and FAILED
 * fail with Apple's reasons, which it puts on the build upload's state.
 */
export async function waitForProcessing(
  client: AppStoreConnectClient,
  ids: { buildId: string; uploadId: string },
  number: BuildNumber,
  timeoutMinutes: number,
  ctx: StepContext,
): Promise<Processed> {
  ctx.logger.info('Processing');
  const timeoutMs = timeoutMinutes * 60_000;
  const started = ctx.clock.now();
  const elapsed = () => ctx.clock.now() - started;
  const result = await poll(
    async () => {
      const build = await client.getBuild(ids.buildId);
      ctx.logger.print(
        `Build ${number.build}: ${build.attributes.processingState ?? 'unknown'} after ${formatSeconds(elapsed() / 1000)}`,
      );
      return build;
    },
    (build) => build.attributes.processingState !== 'PROCESSING',
    { clock: ctx.clock, firstDelayMs: 5000, maxDelayMs: 60_000, timeoutMs },
  );
  const state = result.value.attributes.processingState ?? 'unknown';
  if (!result.done)
    throw new ProcessingError(
      state,
      result.elapsedMs,
      new StepError(
        `Build ${number.build} of version ${number.version} is still ${state} after ${formatSeconds(timeoutMs / 1000)}`,
        {
          hint: 'raise processing_timeout_minutes, or set wait_for_processing to no: TestFlight offers the build once Apple has processed it',
        },
      ),
    );
  if (state !== 'VALID') {
    const { upload } = await client.getBuildUpload(ids.uploadId);
    throw new ProcessingError(
      state,
      result.elapsedMs,
      buildRefused(
        `App Store Connect processed build ${number.build} of version ${number.version} as ${state}`,
        upload.attributes.state?.errors ?? [],
      ),
    );
  }
  ctx.logger.done(
    `Build ${number.build} is processed (VALID) after ${formatSeconds(result.elapsedMs / 1000)}`,
  );
  return { build: result.value, state, ms: result.elapsedMs };
}
