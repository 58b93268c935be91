export type Platform = 'iOS' | 'tvOS' | 'macOS' | 'watchOS' | 'visionOS' | 'Mac Catalyst';

export interface PlatformInfo {
  platform: Platform;
  /** The SDK an archive builds against; also the value of PLATFORM_NAME. */
  deviceSdk: string;
  displayName: string;
  /** EFFECTIVE_PLATFORM_NAME: `-iphoneos`, `-maccatalyst`, empty for macOS. */
  effectivePlatformName: string;
}

const PLATFORMS: { prefixes: string[]; info: PlatformInfo }[] = [
  {
    prefixes: ['iphoneos', 'iphonesimulator'],
    info: { platform: 'iOS', deviceSdk: 'iphoneos', displayName: 'iOS', effectivePlatformName: '-iphoneos' },
  },
  {
    prefixes: ['appletvos', 'appletvsimulator'],
    info: {
      platform: 'tvOS',
      deviceSdk: 'appletvos',
      displayName: 'tvOS',
      effectivePlatformName: '-appletvos',
    },
  },
  {
    prefixes: ['watchos', 'watchsimulator'],
    info: {
      platform: 'watchOS',
      deviceSdk: 'watchos',
      displayName: 'watchOS',
      effectivePlatformName: '-watchos',
    },
  },
  {
    prefixes: ['xros', 'xrsimulator'],
    info: {
      platform: 'visionOS',
      deviceSdk: 'xros',
      displayName: 'visionOS',
      effectivePlatformName: '-xros',
    },
  },
  {
    prefixes: ['macosx'],
    info: { platform: 'macOS', deviceSdk: 'macosx', displayName: 'macOS', effectivePlatformName: '' },
  },
];

/**
 * An iOS target's Mac build (SUPPORTS_MACCATALYST): it builds with the macOS SDK, so
 * `[sdk=macosx*]` conditions apply, but it is an iOS app signed with an iOS App ID.
 */
export const MAC_CATALYST: PlatformInfo = {
  platform: 'Mac Catalyst',
  deviceSdk: 'macosx',
  displayName: 'macOS',
  effectivePlatformName: '-maccatalyst',
};

/** Matches an SDK name (`iphoneos`, `iphoneos17.2`) or an SDK path (`…/iPhoneOS.sdk`). */
function fromSdk(sdk: string): PlatformInfo | undefined {
  const name = sdk
    .toLowerCase()
    .replace(/^.*\//, '')
    .replace(/\.sdk$/, '');
  return PLATFORMS.find((p) => p.prefixes.some((prefix) => name.startsWith(prefix)))?.info;
}

/**
 * The platform a target builds for: SDKROOT, or, for multiplatform targets (`SDKROOT = auto`),
 * the first platform in SUPPORTED_PLATFORMS.
 */
export function detectPlatform(
  sdkroot: string | undefined,
  supportedPlatforms: string | undefined,
): PlatformInfo | undefined {
  const direct = sdkroot ? fromSdk(sdkroot) : undefined;
  if (direct) return direct;
  for (const sdk of (supportedPlatforms ?? '').split(/\s+/).filter(Boolean)) {
    const info = fromSdk(sdk);
    if (info) return info;
  }
  return undefined;
}

/**
 * Every platform a target's archive can be made for, the primary one first: SDKROOT's, each
 * device platform in SUPPORTED_PLATFORMS (a multiplatform target, or an iOS target with visionOS
 * added), and Mac Catalyst when an iOS target sets SUPPORTS_MACCATALYST and does not build for
 * macOS natively (Xcode offers one Mac destination, the native one wins).
 */
export function targetPlatforms(
  primary: PlatformInfo,
  supportedPlatforms: string | undefined,
  supportsMacCatalyst: string | undefined,
): PlatformInfo[] {
  const found: PlatformInfo[] = [primary];
  for (const sdk of (supportedPlatforms ?? '').split(/\s+/).filter(Boolean)) {
    const info = fromSdk(sdk);
    if (info && !found.some((f) => f.platform === info.platform)) found.push(info);
  }
  const nativeMac = found.some((f) => f.platform === 'macOS');
  if (primary.platform === 'iOS' && isYes(supportsMacCatalyst) && !nativeMac) found.push(MAC_CATALYST);
  return found;
}

/** Build settings spell booleans YES/NO (any case). */
export function isYes(value: string | undefined): boolean {
  return /^(yes|true|1)$/i.test(value?.trim() ?? '');
}
