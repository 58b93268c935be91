/**
 * Apple's October 2024 sign-in change (SRP, fastlane#26368): older fastlane versions fail to sign in
 * with "503 Service Temporarily Unavailable" as soon as a session has to be renewed.
 */
export const MIN_WORKING_FASTLANE = '2.225.0';

/** `a < b` for dotted versions; a pre-release suffix (`2.225.0.rc1`) counts as the version before it. */
function older(a: string, b: string): boolean {
  const parts = (v: string) => v.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : -1));
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? 0, y[i] ?? 0];
    if (p !== q) return p < q;
  }
  return false;
}

/**
 * The warning for a fastlane that cannot sign in any more, or undefined when `version` is recent
 * enough or unknown. `lockfile` is the Gemfile.lock that pins it; without one it is the installed fastlane.
 */
export function oldFastlaneWarning(
  version: string | undefined,
  lockfile: string | undefined,
): string | undefined {
  if (!version || !/^\d+(\.\d+)*/.test(version) || !older(version, MIN_WORKING_FASTLANE)) return undefined;
  const where = lockfile ? `pinned in ${lockfile}` : 'installed';
  const fix = lockfile
    ? 'run `bundle update fastlane` and commit the Gemfile.lock'
    : 'pin a newer one in a Gemfile and run `bundle update fastlane`, or install it with `gem install fastlane`';
  return `fastlane ${version} (${where}) is older than ${MIN_WORKING_FASTLANE}: since Apple's October 2024 sign-in change (fastlane#26368) it fails with "503 Service Temporarily Unavailable" once the Apple ID session needs renewing. To update it, ${fix}`;
}
