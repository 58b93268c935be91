import type { StepContext } from '../../../common/step/index.ts';
import { appleAccess } from './apple-access.ts';
import type { Config } from './config.ts';
import { uploadWithDeliver } from './deliver.ts';
import type { Toolchain } from './dependencies.ts';
import { uploadWithApi } from './upload/api-upload.ts';

export interface Result {
  uploaded: boolean;
  /** How long the upload took, for the report: until App Store Connect had the whole file. */
  uploadMs?: number;
  /** How the file's bytes went, for an API upload. */
  transfer?: TransferStats;
  /**
   * What App Store Connect said about the build after the upload, for the outputs and the report.
   * deliver does not tell, so this is set by the API upload only.
   */
  build?: UploadedBuild;
}

export interface TransferStats {
  fileBytes: number;
  /** Bytes sent, parts sent again included. */
  sentBytes: number;
  parts: number;
  /** Parts that had to be sent more than once. */
  retriedParts: number;
}

export interface UploadedBuild {
  id: string;
  /** `attributes.processingState`: PROCESSING, VALID, INVALID or FAILED; unset unless waited for. */
  processingState?: string;
  processingMs?: number;
  /** What was done in TestFlight, one line each (groups added, submitted for beta review). */
  testFlightActions: string[];
}

/** The upload the configuration chose, with what it needs, once Apple accepts the connection. */
export async function run(config: Config, ctx: StepContext, toolchain: Toolchain): Promise<Result> {
  await appleAccess(config, ctx);
  if (config.upload.method === 'api') return uploadWithApi(config, config.upload, ctx);
  if (toolchain.method !== 'deliver') throw new Error('unreachable: deliver has its toolchain');
  return uploadWithDeliver(config, ctx, toolchain);
}
