import type { BundleIdCapability, CapabilitySetting, CapabilityType } from '../../../common/portal/index.ts';

/** Entitlement key → App ID capability (go-xcode `ServiceTypeByKey`, restricted to the API's capability types). */
const CAPABILITY_BY_ENTITLEMENT: Record<string, CapabilityType> = {
  'com.apple.security.application-groups': 'APP_GROUPS',
  'com.apple.developer.in-app-payments': 'APPLE_PAY',
  'com.apple.developer.associated-domains': 'ASSOCIATED_DOMAINS',
  'com.apple.developer.healthkit': 'HEALTHKIT',
  'com.apple.developer.homekit': 'HOMEKIT',
  'com.apple.developer.networking.HotspotConfiguration': 'HOT_SPOT',
  'com.apple.developer.icloud-services': 'ICLOUD',
  'inter-app-audio': 'INTER_APP_AUDIO',
  'com.apple.developer.networking.multipath': 'MULTIPATH',
  'com.apple.developer.networking.networkextension': 'NETWORK_EXTENSIONS',
  'com.apple.developer.nfc.readersession.formats': 'NFC_TAG_READING',
  'com.apple.developer.networking.vpn.api': 'PERSONAL_VPN',
  'aps-environment': 'PUSH_NOTIFICATIONS',
  'com.apple.developer.aps-environment': 'PUSH_NOTIFICATIONS',
  'com.apple.developer.siri': 'SIRIKIT',
  'com.apple.developer.pass-type-identifiers': 'WALLET',
  'com.apple.external-accessory.wireless-configuration': 'WIRELESS_ACCESSORY_CONFIGURATION',
  'com.apple.developer.default-data-protection': 'DATA_PROTECTION',
  'com.apple.developer.networking.wifi-info': 'ACCESS_WIFI_INFORMATION',
  'com.apple.developer.authentication-services.autofill-credential-provider': 'AUTOFILL_CREDENTIAL_PROVIDER',
  'com.apple.developer.ClassKit-environment': 'CLASSKIT',
  'com.apple.developer.applesignin': 'APPLE_ID_AUTH',
  'com.apple.developer.game-center': 'GAME_CENTER',
  'com.apple.developer.coremedia.hls.low-latency': 'COREMEDIA_HLS_LOW_LATENCY',
  'com.apple.developer.networking.custom-protocol': 'NETWORK_CUSTOM_PROTOCOL',
  'com.apple.developer.system-extension.install': 'SYSTEM_EXTENSION_INSTALL',
  'com.apple.developer.user-management': 'USER_MANAGEMENT',
};

/** The capability an entitlement key needs on the App ID, if the API can enable one for it. */
export function capabilityFor(key: string): CapabilityType | undefined {
  return Object.hasOwn(CAPABILITY_BY_ENTITLEMENT, key) ? CAPABILITY_BY_ENTITLEMENT[key] : undefined;
}

const DATA_PROTECTION_LEVELS: Record<string, string> = {
  NSFileProtectionComplete: 'COMPLETE_PROTECTION',
  NSFileProtectionCompleteUnlessOpen: 'PROTECTED_UNLESS_OPEN',
  NSFileProtectionCompleteUntilFirstUserAuthentication: 'PROTECTED_UNTIL_FIRST_USER_AUTH',
};

export interface RequiredCapability {
  type: CapabilityType;
  entitlement: string;
  settings?: CapabilitySetting[];
}

const setting = (key: string, option: string) =>
  [{ key, options: [{ key: option, enabled: true }] }] as CapabilitySetting[];

/** Why a data protection level cannot be set, or undefined when it can. */
export function dataProtectionProblem(value: unknown): string | undefined {
  if (DATA_PROTECTION_LEVELS[String(value)]) return undefined;
  return `unsupported data protection level (${String(value)}): use one of ${Object.keys(DATA_PROTECTION_LEVELS).join(', ')}`;
}

/**
 * The capabilities a target's entitlements need on its App ID, with upstream's settings. Keys the
 * API has no capability for are left to the entitlement review (entitlements.ts), as is a data
 * protection level the API does not know.
 */
export function requiredCapabilities(entitlements: Record<string, unknown>): RequiredCapability[] {
  const required: RequiredCapability[] = [];
  for (const [key, value] of Object.entries(entitlements)) {
    const type = capabilityFor(key);
    if (!type) continue;
    if (required.some((r) => r.type === type)) continue;
    if (type === 'ICLOUD')
      required.push({ type, entitlement: key, settings: setting('ICLOUD_VERSION', 'XCODE_6') });
    else if (type === 'DATA_PROTECTION') {
      const level = DATA_PROTECTION_LEVELS[String(value)];
      if (!level) continue;
      required.push({ type, entitlement: key, settings: setting('DATA_PROTECTION_PERMISSION_LEVEL', level) });
    } else if (type === 'APPLE_ID_AUTH')
      required.push({
        type,
        entitlement: key,
        settings: setting('APPLE_ID_AUTH_APP_CONSENT', 'PRIMARY_APP_CONSENT'),
      });
    else required.push({ type, entitlement: key });
  }
  return required;
}

/** Whether the App ID's capability satisfies the requirement; iCloud and Data Protection compare settings. */
export function satisfies(existing: BundleIdCapability[], required: RequiredCapability): boolean {
  const found = existing.find((c) => c.attributes.capabilityType === required.type);
  if (!found) return false;
  if (required.type !== 'DATA_PROTECTION') return true;
  const wanted = required.settings?.[0]?.options?.[0]?.key;
  const options = (found.attributes.settings ?? []).flatMap((s) => s.options ?? []);
  // An App ID without settings details (older API answers) is taken as matching.
  if (options.length === 0) return true;
  return options.some((o) => o.key === wanted && o.enabled !== false);
}

export function isAppClip(entitlements: Record<string, unknown>): boolean {
  return 'com.apple.developer.parent-application-identifiers' in entitlements;
}

/**
 * iCloud containers the target uses: only when iCloud services (CloudKit or iCloud Documents)
 * are on, as go-xcode `ICloudContainers` decides.
 */
export function iCloudContainers(entitlements: Record<string, unknown>): string[] {
  const services = entitlements['com.apple.developer.icloud-services'];
  const list = Array.isArray(services)
    ? services.map(String)
    : typeof services === 'string'
      ? [services]
      : [];
  if (!list.some((s) => s === 'CloudKit' || s === 'CloudDocuments' || s === '*')) return [];
  const containers = entitlements['com.apple.developer.icloud-container-identifiers'];
  return Array.isArray(containers) ? containers.map(String) : [];
}
