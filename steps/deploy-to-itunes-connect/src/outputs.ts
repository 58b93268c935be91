import type { Output } from '../../../common/step/index.ts';
import type { Config } from './config.ts';
import type { Result } from './run.ts';
import { apiUploadProgress } from './upload/api-upload.ts';

export const BUILD_ID_OUTPUT = 'APP_STORE_CONNECT_BUILD_ID';
export const BUILD_STATE_OUTPUT = 'APP_STORE_CONNECT_BUILD_STATE';

/**
 * The build App Store Connect made of the upload, once known, also when processing or TestFlight
 * failed after it (the INVALID state is what a later Step may want to tell); its processing state
 * only when the Step waited for it.
 */
export function outputs(
  _config: Config,
  result: Result | undefined,
  _ctx: unknown,
  failure: unknown,
): Output[] {
  const build = result?.build ?? apiUploadProgress.of(failure);
  if (!build) return [];
  return [
    { key: BUILD_ID_OUTPUT, value: build.id },
    ...(build.processingState ? [{ key: BUILD_STATE_OUTPUT, value: build.processingState }] : []),
  ];
}
