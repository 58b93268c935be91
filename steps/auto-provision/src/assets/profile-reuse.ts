import { checkProfile, expiresWithin } from '../../../../common/codesign/index.ts';
import type { Certificate, Device, Profile } from '../../../../common/portal/index.ts';
import { iCloudContainers } from '../capabilities.ts';
import { isPlanned } from './devices.ts';
import { decodePortalProfile } from './portal-profile.ts';

/** What a profile found on the portal must have to be reused. */
export interface WantedProfile {
  /** Exactly this bundle ID (a wildcard profile only when the wildcard is wanted). */
  bundleId: string;
  entitlements: Record<string, unknown>;
  /** The profile's first `Platform`, lower-cased: `ios`, `tvos`, `osx`. */
  platform: string;
  certificates: readonly Certificate[];
  devices: readonly Device[];
  /** The App ID was just created or gained capabilities: no earlier profile carries them. */
  appIdChanged: boolean;
  minDaysValid: number;
  now: Date;
}

/**
 * Why the portal profile cannot be reused, one phrase each ("regenerated, it <phrase>"), with
 * upstream's words for expiry; empty when it can be reused (go-xcode `checkProfile`).
 */
export function reuseProblems(existing: Profile, wanted: WantedProfile): string[] {
  if (existing.attributes.profileState !== 'ACTIVE')
    return [`is ${existing.attributes.profileState ?? 'not active'}`];
  if (wanted.appIdChanged) return ['predates capabilities just added to its App ID'];
  const profile = decodePortalProfile(existing);
  const problems: string[] = [];
  const days = wanted.minDaysValid;
  if (expiresWithin(profile, days, wanted.now))
    problems.push(
      `expired, or will expire in less then ${days} day(s) (${profile.expirationDate.toISOString()})`,
    );
  const devices = wanted.devices.filter((d) => !isPlanned(d));
  const result = checkProfile(profile, {
    certificateSerials: wanted.certificates.map((c) => c.attributes.serialNumber ?? ''),
    deviceUdids: devices.map((d) => d.attributes.udid ?? ''),
  });
  problems.push(...result.problems);
  if (devices.length < wanted.devices.length && !profile.provisionsAllDevices)
    problems.push('lacks the devices to be registered');
  if (profile.bundleId !== wanted.bundleId)
    problems.push(`is for ${profile.bundleId}, not ${wanted.bundleId}`);
  if (profile.platform && profile.platform !== wanted.platform)
    problems.push(`is a ${profile.platform} profile`);
  const present = profile.entitlements['com.apple.developer.icloud-container-identifiers'];
  const have = new Set(Array.isArray(present) ? present.map(String) : []);
  const missing = iCloudContainers(wanted.entitlements).filter((c) => !have.has(c));
  if (missing.length) problems.push(`lacks the iCloud containers ${missing.join(', ')}`);
  return problems;
}
