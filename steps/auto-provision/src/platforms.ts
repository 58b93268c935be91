/**
 * What signing each Apple platform takes, from Apple's OpenAPI enums and the tables of fastlane,
 * go-xcode and Codemagic (../shared/reference/apple-platforms.md): profile types, App ID platform,
 * certificate types, the device classes a profile may list, and the profile file's extension.
 */
import type { Platform } from '../../../common/codesign/index.ts';
import type {
  BundleIdPlatform,
  CertificateType,
  DeviceClass,
  ProfileType,
} from '../../../common/portal/index.ts';
import type { DistributionType } from './config.ts';

/**
 * The kind of profile a platform signs with, which also names the profile: watchOS and visionOS
 * have no profile types of their own and sign with iOS profiles.
 */
export type ProfileFamily = 'iOS' | 'tvOS' | 'macOS' | 'Mac Catalyst';

export const PROFILE_FAMILY: Record<Platform, ProfileFamily> = {
  iOS: 'iOS',
  watchOS: 'iOS',
  visionOS: 'iOS',
  tvOS: 'tvOS',
  macOS: 'macOS',
  'Mac Catalyst': 'Mac Catalyst',
};

/** Mac Catalyst signs with the iOS app's App ID; only native macOS apps have MAC_OS ones. */
export const APP_ID_PLATFORM: Record<ProfileFamily, Exclude<BundleIdPlatform, 'UNIVERSAL'>> = {
  iOS: 'IOS',
  tvOS: 'IOS',
  macOS: 'MAC_OS',
  'Mac Catalyst': 'IOS',
};

/** Apple's profile type for each family and distribution; a missing entry has no such profile. */
export const PROFILE_TYPES: Record<ProfileFamily, Partial<Record<DistributionType, ProfileType>>> = {
  iOS: {
    development: 'IOS_APP_DEVELOPMENT',
    'app-store': 'IOS_APP_STORE',
    'ad-hoc': 'IOS_APP_ADHOC',
    enterprise: 'IOS_APP_INHOUSE',
  },
  tvOS: {
    development: 'TVOS_APP_DEVELOPMENT',
    'app-store': 'TVOS_APP_STORE',
    'ad-hoc': 'TVOS_APP_ADHOC',
    enterprise: 'TVOS_APP_INHOUSE',
  },
  macOS: {
    development: 'MAC_APP_DEVELOPMENT',
    'app-store': 'MAC_APP_STORE',
    'developer-id': 'MAC_APP_DIRECT',
  },
  'Mac Catalyst': {
    development: 'MAC_CATALYST_APP_DEVELOPMENT',
    'app-store': 'MAC_CATALYST_APP_STORE',
    'developer-id': 'MAC_CATALYST_APP_DIRECT',
  },
};

/** Why a family has no profile of a distribution type, for the warning that skips it. */
export function noProfileTypeReason(family: ProfileFamily, type: DistributionType): string {
  if (type === 'developer-id') return `Developer ID is for macOS apps; ${family} apps are not signed with it`;
  if (type === 'ad-hoc')
    return `${family} has no ad hoc profiles: sign it for developer-id to share it outside the App Store`;
  return `${family} has no ${type} profiles`;
}

const isMac = (family: ProfileFamily) => family === 'macOS' || family === 'Mac Catalyst';

/**
 * The portal certificate types a profile may contain (fastlane sigh): the Apple Development and
 * Apple Distribution certificates serve every platform, the legacy ones theirs only, Developer ID
 * its own.
 */
export function certificateTypes(family: ProfileFamily, type: DistributionType): CertificateType[] {
  if (type === 'development')
    return ['DEVELOPMENT', isMac(family) ? 'MAC_APP_DEVELOPMENT' : 'IOS_DEVELOPMENT'];
  if (type === 'developer-id') return ['DEVELOPER_ID_APPLICATION', 'DEVELOPER_ID_APPLICATION_G2'];
  return ['DISTRIBUTION', isMac(family) ? 'MAC_APP_DISTRIBUTION' : 'IOS_DISTRIBUTION'];
}

/** What to upload when no certificate of a profile's types is there, in Apple's names. */
export function certificateToUpload(family: ProfileFamily, type: DistributionType): string {
  if (type === 'development') return 'an Apple Development certificate';
  if (type === 'developer-id') return 'a Developer ID Application certificate';
  if (type === 'enterprise') return 'an Apple Distribution (In-House) certificate of the enterprise team';
  return `an Apple Distribution certificate${isMac(family) ? ' (or a 3rd Party Mac Developer Application one)' : ''}`;
}

/** Only development and ad hoc profiles list devices; App Store, in-house and Developer ID ones do not. */
export const listsDevices = (type: DistributionType): boolean => type === 'development' || type === 'ad-hoc';

const MACS: DeviceClass[] = ['MAC', 'APPLE_SILICON_MAC' as DeviceClass, 'INTEL_MAC' as DeviceClass];

/** The device classes Apple accepts in a development or ad hoc profile of each family. */
export const DEVICE_CLASSES: Record<ProfileFamily, readonly DeviceClass[]> = {
  iOS: ['IPHONE', 'IPAD', 'IPOD', 'APPLE_WATCH', 'APPLE_VISION_PRO'],
  tvOS: ['APPLE_TV'],
  macOS: MACS,
  'Mac Catalyst': MACS,
};

/** The platform devices of each family are registered under. */
export const DEVICE_PLATFORM: Record<ProfileFamily, 'IOS' | 'MAC_OS'> = {
  iOS: 'IOS',
  tvOS: 'IOS',
  macOS: 'MAC_OS',
  'Mac Catalyst': 'MAC_OS',
};

/**
 * The devices each TARGETED_DEVICE_FAMILY runs on: an iPhone app also runs on iPads (and is tried
 * there), a Vision Pro runs iPad apps.
 */
const FAMILY_CLASSES: Record<number, readonly DeviceClass[]> = {
  1: ['IPHONE', 'IPOD', 'IPAD'],
  2: ['IPAD', 'APPLE_VISION_PRO'],
  3: ['APPLE_TV'],
  4: ['APPLE_WATCH'],
  6: MACS,
  7: ['APPLE_VISION_PRO'],
};

/**
 * The device classes a profile for these target families should list: the family's classes the
 * targets run on, or, when the targets name none of them, every class the family allows.
 */
export function deviceClassesFor(family: ProfileFamily, deviceFamilies: readonly number[]): DeviceClass[] {
  const allowed = DEVICE_CLASSES[family];
  const wanted = new Set(deviceFamilies.flatMap((f) => FAMILY_CLASSES[f] ?? []));
  const narrowed = allowed.filter((c) => wanted.has(c));
  return narrowed.length > 0 ? narrowed : [...allowed];
}

/** Xcode refuses a mismatched extension; the type decides, as a profile's own platform can say UNIVERSAL. */
export const profileExtension = (family: ProfileFamily): 'mobileprovision' | 'provisionprofile' =>
  isMac(family) ? 'provisionprofile' : 'mobileprovision';

/** The `Platform` a profile of the family carries, lower-cased as the decoded profile gives it first. */
export const PROFILE_PLATFORM: Record<ProfileFamily, string> = {
  iOS: 'ios',
  tvOS: 'tvos',
  macOS: 'osx',
  'Mac Catalyst': 'osx',
};

/** The `[sdk=…]` condition of each platform's builds, for per-SDK signing settings. */
export const SDK_CONDITION: Record<Platform, string> = {
  iOS: 'iphoneos*',
  watchOS: 'watchos*',
  visionOS: 'xros*',
  tvOS: 'appletvos*',
  macOS: 'macosx*',
  'Mac Catalyst': 'macosx*',
};

/** Names the `platforms` input accepts (any case), for each platform. */
export const PLATFORM_NAMES: Record<string, Platform> = {
  ios: 'iOS',
  ipados: 'iOS',
  watchos: 'watchOS',
  tvos: 'tvOS',
  visionos: 'visionOS',
  xros: 'visionOS',
  macos: 'macOS',
  'mac-catalyst': 'Mac Catalyst',
  catalyst: 'Mac Catalyst',
  maccatalyst: 'Mac Catalyst',
};

/** What the table calls a target's platform: an iOS target that runs on iPads only is iPadOS. */
export function platformLabel(platform: Platform, deviceFamilies: readonly number[]): string {
  if (platform === 'iOS' && deviceFamilies.length > 0 && deviceFamilies.every((f) => f === 2))
    return 'iPadOS';
  return platform;
}
