// Straight from its module: the portal barrel would bring the provisioning client (and node-forge) along.
import { PortalApiError } from '../../../../common/portal/errors.ts';
import type { App, AppStoreConnectClient, BetaGroup, BuildNumber } from '../../../../common/portal/index.ts';
import { type StepContext, StepError } from '../../../../common/step/index.ts';
import type { ApiUploadPlan } from '../upload-method.ts';

/** What the upload goes to, known before a byte is sent. */
export interface UploadTarget {
  app: App;
  number: BuildNumber;
  /** The beta_groups, found by exact name. */
  groups: BetaGroup[];
}

const BUILD_NUMBER_HINT =
  'raise the build number (CFBundleVersion) and build again: App Store Connect takes each build number once per version';

/**
 * Everything that can be checked without uploading: the app, that App Store Connect does not have
 * this build number for this version yet (Apple would refuse it only after the whole upload), and
 * that every beta group exists.
 */
export async function findTarget(
  client: AppStoreConnectClient,
  plan: ApiUploadPlan,
  appId: string,
  ctx: StepContext,
): Promise<UploadTarget> {
  const app = await findApp(client, plan, appId);
  ctx.logger.print(`App: ${app.attributes.name ?? app.attributes.bundleId} (Apple ID ${app.id})`);
  const number: BuildNumber = {
    appId: app.id,
    version: plan.ipa.version,
    build: plan.ipa.build,
    platform: plan.platform,
  };
  await refuseTakenBuildNumber(client, number);
  ctx.logger.print(`Build ${number.build} of version ${number.version} is new to App Store Connect`);
  const groups = await findGroups(client, app, plan.testFlight.betaGroups);
  if (groups.length) ctx.logger.print(`Beta groups: ${groups.map((g) => g.attributes.name).join(', ')}`);
  return { app, number, groups };
}

async function findApp(client: AppStoreConnectClient, plan: ApiUploadPlan, appId: string): Promise<App> {
  const bundleId = plan.ipa.bundleId;
  if (!appId) {
    const app = await client.findApp(bundleId);
    if (!app)
      throw new StepError(`App Store Connect has no app with the bundle ID ${bundleId}`, {
        hint: "create the app in App Store Connect › Apps first, with the API key's team, or check that the IPA is the one you meant",
      });
    return app;
  }
  let app: App;
  try {
    app = await client.getApp(appId);
  } catch (err) {
    if (err instanceof PortalApiError && err.status === 404)
      throw new StepError(`App Store Connect has no app with the Apple ID ${appId}`, {
        cause: err,
        hint: "set app_id to the number under App Store Connect › App Information › Apple ID of an app of the API key's team, or clear it to find the app by the IPA's bundle ID",
      });
    throw err;
  }
  if (app.attributes.bundleId !== bundleId)
    throw new StepError(
      `app_id ${appId} is the app with the bundle ID ${app.attributes.bundleId}, but the IPA's bundle ID is ${bundleId}`,
      { hint: `set app_id to the Apple ID of ${bundleId}, or clear it to find the app by the bundle ID` },
    );
  return app;
}

/** Builds and uploads still in flight both hold the number; a failed or abandoned upload does not. */
async function refuseTakenBuildNumber(client: AppStoreConnectClient, number: BuildNumber): Promise<void> {
  const [builds, uploads] = await Promise.all([client.findBuilds(number), client.listBuildUploads(number)]);
  const build = builds.find((b) => b.attributes.version === number.build);
  if (build)
    throw new StepError(
      `App Store Connect already has build ${number.build} of version ${number.version} (build ID ${build.id}${build.attributes.uploadedDate ? `, uploaded ${build.attributes.uploadedDate}` : ''})`,
      { hint: BUILD_NUMBER_HINT },
    );
  const inFlight = uploads.find(
    (u) =>
      u.attributes.cfBundleVersion === number.build &&
      ['PROCESSING', 'COMPLETE'].includes(u.attributes.state?.state ?? ''),
  );
  if (inFlight)
    throw new StepError(
      `An upload of build ${number.build} of version ${number.version} is already being processed (build upload ${inFlight.id})`,
      { hint: BUILD_NUMBER_HINT },
    );
}

async function findGroups(
  client: AppStoreConnectClient,
  app: App,
  names: readonly string[],
): Promise<BetaGroup[]> {
  if (names.length === 0) return [];
  const groups = await client.listBetaGroups(app.id);
  const missing = names.filter((name) => !groups.some((g) => g.attributes.name === name));
  if (missing.length > 0) {
    const known = groups.map((g) => `"${g.attributes.name}"`).join(', ') || 'none';
    throw new StepError(
      `TestFlight has no group named ${missing.map((name) => `"${name}"`).join(', ')} for ${app.attributes.bundleId} (its groups: ${known})`,
      { hint: 'set beta_groups to the exact names of existing groups, separated by | or newlines' },
    );
  }
  return names.map((name) => groups.find((g) => g.attributes.name === name)!);
}
