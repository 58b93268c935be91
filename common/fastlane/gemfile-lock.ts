import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GemfileLock {
  path: string;
  /** The locked fastlane version, when fastlane is in the bundle. */
  fastlaneVersion?: string;
  /** `BUNDLED WITH`, the bundler version that wrote the lock. */
  bundlerVersion?: string;
}

const LOCKFILE_NAMES = ['Gemfile.lock', 'gems.locked'] as const;

/** Reads `Gemfile.lock`, else `gems.locked`, from the directory; undefined when neither exists. */
export function readGemfileLock(dir: string): GemfileLock | undefined {
  for (const name of LOCKFILE_NAMES) {
    const path = join(dir, name);
    if (existsSync(path)) return { path, ...parseGemfileLock(readFileSync(path, 'utf8')) };
  }
  return undefined;
}

/**
 * Finds the fastlane version in the `specs:` blocks (four-space indented `fastlane (x.y.z)`
 * lines; deeper lines are dependency constraints) and the `BUNDLED WITH` version.
 *
 * Hand-written: the Step needs these two values, which Bundler's lockfile states in two kinds of
 * line. A lockfile library (e.g. `@snyk/gemfile`) would build the whole dependency graph to give
 * them back, and add a dependency for it.
 */
export function parseGemfileLock(text: string): Omit<GemfileLock, 'path'> {
  const lines = text.split(/\r?\n/);
  let fastlaneVersion: string | undefined;
  let bundlerVersion: string | undefined;
  let inSpecs = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^ {2}specs:\s*$/.test(line)) {
      inSpecs = true;
      continue;
    }
    if (/^\S/.test(line)) inSpecs = false;
    if (inSpecs && !fastlaneVersion) {
      const match = /^ {4}fastlane \(([^)]+)\)\s*$/.exec(line);
      if (match) fastlaneVersion = match[1]!.trim();
    }
    if (/^BUNDLED WITH\s*$/.test(line)) bundlerVersion = lines[i + 1]?.trim() || undefined;
  }
  return { fastlaneVersion, bundlerVersion };
}
