import type { DistributionType } from '../config.ts';
import type { ProfileFamily } from '../platforms.ts';

// Upstream's names for what the Step creates on the portal, so that profiles and App IDs made by
// the official Step are found and reused (and the other way round).

/**
 * `[Wildcard ]Bitrise <iOS|tvOS> <distribution> - (<bundle id without .*>)` (go-xcode `ProfileName`);
 * macOS and Mac Catalyst profiles say `macOS` and `Mac Catalyst`, so one App ID's iOS and Mac
 * profiles have different names, as Apple requires.
 */
export function profileName(family: ProfileFamily, type: DistributionType, bundleId: string): string {
  const wildcard = bundleId.endsWith('.*');
  return `${wildcard ? 'Wildcard ' : ''}Bitrise ${family} ${type} - (${bundleId.replace('.*', '')})`;
}

/** `[Wildcard ]Bitrise <id with . _ - * as spaces>` (go-xcode `appIDName`), trimmed. */
export function appIdName(bundleId: string): string {
  const wildcard = bundleId.endsWith('.*');
  return `${wildcard ? 'Wildcard ' : ''}Bitrise ${bundleId.replace(/[._\-*]/g, ' ')}`.trim();
}

/** The last component becomes `*`: `com.example.app.uitests` → `com.example.app.*`. */
export function wildcardBundleId(bundleId: string): string {
  const parts = bundleId.split('.');
  return parts.length > 1 ? [...parts.slice(0, -1), '*'].join('.') : '*';
}
