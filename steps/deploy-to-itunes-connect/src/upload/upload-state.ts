import type { AppStoreConnectClient, BuildNumber } from '../../../../common/portal/index.ts';
import { type StepContext, StepError } from '../../../../common/step/index.ts';
import { buildRefused } from './apple-errors.ts';
import { poll } from './poll.ts';
import { formatSeconds } from './progress.ts';

/** How long App Store Connect may take to check a committed file and make the build. */
const UPLOAD_STATE_TIMEOUT_MS = 30 * 60_000;

/**
 * Follows the build upload after the commit until App Store Connect made the build of it
 * (COMPLETE, with the build in `relationships.build`) or refused it (FAILED, with Apple's errors).
 * Returns the build's ID.
 */
export async function followUpload(
  client: AppStoreConnectClient,
  uploadId: string,
  number: BuildNumber,
  ctx: StepContext,
): Promise<string> {
  let shown = '';
  const result = await poll(
    async () => {
      const status = await client.getBuildUpload(uploadId);
      const state = status.upload.attributes.state?.state ?? 'unknown';
      if (state !== shown) ctx.logger.print(`Upload state: ${state}`);
      shown = state;
      return status;
    },
    (status) => {
      const state = status.upload.attributes.state?.state;
      return state === 'FAILED' || (state === 'COMPLETE' && status.buildId !== undefined);
    },
    { clock: ctx.clock, firstDelayMs: 1000, maxDelayMs: 15_000, timeoutMs: UPLOAD_STATE_TIMEOUT_MS },
  );
  const { upload, buildId } = result.value;
  if (upload.attributes.state?.state === 'FAILED')
    throw buildRefused(
      `App Store Connect refused build ${number.build} of version ${number.version}`,
      upload.attributes.state.errors ?? [],
    );
  if (!result.done || !buildId)
    throw new StepError(
      `App Store Connect did not finish checking the upload of build ${number.build} within ${formatSeconds(UPLOAD_STATE_TIMEOUT_MS / 1000)} (state ${shown})`,
      {
        hint: 'it may still make the build: look for it in App Store Connect › TestFlight before you upload again, and check https://developer.apple.com/system-status/',
      },
    );
  return buildId;
}
