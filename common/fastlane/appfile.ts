import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Appfile keys that name a team (fastlane's CredentialsManager::AppfileConfig). */
const TEAM_KEYS = ['team_id', 'team_name', 'itc_team_id', 'itc_team_name'] as const;
export type AppfileTeamKey = (typeof TEAM_KEYS)[number];

export interface AppfileTeams {
  path: string;
  values: Partial<Record<AppfileTeamKey, string>>;
}

/** `fastlane/Appfile` (or `.fastlane/Appfile`) under the working directory; undefined without one. */
export function readAppfileTeams(workDir: string): AppfileTeams | undefined {
  for (const dir of ['fastlane', '.fastlane']) {
    const path = join(workDir, dir, 'Appfile');
    if (existsSync(path)) return { path, values: parseAppfileTeams(readFileSync(path, 'utf8')) };
  }
  return undefined;
}

const CALL = new RegExp(
  `^(${TEAM_KEYS.join('|')})(?:\\s*\\(\\s*|\\s+)(?:"((?:[^"\\\\]|\\\\.)*)"|'((?:[^'\\\\]|\\\\.)*)'|(\\d+))\\s*\\)?$`,
);

/**
 * The team keys an Appfile sets for every lane. An Appfile is Ruby, and fastlane evaluates it; this
 * reads only its plain top-level forms, which is what Appfiles hold in practice:
 * `team_id "ABCDE12345"`, `team_id("ABCDE12345")`, `itc_team_name 'Team'`, `itc_team_id 123456`,
 * with `#` comments. Limits, deliberate: values inside `for_platform` / `for_lane` blocks are left
 * out (they apply to some lanes only), a value computed by Ruby (`ENV["X"]`, a variable, string
 * interpolation) is not evaluated, and when a key is set twice the last plain value wins, as in Ruby.
 * Hand-written because no JavaScript library reads Ruby DSL files.
 */
export function parseAppfileTeams(text: string): Partial<Record<AppfileTeamKey, string>> {
  const values: Partial<Record<AppfileTeamKey, string>> = {};
  let depth = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = stripComment(raw).trim();
    if (!line) continue;
    if (/\bdo(\s*\|[^|]*\|)?$/.test(line) || /^(if|unless|case|begin|while|until)\b/.test(line)) {
      depth++;
      continue;
    }
    if (/^end\b/.test(line)) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth > 0) continue;
    const match = CALL.exec(line);
    // A double-quoted string with `#{…}` is computed by Ruby.
    if (!match || match[2]?.includes('#{')) continue;
    const quoted = match[2] ?? match[3];
    values[match[1] as AppfileTeamKey] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : match[4]!;
  }
  return values;
}

/** The line without a trailing `# comment`, minding `#` inside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '#') return line.slice(0, i);
  }
  return line;
}
