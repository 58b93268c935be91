import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeProfile, type ProvisioningProfile } from './profile.ts';

/** Xcode up to 15 reads the first, Xcode 16 and later the second; we fill both. */
export const PROFILE_DIRS = [
  'Library/MobileDevice/Provisioning Profiles',
  'Library/Developer/Xcode/UserData/Provisioning Profiles',
] as const;

export interface InstallProfileOptions {
  /** The user's home folder (`$HOME`). */
  homeDir: string;
  /**
   * The file's extension, chosen by profile type: `provisionprofile` for macOS and Mac Catalyst
   * profiles, `mobileprovision` for the rest. Xcode refuses a mismatched one. Without it the
   * profile's own Platform decides (`OSX` → `provisionprofile`).
   */
  extension?: 'mobileprovision' | 'provisionprofile';
}

/**
 * Writes the profile as `<UUID>.mobileprovision` (`.provisionprofile` for macOS) into both profile
 * folders, readable by the owner only, replacing a previous copy. Returns the written paths.
 */
export function installProfile(
  profile: ProvisioningProfile | Buffer,
  options: InstallProfileOptions,
): string[] {
  const decoded = Buffer.isBuffer(profile) ? decodeProfile(profile) : profile;
  const extension =
    options.extension ?? (decoded.platform === 'osx' ? 'provisionprofile' : 'mobileprovision');
  return PROFILE_DIRS.map((dir) => {
    const folder = join(options.homeDir, dir);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const path = join(folder, `${decoded.uuid}.${extension}`);
    writeFileSync(path, decoded.der, { mode: 0o600 });
    // The mode above only applies to new files.
    chmodSync(path, 0o600);
    return path;
  });
}
