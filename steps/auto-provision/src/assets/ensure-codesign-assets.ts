import type { TestDevice } from '../../../../common/bitrise/test-devices.ts';
import type {
  LoadedCertificate,
  Platform,
  ProjectAnalysis,
  SigningEdit,
} from '../../../../common/codesign/index.ts';
import {
  type BundleIdWithRelations,
  type Device,
  type PortalClient,
  ProfilesChangedError,
} from '../../../../common/portal/index.ts';
import { type Clock, type Logger, systemClock } from '../../../../common/step/index.ts';
import type { DistributionType } from '../config.ts';
import { DEVICE_PLATFORM, listsDevices, PROFILE_FAMILY } from '../platforms.ts';
import type { PortalWriter } from '../writer.ts';
import { type AppliedPlan, applyPlan } from './apply.ts';
import {
  type CertificateMatch,
  certificateKind,
  distributionTypes,
  matchCertificates,
  SIGNING_CERTIFICATE_TYPES,
} from './certificates.ts';
import { devicesToRegister, logDevicePlan } from './devices.ts';
import { wildcardBundleId } from './names.ts';
import { type ProfileJob, planSigning, type SigningPlan } from './plan.ts';
import { type EnsuredProfile, PROFILE_ATTEMPTS, PROFILE_RETRY_DELAY_MS } from './profiles.ts';
import { logSigningTable, type SigningRow, signingRows } from './signing-table.ts';

export interface DistributionAssets {
  type: DistributionType;
  /** The certificate the main target is signed with for this type. */
  certificate: LoadedCertificate;
  /** Keyed by target ID: the profile of each target's first signed platform. */
  profiles: Map<string, EnsuredProfile>;
}

export interface EnsureOptions {
  portal: PortalClient;
  writer: PortalWriter;
  /** The project as configure read it, before the team was known. */
  project: ProjectAnalysis;
  /** Reads the project again as it will build with these signing settings. */
  reanalyze: (edit: SigningEdit) => ProjectAnalysis;
  distribution: DistributionType;
  certificates: readonly LoadedCertificate[];
  /** The connection's test devices to register; undefined when not asked to. */
  testDevices?: readonly TestDevice[];
  /** UDIDs from test_device_list_path, registered too. */
  testDeviceUdids?: readonly string[];
  /** The platforms input; undefined signs every platform. */
  platforms?: ReadonlySet<Platform>;
  minProfileDaysValid: number;
  logger: Logger;
  now?: Date;
  /** The Step's clock, for the wait before a read is started over; default the real clock. */
  clock?: Clock;
}

export interface EnsureResult {
  assets: Map<DistributionType, DistributionAssets>;
  /** The devices on the portal that profiles may list, those registered now included. */
  devices: readonly Device[];
  /** The project as it builds after the signing settings are forced. */
  project: ProjectAnalysis;
  plan: SigningPlan;
  /** Each profile the plan ensured, with the targets it signs. */
  profiles: ReadonlyMap<ProfileJob, EnsuredProfile>;
  /** target → bundle ID → platform → profile → certificate, after the changes. */
  table: SigningRow[];
}

/**
 * The official EnsureCodesignAssets for every platform a target builds for: one read of the
 * portal (certificates, devices, and the App IDs with their capabilities and profiles), a plan
 * printed as a table before anything changes, then the changes: devices, App IDs and
 * capabilities, profiles. An account where everything exists costs three requests whatever the
 * number of targets.
 */
export async function ensureCodesignAssets(options: EnsureOptions): Promise<EnsureResult> {
  const { logger, portal, writer } = options;
  const now = options.now ?? new Date();
  const clock = options.clock ?? systemClock();
  const types = distributionTypes(options.distribution);
  const kinds = new Set(options.certificates.map((c) => c.info.type));
  const needsDevices = types.some((t) => listsDevices(t) && kinds.has(certificateKind(t)));

  // The targets' identities depend on the team and identity the Step will set: those of the
  // certificate the archive signs with (development when there is one, as upstream). Read with
  // the uploaded one first, so the portal is asked everything at once.
  const archiveCertificate = (development: boolean) =>
    (development ? options.certificates.find((c) => c.info.type === 'development') : undefined) ??
    options.certificates.find((c) => c.info.type === certificateKind(options.distribution)) ??
    options.certificates[0];
  const editOf = (certificate: LoadedCertificate | undefined): SigningEdit =>
    certificate ? { teamId: certificate.info.teamId, codeSignIdentity: certificate.info.sha1 } : {};
  let edit = editOf(archiveCertificate(types.includes('development')));
  let project = options.reanalyze(edit);

  logger.info('Reading the Developer Portal');
  const { portalCertificates, portalDevices, appIds } = await withRetry(
    async () => {
      const [certificates, devices, bundleIds] = await allSettled([
        portal.listCertificates(SIGNING_CERTIFICATE_TYPES),
        needsDevices ? portal.listDevices({ status: 'ENABLED' }) : Promise.resolve([] as Device[]),
        portal.listBundleIdsWithRelations(identifiersOf(project)),
      ] as const);
      return { portalCertificates: certificates, portalDevices: devices, appIds: byIdentifier(bundleIds) };
    },
    logger,
    clock,
  );

  const matched = matchCertificates({
    logger,
    certificates: options.certificates,
    portalCertificates,
    distribution: options.distribution,
    signsUITests: options.project.targets.some((t) => t.isUITest),
    warnDays: options.minProfileDaysValid || 30,
    now,
  });
  const matchedTypes = [...matched.keys()];
  logger.print(`Distribution types: ${matchedTypes.join(', ')}`);

  const signing = (matched.get('development') ?? matched.get(options.distribution)!)[0]!.local;
  const finalEdit = editOf(signing);
  if (finalEdit.teamId !== edit.teamId || finalEdit.codeSignIdentity !== edit.codeSignIdentity) {
    edit = finalEdit;
    project = options.reanalyze(edit);
    const missing = identifiersOf(project).filter((id) => !appIds.has(id));
    if (missing.length > 0)
      for (const found of await portal.listBundleIdsWithRelations(missing))
        appIds.set(found.bundleId.attributes.identifier!, found);
  }
  logIdentityChanges(logger, options.project, project, edit);

  const devicePlatforms = new Set(
    project.targets.flatMap((t) =>
      t.variants
        .filter((v) => !options.platforms || options.platforms.has(v.platform))
        .map((v) => DEVICE_PLATFORM[PROFILE_FAMILY[v.platform]]),
    ),
  );
  const registrations = devicesToRegister({
    portalDevices,
    testDevices: options.testDevices,
    fileUdids: options.testDeviceUdids ?? [],
    platforms: matchedTypes.some(listsDevices) ? devicePlatforms : new Set(),
    logger,
  });

  const plan = planSigning({
    project,
    types: matchedTypes,
    distribution: options.distribution,
    certificates: matched,
    portalDevices,
    registrations,
    appIds,
    platforms: options.platforms,
    minProfileDaysValid: options.minProfileDaysValid,
    now,
  });

  if (matchedTypes.some(listsDevices)) {
    logger.info('Devices');
    logDevicePlan(logger, portalDevices, registrations, writer.dryRun);
  }
  for (const note of plan.notes) logger.warn(note.message);
  for (const s of plan.skipped)
    if (!s.quiet)
      logger.warn(`${s.target.name} (${s.variant.platform}) is not signed for ${s.type}: ${s.reason}`);
  for (const job of plan.jobs) {
    if (job.action === 'reuse') logger.print(`${job.name}: reused`);
    else if (job.action === 'replace') logger.print(`${job.name}: regenerated, it ${job.reasons.join('; ')}`);
  }
  logSigningTable(
    logger,
    signingRows(plan),
    writer.dryRun ? 'Signing plan (dry run: nothing will be changed)' : 'Signing plan',
  );

  logger.info(writer.dryRun ? 'Developer Portal changes (dry run)' : 'Developer Portal changes');
  const applied = await applyPlan(plan, registrations, writer, logger);
  return {
    assets: distributionAssets(plan, applied, project),
    devices: [...portalDevices, ...applied.registered],
    project,
    plan,
    profiles: applied.profiles,
    table: signingRows(plan, applied),
  };
}

/**
 * Promise.all that lets every read finish before it fails: a read still retrying would go on
 * logging after the Step has printed its failure.
 */
async function allSettled<T extends readonly unknown[]>(
  promises: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}

/** Every identifier the project's targets sign with: theirs, and the wildcards of UITest targets. */
function identifiersOf(project: ProjectAnalysis): string[] {
  return [
    ...new Set(
      project.targets.flatMap((t) =>
        t.variants.map((v) => (t.isUITest ? wildcardBundleId(v.bundleId) : v.bundleId)),
      ),
    ),
  ];
}

function byIdentifier(list: readonly BundleIdWithRelations[]): Map<string, BundleIdWithRelations> {
  return new Map(list.map((b) => [b.bundleId.attributes.identifier!, b]));
}

/** Starts a read over, after a delay, when the team's profiles change while it runs. */
async function withRetry<T>(read: () => Promise<T>, logger: Logger, clock: Clock): Promise<T> {
  const delay = PROFILE_RETRY_DELAY_MS * clock.scale;
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof ProfilesChangedError) || attempt >= PROFILE_ATTEMPTS) throw err;
      logger.warn(
        `${err.message}; trying again in ${Math.round(delay / 1000)} s (attempt ${attempt + 1}/${PROFILE_ATTEMPTS})`,
      );
      await clock.sleep(delay);
    }
  }
}

/** Says which targets build with another identity than the project shows, once signing is forced. */
function logIdentityChanges(
  logger: Logger,
  before: ProjectAnalysis,
  after: ProjectAnalysis,
  edit: SigningEdit,
): void {
  for (const target of after.targets) {
    const old = before.targets.find((t) => t.id === target.id);
    for (const variant of target.variants) {
      const was = old?.variants.find((v) => v.platform === variant.platform)?.bundleId;
      if (was !== undefined && was !== variant.bundleId)
        logger.print(
          `${target.name} (${variant.platform}) builds as ${variant.bundleId} once manual signing with team ${edit.teamId} is set (the project as it is says ${was}): it is signed for ${variant.bundleId}`,
        );
    }
  }
}

/** Per distribution type: the main target's certificate and each target's first profile. */
function distributionAssets(
  plan: SigningPlan,
  applied: AppliedPlan,
  project: ProjectAnalysis,
): Map<DistributionType, DistributionAssets> {
  const assets = new Map<DistributionType, DistributionAssets>();
  for (const job of plan.jobs) {
    let asset = assets.get(job.type);
    if (!asset) {
      const main = plan.jobs.find(
        (j) => j.type === job.type && j.members.some((m) => m.target.id === project.mainTarget.id),
      );
      asset = { type: job.type, certificate: (main ?? job).certificates[0]!.local, profiles: new Map() };
      assets.set(job.type, asset);
    }
    const profile = applied.profiles.get(job)!;
    for (const { target } of job.members)
      if (!asset.profiles.has(target.id)) asset.profiles.set(target.id, profile);
  }
  return assets;
}

export type { CertificateMatch, EnsuredProfile, ProfileJob };
