export type Platform = 'iOS' | 'tvOS' | 'macOS' | 'watchOS' | 'visionOS';

interface PlatformInfo {
  platform: Platform;
  /** The SDK an archive builds against; also the value of PLATFORM_NAME. */
  deviceSdk: string;
  displayName: string;
  /** EFFECTIVE_PLATFORM_NAME: `-iphoneos`, empty for macOS. */
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
