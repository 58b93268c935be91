import { readPlistFile } from '../../formats/plist.ts';
import type { BuildSettings } from '../build-settings/resolver.ts';

const CONTAINER_KEYS = [
  'com.apple.developer.icloud-container-identifiers',
  'com.apple.developer.ubiquity-container-identifiers',
];

/**
 * A target's entitlements. iCloud container IDs are matched against the portal, so their
 * `$(CFBundleIdentifier)` and other build-setting references are expanded; entries that still
 * cannot be expanded are dropped with a warning, as upstream does. Other values stay as written:
 * `$(AppIdentifierPrefix)` and friends are filled in by the provisioning profile.
 */
export function readEntitlements(
  path: string,
  bundleId: string,
  settings: BuildSettings,
  targetName: string,
  warn: (message: string) => void,
): Record<string, unknown> {
  const entitlements = readPlistFile(path, `entitlements file of target (${targetName})`);
  for (const key of CONTAINER_KEYS) {
    const value = entitlements[key];
    if (!Array.isArray(value)) continue;
    entitlements[key] = value.flatMap((item: unknown) => {
      if (typeof item !== 'string') return [item];
      const before = settings.unresolved.size;
      const expanded = settings.expand(item.replace(/\$[({]CFBundleIdentifier[)}]/g, bundleId));
      if (settings.unresolved.size > before || expanded.includes('$')) {
        warn(`${targetName}: dropping iCloud container ${item}: it uses an undefined build setting`);
        return [];
      }
      return [expanded];
    });
  }
  return entitlements;
}
