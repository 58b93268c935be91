import { decodeProfile, type ProvisioningProfile } from '../../../../common/codesign/index.ts';
import type { Profile } from '../../../../common/portal/index.ts';
import { StepError } from '../../../../common/step/index.ts';

/** The provisioning profile inside a portal profile resource. */
export function decodePortalProfile(profile: Profile): ProvisioningProfile {
  const content = profile.attributes.profileContent;
  if (!content) throw new StepError(`profile "${profile.attributes.name}" (${profile.id}) has no content`);
  return decodeProfile(Buffer.from(content, 'base64'));
}
