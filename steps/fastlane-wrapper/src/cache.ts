import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Dependency folders that are rebuilt on every build and never hold sources worth scanning.
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'Pods', 'Carthage', 'build', 'DerivedData']);

/**
 * Cache entries in Bitrise's `<path> -> <indicator>` form: each `Pods` folder keyed by its
 * `Podfile.lock`, each `Carthage` folder by its `Cartfile.resolved`.
 */
export function dependencyCachePaths(root: string, maxDepth = 6): string[] {
  const entries: string[] = [];
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const [lock, folder] of [
      ['Podfile.lock', 'Pods'],
      ['Cartfile.resolved', 'Carthage'],
    ] as const) {
      if (names.includes(lock) && existsSync(join(dir, folder)))
        entries.push(`${join(dir, folder)} -> ${join(dir, lock)}`);
    }
    if (depth >= maxDepth) return;
    for (const name of names) {
      if (SKIPPED_DIRS.has(name) || name.startsWith('.')) continue;
      const child = join(dir, name);
      try {
        if (readdirSync(child, { withFileTypes: true }) && dirname(child) === dir) walk(child, depth + 1);
      } catch {
        // not a directory
      }
    }
  };
  walk(root, 0);
  return entries.sort();
}

/** Appends entries to an existing newline-separated list, without repeating any. */
export function appendPaths(existing: string | undefined, added: string[]): string {
  const lines = (existing ?? '').split('\n').filter(Boolean);
  for (const entry of added) if (!lines.includes(entry)) lines.push(entry);
  return lines.join('\n');
}
