import { type Clock, createHttpClient, type Env, type Logger, type Secret } from '../step/index.ts';
import { ApiKeyTransport } from './api-key-transport.ts';
import type { PortalContext } from './context.ts';
import { DEFAULT_RETRY, Executor } from './executor.ts';
import type {
  App,
  BetaAppReviewSubmission,
  BetaBuildLocalization,
  BetaGroup,
  Build,
  BuildUpload,
  BuildUploadFile,
  Checksums,
} from './models.ts';
import * as apps from './resources/apps.ts';
import * as reviews from './resources/beta-app-review-submissions.ts';
import * as localizations from './resources/beta-build-localizations.ts';
import * as groups from './resources/beta-groups.ts';
import * as files from './resources/build-upload-files.ts';
import * as uploads from './resources/build-uploads.ts';
import * as builds from './resources/builds.ts';

export interface AppStoreConnectClientOptions {
  /** The apps, builds and TestFlight resources are served to API keys only. */
  credentials: { keyId: string; issuerId: string; privateKey: Secret };
  env: Env;
  logger: Logger;
  /** The Step's clock: waits between attempts and the scale of timeouts; default the real clock. */
  clock?: Clock;
  /** First retry delay (doubling per attempt); default 1 s. */
  retryBaseDelayMs?: number;
  /** Per-attempt timeout; default 30 s. */
  timeoutMs?: number;
}

/**
 * App Store Connect's build and TestFlight resources over the API-key transport, with the
 * portal client's retries, paging and error rendering. The file's bytes do not go through here:
 * the upload operations Apple hands out are plain, unauthenticated PUTs.
 */
export interface AppStoreConnectClient {
  findApp(bundleId: string): Promise<App | undefined>;
  getApp(id: string): Promise<App>;
  findBuilds(number: builds.BuildNumber): Promise<Build[]>;
  getBuild(id: string): Promise<Build>;
  updateBuild(id: string, changes: builds.BuildChanges): Promise<Build>;
  listBuildUploads(number: builds.BuildNumber): Promise<BuildUpload[]>;
  createBuildUpload(number: builds.BuildNumber): Promise<BuildUpload>;
  getBuildUpload(id: string): Promise<uploads.BuildUploadStatus>;
  reserveBuildUploadFile(params: files.ReserveFileParams): Promise<BuildUploadFile>;
  commitBuildUploadFile(id: string, checksums: Checksums): Promise<BuildUploadFile>;
  listBetaGroups(appId: string): Promise<BetaGroup[]>;
  addBuildToBetaGroups(buildId: string, groupIds: readonly string[]): Promise<void>;
  listBetaBuildLocalizations(buildId: string): Promise<BetaBuildLocalization[]>;
  createBetaBuildLocalization(params: {
    buildId: string;
    locale: string;
    whatsNew: string;
  }): Promise<BetaBuildLocalization>;
  updateBetaBuildLocalization(id: string, whatsNew: string): Promise<BetaBuildLocalization>;
  submitForBetaReview(buildId: string): Promise<BetaAppReviewSubmission>;
}

export function createAppStoreConnectClient(options: AppStoreConnectClientOptions): AppStoreConnectClient {
  const http = createHttpClient({ env: options.env, timeoutMs: options.timeoutMs, clock: options.clock });
  const executor = new Executor(http, new ApiKeyTransport(options.credentials), options.logger, {
    ...DEFAULT_RETRY,
    baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    clock: options.clock,
  });
  const ctx: PortalContext = { executor, logger: options.logger, baseUrl: executor.transport.baseUrl };
  return {
    findApp: (bundleId) => apps.findApp(ctx, bundleId),
    getApp: (id) => apps.getApp(ctx, id),
    findBuilds: (number) => builds.findBuilds(ctx, number),
    getBuild: (id) => builds.getBuild(ctx, id),
    updateBuild: (id, changes) => builds.updateBuild(ctx, id, changes),
    listBuildUploads: (number) => uploads.listBuildUploads(ctx, number),
    createBuildUpload: (number) => uploads.createBuildUpload(ctx, number),
    getBuildUpload: (id) => uploads.getBuildUpload(ctx, id),
    reserveBuildUploadFile: (params) => files.reserveBuildUploadFile(ctx, params),
    commitBuildUploadFile: (id, checksums) => files.commitBuildUploadFile(ctx, id, checksums),
    listBetaGroups: (appId) => groups.listBetaGroups(ctx, appId),
    addBuildToBetaGroups: (buildId, groupIds) => groups.addBuildToBetaGroups(ctx, buildId, groupIds),
    listBetaBuildLocalizations: (buildId) => localizations.listBetaBuildLocalizations(ctx, buildId),
    createBetaBuildLocalization: (params) => localizations.createBetaBuildLocalization(ctx, params),
    updateBetaBuildLocalization: (id, whatsNew) =>
      localizations.updateBetaBuildLocalization(ctx, id, whatsNew),
    submitForBetaReview: (buildId) => reviews.submitForBetaReview(ctx, buildId),
  };
}
