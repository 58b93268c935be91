import { type Credentials, chooseTeam, namedTeam } from '../../../common/apple/index.ts';
import { analyzeProject, type LoadedCertificate, loadCertificates } from '../../../common/codesign/index.ts';
import {
  cookieLike,
  createPortalClient,
  type Device,
  type PortalClient,
  type PortalCredentials,
} from '../../../common/portal/index.ts';
import {
  createHttpClient,
  FailureProgress,
  type Output,
  type StepContext,
  StepError,
  withHint,
  wrapError,
} from '../../../common/step/index.ts';
import {
  type DistributionAssets,
  type EnsureResult,
  ensureCodesignAssets,
} from './assets/ensure-codesign-assets.ts';
import type { SigningRow } from './assets/signing-table.ts';
import { type Config, type DistributionType, projectOptions } from './config.ts';
import { forceSigning, installAssets } from './install.ts';
import { createWriter } from './writer.ts';

export interface Result {
  assets: Map<DistributionType, DistributionAssets>;
  changes: string[];
  /** The devices development and ad hoc profiles list; for the report. */
  devices: readonly Device[];
  progress: RunProgress;
  /** target → bundle ID → platform → profile type → profile → certificate, as the log's table. */
  table: SigningRow[];
}

/** What run has done, for the report: after a failure too, through {@link runProgress}. */
export interface RunProgress {
  /** The team the Apple ID session acts for; an API key acts for its own. */
  team?: { teamId: string; name: string };
  certificates: readonly LoadedCertificate[];
  /** What was (or in a dry run would be) changed on the Developer Portal, in order. */
  changes: readonly string[];
  registeredDevices: ReadonlyArray<{ udid: string; title: string }>;
}

export const runProgress = new FailureProgress<RunProgress>();

/** The connection's tough-cookie cookies in the shape the portal client takes. */
function portalCredentials(credentials: Credentials, teamId: string): PortalCredentials {
  if (credentials.kind === 'api_key') {
    return {
      kind: 'api_key',
      keyId: credentials.keyId,
      issuerId: credentials.issuerId,
      privateKey: credentials.privateKey,
      isEnterprise: credentials.isEnterpriseAccount,
    };
  }
  return {
    kind: 'apple_id',
    cookies: credentials.sessionCookies.map(cookieLike),
    teamId: teamId.trim() || undefined,
  };
}

const TEAM_HINT = 'set the team ID input (team_id) to one of the teams listed above';

/**
 * Apple's verdict on the connection, awaited before the first portal request, and the team the
 * session acts for: team_id, or the only one (the portal client checks it again when the check is off).
 */
async function teamToUse(config: Config, ctx: StepContext): Promise<string> {
  const access = await config.check.verdict(ctx.logger);
  if (config.credentials.kind !== 'apple_id') return config.inputs.team_id;
  const named = namedTeam({
    inputs: { teamId: { value: config.inputs.team_id, from: 'the team_id input' } },
  });
  return chooseTeam(access, named, { scope: 'portal', hint: TEAM_HINT })?.teamId ?? config.inputs.team_id;
}

async function connectPortal(config: Config, ctx: StepContext): Promise<PortalClient> {
  const teamId = await teamToUse(config, ctx);
  ctx.logger.info('Connecting to the Apple Developer Portal');
  try {
    const portal = await createPortalClient({
      credentials: portalCredentials(config.credentials, teamId),
      env: ctx.env,
      logger: ctx.logger,
      clock: ctx.clock,
    });
    ctx.logger.print(
      portal.transport === 'api_key'
        ? 'Using the App Store Connect API key'
        : `Using the Apple ID session, team ${portal.team?.teamId} (${portal.team?.name})`,
    );
    return portal;
  } catch (err) {
    throw wrapError('could not configure Apple service authentication', err, {
      hint:
        config.credentials.kind === 'apple_id'
          ? 'set team_id to one of the teams, or re-authenticate the Apple ID connection on bitrise.io'
          : 'check the API key of the connection, or the api_key_path and api_issuer inputs',
    });
  }
}

const CERTIFICATES_HINT =
  'check certificate_urls and passphrases: each certificate must be readable from the build, and each passphrase must open its .p12 (Code Signing tab of the Workflow Editor)';

async function certificates(config: Config, ctx: StepContext): Promise<LoadedCertificate[]> {
  ctx.logger.info('Downloading the certificates');
  try {
    return await loadCertificates(config.inputs.certificate_urls, config.passphrases, {
      http: createHttpClient({ env: ctx.env, clock: ctx.clock }),
      logger: ctx.logger,
      clock: ctx.clock,
    });
  } catch (err) {
    throw withHint(err, CERTIFICATES_HINT);
  }
}

/** Every failure of the provisioning phase carries upstream's prefix, the portal's API errors included. */
const provisioningFailure = (err: unknown) =>
  wrapError('Automatic code signing failed', err, {
    hint: 'see the lines above for the step that failed; rerun with verbose_log set to yes to see every Developer Portal request',
  });

export async function run(config: Config, ctx: StepContext): Promise<Result> {
  // The certificates are read first: Apple's answer to the connection check configure started
  // arrives meanwhile, so reaching the portal does not wait for it.
  let loaded: LoadedCertificate[];
  try {
    loaded = await certificates(config, ctx);
  } catch (err) {
    throw provisioningFailure(err);
  }
  const portal = await connectPortal(config, ctx);
  const writer = createWriter(portal, ctx.logger, config.inputs.dry_run);
  const progress: RunProgress = {
    team: portal.team,
    certificates: loaded,
    changes: writer.changes,
    registeredDevices: writer.registeredDevices,
  };
  let ensured: EnsureResult;
  try {
    ensured = await ensureCodesignAssets({
      portal,
      writer,
      project: config.project,
      // The targets as they will build once manual signing with the certificate's team is forced.
      reanalyze: (signing) => analyzeProject({ ...projectOptions(config.inputs, ctx.env), signing }),
      distribution: config.distribution,
      certificates: loaded,
      testDevices: config.inputs.register_test_devices ? config.connection.testDevices : undefined,
      testDeviceUdids: config.testDeviceUdids,
      platforms: config.platforms,
      minProfileDaysValid: config.inputs.min_profile_days_valid,
      logger: ctx.logger,
      clock: ctx.clock,
    });
    await installAssets(ensured, config, ctx);
  } catch (err) {
    throw runProgress.attach(provisioningFailure(err), progress);
  }
  try {
    forceSigning(config, ensured, ctx);
  } catch (err) {
    throw runProgress.attach(err, progress);
  }

  if (config.inputs.dry_run) {
    ctx.logger.info('Dry run plan');
    if (writer.changes.length === 0)
      ctx.logger.print('No Developer Portal changes: everything needed exists');
    for (const change of writer.changes) ctx.logger.print(`- ${change}`);
    ctx.logger.done('Dry run: nothing was changed on the Developer Portal, on disk or in the keychain');
  } else {
    ctx.logger.done(
      `Code signing is set up${writer.changes.length ? ` (${writer.changes.length} Developer Portal change(s))` : ' (no Developer Portal changes)'}`,
    );
  }
  const { assets, devices, table } = ensured;
  return { assets, changes: writer.changes, devices, progress, table };
}

/** §4.2: the export method, the team, and identities and profile UUIDs of the main target. */
export function outputs(config: Config, result: Result | undefined): Output[] {
  if (!result || config.inputs.dry_run) return [];
  const main = config.project.mainTarget;
  const requested = result.assets.get(config.distribution);
  if (!requested) return [];
  const profileOf = (asset: DistributionAssets) => {
    const uuid = asset.profiles.get(main.id)?.uuid;
    if (!uuid) throw new StepError('No provisioning profile ensured for the main target');
    return uuid;
  };
  const list: Output[] = [
    { key: 'BITRISE_EXPORT_METHOD', value: config.distribution },
    { key: 'BITRISE_DEVELOPER_TEAM', value: requested.certificate.info.teamId },
  ];
  const development = result.assets.get('development');
  if (development) {
    list.push({
      key: 'BITRISE_DEVELOPMENT_CODESIGN_IDENTITY',
      value: development.certificate.info.commonName,
    });
    list.push({ key: 'BITRISE_DEVELOPMENT_PROFILE', value: profileOf(development) });
  }
  if (config.distribution !== 'development') {
    list.push({ key: 'BITRISE_PRODUCTION_CODESIGN_IDENTITY', value: requested.certificate.info.commonName });
    list.push({ key: 'BITRISE_PRODUCTION_PROFILE', value: profileOf(requested) });
  }
  return list;
}
