import type { ProvisioningProfile } from '../../../../common/codesign/index.ts';
import type { BundleId, ProfileType } from '../../../../common/portal/index.ts';
import type { ProfileFamily } from '../platforms.ts';
import type { PortalWriter } from '../writer.ts';
import type { ProfileJob } from './plan.ts';
import { decodePortalProfile } from './portal-profile.ts';

/** A read that meets profiles changed by another client is started over this often. */
export const PROFILE_ATTEMPTS = 5;
export const PROFILE_RETRY_DELAY_MS = 10_000;

export interface EnsuredProfile {
  name: string;
  profileType: ProfileType;
  family: ProfileFamily;
  /** The profile's bundle ID (wildcard for UITest targets). */
  bundleId: string;
  /** reused: an existing profile passed every check; created: new on the portal; planned: dry run. */
  state: 'reused' | 'created' | 'planned';
  uuid?: string;
  profile?: ProvisioningProfile;
}

/** Reuses the plan's profile, or deletes the old ones of its name and makes it anew. */
export async function ensureProfile(
  job: ProfileJob,
  bundleId: BundleId,
  deviceIds: string[],
  writer: PortalWriter,
): Promise<EnsuredProfile> {
  const base = { name: job.name, profileType: job.profileType, family: job.family, bundleId: job.bundleId };
  if (job.action === 'reuse' && job.existing) {
    const profile = decodePortalProfile(job.existing);
    return { ...base, state: 'reused', uuid: profile.uuid, profile };
  }
  // Apple refuses a second profile of a name, expired ones included.
  for (const old of [...(job.existing ? [job.existing] : []), ...job.stale]) await writer.deleteProfile(old);
  const created = await writer.createProfile({
    name: job.name,
    profileType: job.profileType,
    bundleIdId: bundleId.id,
    certificateIds: job.certificates.map((c) => c.portal.id),
    deviceIds,
  });
  if (!created) return { ...base, state: 'planned' };
  const profile = decodePortalProfile(created);
  return { ...base, state: 'created', uuid: profile.uuid, profile };
}
