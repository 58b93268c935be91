import type { TestDevice } from '../../../../common/bitrise/test-devices.ts';
import type { LoadedCertificate, ProjectAnalysis } from '../../../../common/codesign/index.ts';
import { type Device, mapConcurrent, type PortalClient } from '../../../../common/portal/index.ts';
import { type Clock, type Logger, systemClock } from '../../../../common/step/index.ts';
import type { DistributionType } from '../config.ts';
import type { PortalWriter } from '../writer.ts';
import { AppIds } from './app-ids.ts';
import { matchCertificates } from './certificates.ts';
import { ensureDevices } from './devices.ts';
import { listsDevices, type Platform } from './distribution.ts';
import { type EnsuredProfile, ensureProfile, type ProfileContext, planProfiles } from './profiles.ts';

/** How many targets are provisioned at once: enough to hide latency, far from Apple's rate limit. */
const TARGET_CONCURRENCY = 8;

export interface DistributionAssets {
  type: DistributionType;
  /** The certificate the targets are signed with (the first of its kind matched on the portal). */
  certificate: LoadedCertificate;
  /** Keyed by target ID: every archivable target, and the UITest targets for development. */
  profiles: Map<string, EnsuredProfile>;
}

export interface EnsureOptions {
  portal: PortalClient;
  writer: PortalWriter;
  project: ProjectAnalysis;
  distribution: DistributionType;
  certificates: readonly LoadedCertificate[];
  /** The connection's test devices to register; undefined when not asked to. */
  testDevices?: readonly TestDevice[];
  minProfileDaysValid: number;
  logger: Logger;
  now?: Date;
  /** The Step's clock, for the wait before a profile is started over; default the real clock. */
  clock?: Clock;
}

export interface EnsureResult {
  assets: Map<DistributionType, DistributionAssets>;
  /** The devices that development and ad hoc profiles list, those registered now included. */
  devices: readonly Device[];
}

/**
 * The official EnsureCodesignAssets: certificates matched on the portal by serial, devices,
 * App IDs with their capabilities, and one profile per distribution type and target, reused when
 * it is still good and regenerated otherwise. Lists are fetched once; targets run concurrently.
 */
export async function ensureCodesignAssets(options: EnsureOptions): Promise<EnsureResult> {
  const { logger, portal, project, writer } = options;
  const platform = project.platform as Platform;

  const matched = await matchCertificates({
    portal,
    logger,
    certificates: options.certificates,
    distribution: options.distribution,
    signsUITests: project.targets.some((t) => t.isUITest),
  });
  const types = [...matched.keys()];
  logger.print(`Distribution types: ${types.join(', ')}`);

  const devices = types.some(listsDevices)
    ? await ensureDevices({ portal, writer, logger, platform, testDevices: options.testDevices })
    : [];

  logger.info('Ensuring App IDs and profiles');
  const jobs = planProfiles(types, project.targets);
  const appIds = new AppIds(portal, writer, logger);
  const context: ProfileContext = {
    portal,
    writer,
    logger,
    platform,
    appIds,
    certificates: new Map([...matched].map(([type, m]) => [type, m.portal])),
    devices,
    minProfileDaysValid: options.minProfileDaysValid,
    now: options.now ?? new Date(),
    clock: options.clock ?? systemClock(),
  };
  const profiles = await mapConcurrent(jobs, TARGET_CONCURRENCY, (job) => ensureProfile(job, context));
  appIds.assertICloudContainersAssigned();

  const assets = new Map<DistributionType, DistributionAssets>();
  for (const [type, certificates] of matched)
    assets.set(type, { type, certificate: certificates.local[0]!, profiles: new Map() });
  for (const [index, job] of jobs.entries())
    for (const target of job.targets) assets.get(job.type)!.profiles.set(target.id, profiles[index]!);
  return { assets, devices };
}
