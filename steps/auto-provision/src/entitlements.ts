/**
 * Which of a target's entitlements the Step can get into its profile, and what the user has to do
 * on the Developer Portal for the others. Nothing here fails the build: an entitlement the API
 * cannot set is a warning that names the key, says the profile will not carry it, and says where
 * on the portal to act. (The official Step fails every HealthKit app on the unknown
 * `com.apple.developer.healthkit.access`, and every app using an approval-only entitlement.)
 */
import {
  capabilityFor,
  dataProtectionProblem,
  iCloudContainers,
  type RequiredCapability,
  requiredCapabilities,
} from './capabilities.ts';

/** A warning about one entitlement of one App ID. */
export interface EntitlementNote {
  key: string;
  /** The App ID (bundle ID) it concerns. */
  bundleId: string;
  message: string;
}

/** Keys no capability is needed for: the profile or the code signature carries them as they are. */
const CARRIED = new Set([
  'application-identifier',
  'com.apple.application-identifier',
  'com.apple.developer.team-identifier',
  'keychain-access-groups',
  'get-task-allow',
  'beta-reports-active',
  // Part of iCloud: they come with the ICLOUD capability and the containers assigned to the App ID.
  'com.apple.developer.icloud-container-identifiers',
  'com.apple.developer.ubiquity-container-identifiers',
  'com.apple.developer.ubiquity-kvstore-identifier',
  'com.apple.developer.icloud-container-environment',
  'com.apple.developer.icloud-container-development-container-identifiers',
  // App Clips: the parent link is the App Clip's App ID itself.
  'com.apple.developer.parent-application-identifiers',
  'com.apple.developer.on-demand-install-capable',
  'com.apple.developer.associated-appclip-app-identifiers',
  // Part of HealthKit.
  'com.apple.developer.healthkit.background-delivery',
]);

/** macOS sandbox and hardened-runtime keys belong to the signature, never to a profile. */
const CARRIED_PREFIXES = ['com.apple.security.'];

/** Capabilities the portal offers that the App Store Connect API cannot enable. */
const PORTAL_ONLY: Record<string, string> = {
  'com.apple.developer.healthkit.access': 'HealthKit › Clinical Health Records',
  'com.apple.developer.usernotifications.time-sensitive': 'Time Sensitive Notifications',
  'com.apple.developer.usernotifications.communication': 'Communication Notifications',
  'com.apple.developer.group-session': 'Group Activities',
  'com.apple.developer.weatherkit': 'WeatherKit',
  'com.apple.developer.devicecheck.appattest-environment': 'App Attest',
  'com.apple.developer.push-to-talk': 'Push to Talk',
  'com.apple.developer.kernel.increased-memory-limit': 'Increased Memory Limit',
  'com.apple.developer.kernel.extended-virtual-addressing': 'Extended Virtual Address Space',
  'com.apple.developer.shared-with-you': 'Shared with You',
  'com.apple.developer.user-fonts': 'Fonts',
  'com.apple.developer.sensitivecontentanalysis.client': 'Sensitive Content Analysis',
  'com.apple.developer.journal.allow': 'Journaling Suggestions',
  'com.apple.developer.fileprovider.testing-mode': 'FileProvider TestingMode',
};

/** Entitlements Apple grants on request only (managed capabilities): no API can put them in a profile. */
const APPROVAL_ONLY: Array<[RegExp, string]> = [
  [/^com\.apple\.developer\.carplay-/, 'CarPlay'],
  [/^com\.apple\.developer\.contacts\.notes$/, 'Contacts Notes Field Access'],
  [/^com\.apple\.developer\.exposure-notification$/, 'Exposure Notification'],
  [/^com\.apple\.developer\.networking\.multicast$/, 'Multicast Networking'],
  [/^com\.apple\.developer\.family-controls$/, 'Family Controls (Distribution)'],
  [/^com\.apple\.developer\.driverkit/, 'DriverKit'],
  [/^com\.apple\.developer\.endpoint-security\.client$/, 'Endpoint Security'],
  [/^com\.apple\.developer\.passkit\.pass-presentation-suppression$/, 'Pass Presentation Suppression'],
  [/^com\.apple\.developer\.proximity-reader\./, 'Tap to Pay on iPhone'],
  [/^com\.apple\.developer\.nfc\.hce/, 'NFC & SE Platform (HCE)'],
  [/^com\.apple\.developer\.usernotifications\.critical-alerts$/, 'Critical Alerts'],
  [/^com\.apple\.developer\.location\.push$/, 'Location Push Service Extension'],
  [/^com\.apple\.developer\.persistent-content-capture$/, 'Persistent Content Capture'],
  [/^com\.apple\.developer\.(mail-client|web-browser)$/, 'Default Mail or Browser App'],
];

const identifiers = (bundleId: string) => `Certificates, Identifiers & Profiles › Identifiers › ${bundleId}`;

/** What an App ID's entitlements need: capabilities the Step enables, and warnings for the rest. */
export interface EntitlementReview {
  capabilities: RequiredCapability[];
  notes: EntitlementNote[];
}

export function reviewEntitlements(
  entitlements: Record<string, unknown>,
  bundleId: string,
): EntitlementReview {
  const notes: EntitlementNote[] = [];
  const note = (key: string, message: string) => notes.push({ key, bundleId, message });
  for (const [key, value] of Object.entries(entitlements)) {
    if (capabilityFor(key)) {
      const problem =
        key === 'com.apple.developer.default-data-protection' ? dataProtectionProblem(value) : undefined;
      if (problem)
        note(
          key,
          `${key}: ${problem}; the profile will not carry it until Data Protection is set on ${identifiers(bundleId)}`,
        );
      continue;
    }
    if (CARRIED.has(key) || CARRIED_PREFIXES.some((prefix) => key.startsWith(prefix))) continue;
    const approval = APPROVAL_ONLY.find(([pattern]) => pattern.test(key));
    if (approval) {
      note(
        key,
        `${key} (${approval[1]}) is granted by Apple on request only, so the profile will not carry it: request it at ${identifiers(bundleId)} › Capability Requests, enable it on the App ID once granted, and sign with a profile made after that`,
      );
      continue;
    }
    const portalOnly = PORTAL_ONLY[key];
    if (portalOnly) {
      note(
        key,
        `${key}: the App Store Connect API cannot enable ${portalOnly}, so the profile will not carry it until it is enabled at ${identifiers(bundleId)} › Capabilities › ${portalOnly}`,
      );
      continue;
    }
    note(
      key,
      `${key} is not an entitlement this Step knows, so the profile will not carry it; if it needs a capability, enable that at ${identifiers(bundleId)}`,
    );
  }
  return { capabilities: requiredCapabilities(entitlements), notes };
}

/**
 * The settings of capabilities just enabled that only the portal can give: the groups, containers
 * and merchant IDs themselves. Without them the profile lacks those values.
 */
export function capabilitySettingNotes(
  entitlements: Record<string, unknown>,
  bundleId: string,
  enabled: readonly RequiredCapability[],
): EntitlementNote[] {
  const list = (key: string) => {
    const value = entitlements[key];
    return Array.isArray(value) ? value.map(String) : [];
  };
  const notes: EntitlementNote[] = [];
  for (const capability of enabled) {
    const add = (what: string, values: string[], where: string) => {
      if (values.length === 0) return;
      notes.push({
        key: capability.entitlement,
        bundleId,
        message: `${bundleId}: ${capability.type} is enabled, but the API cannot assign ${what} (${values.join(', ')}): assign them at ${identifiers(bundleId)} › ${where}; profiles made before that will not carry them`,
      });
    };
    if (capability.type === 'APP_GROUPS')
      add('app groups', list('com.apple.security.application-groups'), 'App Groups › Configure');
    if (capability.type === 'ICLOUD')
      add('iCloud containers', iCloudContainers(entitlements), 'iCloud › Configure');
    if (capability.type === 'APPLE_PAY')
      add(
        'merchant IDs',
        list('com.apple.developer.in-app-payments'),
        'Apple Pay Payment Processing › Configure',
      );
    if (capability.type === 'APPLE_ID_AUTH')
      notes.push({
        key: capability.entitlement,
        bundleId,
        message: `${bundleId}: Sign in with Apple is enabled as a primary App ID; to group it with an existing primary App ID, edit it at ${identifiers(bundleId)} › Sign In with Apple › Configure`,
      });
  }
  return notes;
}
