import { normalizeSerial } from '../certificates/serial.ts';
import type { ProvisioningProfile } from './profile.ts';

/** Each requirement is checked only when it is given. */
export interface ProfileRequirements {
  /** Still valid this many days from `now`. */
  minDaysValid?: number;
  /** Every one of these certificates (hex serials, any case or leading zeros) must be included. */
  certificateSerials?: readonly string[];
  /** Every one of these devices must be provisioned (or the profile provisions all devices). */
  deviceUdids?: readonly string[];
  /** The profile's entitlements must contain each of these keys. */
  entitlementKeys?: readonly string[];
  /** The bundle ID the profile must cover (a wildcard profile `com.example.*` covers `com.example.app`). */
  bundleId?: string;
  now?: Date;
}

export interface ProfileCheck {
  valid: boolean;
  /** One line per unmet requirement, for logs. */
  problems: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whether an existing profile can be reused as it is. */
export function checkProfile(profile: ProvisioningProfile, requirements: ProfileRequirements): ProfileCheck {
  const problems: string[] = [];
  const days = requirements.minDaysValid;
  if (days !== undefined && expiresWithin(profile, days, requirements.now ?? new Date())) {
    problems.push(`expires ${profile.expirationDate.toISOString()}, less than ${days} days from now`);
  }
  const serials = new Set(profile.developerCertificates.map((c) => c.serial));
  for (const serial of requirements.certificateSerials ?? []) {
    // An empty serial (a portal certificate without one) matches nothing.
    const wanted = serial ? normalizeSerial(serial) : '';
    if (!serials.has(wanted)) problems.push(`does not include certificate ${wanted}`);
  }
  if (!profile.provisionsAllDevices) {
    const devices = new Set(profile.provisionedDevices.map(normalizeUdid));
    for (const udid of requirements.deviceUdids ?? []) {
      if (!devices.has(normalizeUdid(udid))) problems.push(`does not include device ${udid}`);
    }
  }
  for (const key of requirements.entitlementKeys ?? []) {
    if (!(key in profile.entitlements)) problems.push(`does not have the ${key} entitlement`);
  }
  if (requirements.bundleId !== undefined && !coversBundleId(profile.bundleId, requirements.bundleId)) {
    problems.push(`is for ${profile.bundleId}, not ${requirements.bundleId}`);
  }
  return { valid: problems.length === 0, problems };
}

/** Whether the profile has expired, or expires less than `days` days after `now`. */
export function expiresWithin(profile: ProvisioningProfile, days: number, now: Date): boolean {
  return profile.expirationDate.getTime() <= now.getTime() + days * DAY_MS;
}

function coversBundleId(profileBundleId: string, bundleId: string): boolean {
  if (profileBundleId === bundleId) return true;
  return profileBundleId.endsWith('*') && bundleId.startsWith(profileBundleId.slice(0, -1));
}

/** UDIDs are compared case-insensitively and without dashes (new-style UDIDs have one). */
export function normalizeUdid(udid: string): string {
  return udid.replace(/-/g, '').toLowerCase();
}
