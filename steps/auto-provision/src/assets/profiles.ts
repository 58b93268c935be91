import type { ProvisioningProfile, TargetAnalysis } from '../../../../common/codesign/index.ts';
import {
  type Certificate,
  type Device,
  type PortalClient,
  ProfilesChangedError,
  type ProfileType,
} from '../../../../common/portal/index.ts';
import type { Clock, Logger } from '../../../../common/step/index.ts';
import type { DistributionType } from '../config.ts';
import type { PortalWriter } from '../writer.ts';
import type { AppIds } from './app-ids.ts';
import { listsDevices, type Platform, PROFILE_TYPES } from './distribution.ts';
import { profileName, wildcardBundleId } from './names.ts';
import { decodePortalProfile } from './portal-profile.ts';
import { reuseProblems } from './profile-reuse.ts';

/** A profile read while another client changes the team's profiles is started over this often. */
export const PROFILE_ATTEMPTS = 5;
const PROFILE_RETRY_DELAY_MS = 10_000;

export interface EnsuredProfile {
  name: string;
  profileType: ProfileType;
  /** The profile's bundle ID (wildcard for UITest targets). */
  bundleId: string;
  /** reused: an existing profile passed every check; created: new on the portal; planned: dry run. */
  state: 'reused' | 'created' | 'planned';
  uuid?: string;
  profile?: ProvisioningProfile;
}

/** One profile to ensure, and the targets it signs. */
export interface ProfileJob {
  type: DistributionType;
  /** The profile's bundle ID: the targets', or the wildcard of a UITest target. */
  bundleId: string;
  targets: TargetAnalysis[];
  entitlements: Record<string, unknown>;
}

/**
 * One profile per distribution type and bundle ID: every archivable target gets one, and for
 * development each UITest target gets a wildcard one; targets sharing a bundle ID share it.
 */
export function planProfiles(
  types: readonly DistributionType[],
  targets: readonly TargetAnalysis[],
): ProfileJob[] {
  const jobs: ProfileJob[] = [];
  for (const type of types) {
    const add = (bundleId: string, target: TargetAnalysis, entitlements: Record<string, unknown>) => {
      const same = jobs.find((j) => j.type === type && j.bundleId === bundleId);
      if (same) same.targets.push(target);
      else jobs.push({ type, bundleId, targets: [target], entitlements });
    };
    for (const target of targets.filter((t) => !t.isUITest))
      add(target.bundleId, target, target.entitlements);
    if (type === 'development')
      for (const target of targets.filter((t) => t.isUITest))
        add(wildcardBundleId(target.bundleId), target, {});
  }
  return jobs;
}

/** What ensuring a profile needs beyond the job. */
export interface ProfileContext {
  portal: PortalClient;
  writer: PortalWriter;
  logger: Logger;
  platform: Platform;
  appIds: AppIds;
  /** The portal certificates the profiles of each distribution type include. */
  certificates: ReadonlyMap<DistributionType, readonly Certificate[]>;
  /** The devices profiles that list devices include. */
  devices: readonly Device[];
  minProfileDaysValid: number;
  now: Date;
  clock: Clock;
}

/** Ensures the job's profile, starting over (after a delay) when the team's profiles change meanwhile. */
export async function ensureProfile(job: ProfileJob, context: ProfileContext): Promise<EnsuredProfile> {
  const delay = PROFILE_RETRY_DELAY_MS * context.clock.scale;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensureProfileOnce(job, context);
    } catch (err) {
      if (!(err instanceof ProfilesChangedError) || attempt >= PROFILE_ATTEMPTS) throw err;
      context.logger.warn(
        `${profileName(context.platform, job.type, job.bundleId)}: ${err.message}; trying again in ${Math.round(delay / 1000)} s (attempt ${attempt + 1}/${PROFILE_ATTEMPTS})`,
      );
      await context.clock.sleep(delay);
    }
  }
}

/** Reuses the portal profile of the name upstream gives it when it passes every check, else makes a new one. */
async function ensureProfileOnce(job: ProfileJob, context: ProfileContext): Promise<EnsuredProfile> {
  const { logger, writer } = context;
  const name = profileName(context.platform, job.type, job.bundleId);
  const profileType = PROFILE_TYPES[context.platform][job.type];
  const certificates = context.certificates.get(job.type)!;
  const devices = listsDevices(job.type) ? context.devices : [];
  const appId = await context.appIds.ensure(job.bundleId, job.entitlements, job.targets[0]!.name);

  if (!appId.created) {
    const existing = await context.portal.findProfile(name, profileType);
    if (existing) {
      const problems = reuseProblems(existing, {
        bundleId: job.bundleId,
        entitlements: job.entitlements,
        platform: context.platform,
        certificates,
        devices,
        appIdChanged: appId.changed,
        minDaysValid: context.minProfileDaysValid,
        now: context.now,
      });
      if (problems.length === 0) {
        const profile = decodePortalProfile(existing);
        logger.print(
          `${name}: reused (${profile.uuid}, expires ${profile.expirationDate.toISOString().slice(0, 10)})`,
        );
        return { name, profileType, bundleId: job.bundleId, state: 'reused', uuid: profile.uuid, profile };
      }
      logger.print(`${name}: regenerated, it ${problems.join('; ')}`);
      await writer.deleteProfile(existing);
    }
  }

  const created = await writer.createProfile({
    name,
    profileType,
    bundleIdId: appId.bundleId.id,
    certificateIds: certificates.map((c) => c.id),
    deviceIds: devices.map((d) => d.id),
  });
  if (!created) return { name, profileType, bundleId: job.bundleId, state: 'planned' };
  const profile = decodePortalProfile(created);
  return { name, profileType, bundleId: job.bundleId, state: 'created', uuid: profile.uuid, profile };
}
