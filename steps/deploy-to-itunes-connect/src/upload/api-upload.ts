import { statSync } from 'node:fs';
import { basename } from 'node:path';
// Straight from their modules: the portal barrel would bring the provisioning client (and node-forge) along.
import {
  type AppStoreConnectClient,
  createAppStoreConnectClient,
} from '../../../../common/portal/app-store-connect.ts';
import type { Build, BuildUploadUti } from '../../../../common/portal/index.ts';
import { createHttpClient, FailureProgress, type StepContext } from '../../../../common/step/index.ts';
import type { Config } from '../config.ts';
import type { Result, UploadedBuild } from '../run.ts';
import type { ApiUploadPlan } from '../upload-method.ts';
import { CHECKSUM_ALGORITHM, fileChecksum } from './checksum.ts';
import { printPlannedCalls } from './dry-run.ts';
import { checkedOperations } from './operations.ts';
import { sendParts } from './parts.ts';
import { ProcessingError, waitForProcessing } from './processing.ts';
import { formatSeconds, UploadProgress } from './progress.ts';
import { findTarget, type UploadTarget } from './target.ts';
import { distribute, testFlightWanted } from './testflight.ts';
import { followUpload } from './upload-state.ts';

/** One attempt at one part may take this long; a part is megabytes, so minutes mean a dead connection. */
const PART_TIMEOUT_MS = 10 * 60_000;

/** What the API upload had done when it failed: the build, once App Store Connect made it. */
export const apiUploadProgress = new FailureProgress<UploadedBuild>();

const utiOf = (path: string): BuildUploadUti =>
  path.toLowerCase().endsWith('.pkg') ? 'com.apple.pkg' : 'com.apple.ipa';

/**
 * The upload through App Store Connect's build upload API (app-store-connect-upload.md): checks
 * first (app, build number, groups), then the build upload and its file, the parts streamed from
 * disk with the checksum computed alongside, the commit, and the upload followed to its build;
 * then, as asked, processing and TestFlight.
 */
export async function uploadWithApi(config: Config, plan: ApiUploadPlan, ctx: StepContext): Promise<Result> {
  const dryRun = config.inputs.dry_run;
  ctx.logger.info(dryRun ? 'App Store Connect API upload (dry run)' : 'App Store Connect API upload');
  const client = createAppStoreConnectClient({
    credentials: plan.apiKey,
    env: ctx.env,
    logger: ctx.logger,
    clock: ctx.clock,
  });
  const target = await findTarget(client, plan, config.inputs.app_id, ctx);
  const path = plan.ipa.path;
  const file = { name: basename(path), size: statSync(path).size, uti: utiOf(path) };

  if (dryRun) {
    printPlannedCalls(plan, target, file, ctx.logger);
    ctx.logger.done(
      'Dry run: nothing was uploaded. The calls above are what a run with dry_run: "no" makes.',
    );
    return { uploaded: false };
  }

  const started = ctx.clock.now();
  const upload = await client.createBuildUpload(target.number);
  ctx.logger.print(`Build upload ${upload.id} created`);
  const reservation = await client.reserveBuildUploadFile({
    buildUploadId: upload.id,
    fileName: file.name,
    fileSize: file.size,
    uti: file.uti,
  });
  const operations = checkedOperations(reservation, file.size);
  const parts = `${operations.length} part${operations.length === 1 ? '' : 's'}`;
  ctx.logger.print(`Sending ${file.name} (${(file.size / 1_000_000).toFixed(1)} MB) in ${parts}`);
  const progress = new UploadProgress(file.size, ctx.clock, ctx.logger);
  const sendingFailed = new AbortController();
  const [checksum, transfer] = await Promise.all([
    fileChecksum(path, sendingFailed.signal),
    sendParts({
      http: createHttpClient({ env: ctx.env, timeoutMs: PART_TIMEOUT_MS, clock: ctx.clock }),
      path,
      operations,
      clock: ctx.clock,
      logger: ctx.logger,
      progress,
    }).catch((err: unknown) => {
      sendingFailed.abort();
      throw err;
    }),
  ]);
  const sentSeconds = (ctx.clock.now() - started) / 1000;
  ctx.logger.print(
    `Sent ${(transfer.sentBytes / 1_000_000).toFixed(1)} MB in ${formatSeconds(sentSeconds)}${
      transfer.retriedParts
        ? ` (${transfer.retriedParts} part${transfer.retriedParts > 1 ? 's' : ''} sent again)`
        : ''
    }`,
  );
  await client.commitBuildUploadFile(reservation.id, {
    file: { hash: checksum, algorithm: CHECKSUM_ALGORITHM },
  });
  ctx.logger.print(`Committed with its ${CHECKSUM_ALGORITHM} ${checksum}`);
  const buildId = await followUpload(client, upload.id, target.number, ctx);
  const uploadMs = ctx.clock.now() - started;
  ctx.logger.done(
    `Success: build ${target.number.build} (${target.number.version}) is on App Store Connect as build ${buildId}, uploaded in ${formatSeconds(uploadMs / 1000)}`,
  );

  const build: UploadedBuild = { id: buildId, testFlightActions: [] };
  try {
    await afterUpload(client, plan, target, { buildId, uploadId: upload.id }, build, ctx);
  } catch (err) {
    throw apiUploadProgress.attach(err, build);
  }
  return { uploaded: true, uploadMs, transfer, build };
}

/** Processing and TestFlight, recording into `build` as they go. */
async function afterUpload(
  client: AppStoreConnectClient,
  plan: ApiUploadPlan,
  target: UploadTarget,
  ids: { buildId: string; uploadId: string },
  build: UploadedBuild,
  ctx: StepContext,
): Promise<void> {
  let resource: Build | undefined;
  if (plan.testFlight.waitForProcessing) {
    try {
      const processed = await waitForProcessing(
        client,
        ids,
        target.number,
        plan.testFlight.processingTimeoutMinutes,
        ctx,
      );
      resource = processed.build;
      build.processingState = processed.state;
      build.processingMs = processed.ms;
    } catch (err) {
      if (err instanceof ProcessingError) {
        build.processingState = err.state;
        build.processingMs = err.ms;
      }
      throw err;
    }
  }
  if (!testFlightWanted(plan.testFlight, target.groups)) return;
  resource ??= await client.getBuild(ids.buildId);
  await distribute(client, resource, plan.testFlight, target.groups, build.testFlightActions, ctx);
}
