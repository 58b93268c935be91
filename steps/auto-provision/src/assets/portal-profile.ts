import { decodeProfile, type ProvisioningProfile } from '../../../../common/codesign/index.ts';
import type { Profile } from '../../../../common/portal/index.ts';
import { StepError } from '../../../../common/step/index.ts';

// A profile is checked, shown in the table and installed: decoding it once (a CMS envelope, a
// plist and every certificate in it) keeps 20 targets from costing 60 decodes.
const decoded = new WeakMap<Profile, ProvisioningProfile>();

/** The provisioning profile inside a portal profile resource. */
export function decodePortalProfile(profile: Profile): ProvisioningProfile {
  const known = decoded.get(profile);
  if (known) return known;
  const content = profile.attributes.profileContent;
  if (!content) throw new StepError(`profile "${profile.attributes.name}" (${profile.id}) has no content`);
  const result = decodeProfile(Buffer.from(content, 'base64'));
  decoded.set(profile, result);
  return result;
}
