import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseSettingKey, type Setting } from './setting.ts';

export interface XcconfigOptions {
  /** Told about missing or unreadable files; an optional include (`#include?`) is silent. */
  warn?: (message: string) => void;
}

/**
 * Reads an `.xcconfig` with its `#include`s (relative to the including file) into assignments in
 * the order Xcode applies them. A missing file is a warning, not an error: CocoaPods' xcconfigs,
 * for one, only exist after `pod install`.
 *
 * Hand-written because no maintained npm package reads xcconfig files (includes, optional
 * includes, conditional keys such as `KEY[sdk=iphoneos*]`); the format is line-based and small.
 */
export function readXcconfig(
  path: string,
  options: XcconfigOptions = {},
  seen = new Set<string>(),
): Setting[] {
  const file = resolve(path);
  if (seen.has(file)) return [];
  seen.add(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    options.warn?.(`xcconfig not found: ${file}`);
    return [];
  }
  const settings: Setting[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = stripComment(rawLine).trim();
    if (!line) continue;
    const include = /^#include(\?)?\s+"([^"]+)"/.exec(line);
    if (include) {
      const target = include[2]!;
      // `<DEVELOPER_DIR>/…` includes belong to Xcode itself.
      if (target.startsWith('<')) continue;
      const includePath = resolve(dirname(file), target);
      const nested = readXcconfig(includePath, include[1] ? {} : options, seen);
      settings.push(...nested);
      continue;
    }
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])*)\s*=(.*)$/.exec(line);
    if (!assignment) continue;
    const value = assignment[2]!.trim().replace(/;$/, '').trim();
    settings.push({ ...parseSettingKey(assignment[1]!), value });
  }
  return settings;
}

/** `//` starts a comment anywhere on a line in xcconfig files (URLs need `/$()/`). */
function stripComment(line: string): string {
  const at = line.indexOf('//');
  return at < 0 ? line : line.slice(0, at);
}
