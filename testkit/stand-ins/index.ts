import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of recording stand-ins; put it first on PATH. */
export const STAND_INS_DIR = dirname(fileURLToPath(import.meta.url));

/** Tools the Steps call that a Linux dev machine lacks; the stand-ins here replace them. */
export const STAND_IN_TOOLS = ['fastlane', 'bundle', 'gem', 'security', 'xcodebuild', 'sudo'] as const;

/** What the stand-ins answer unless the caller's environment says otherwise (see record.mjs). */
export const STAND_IN_DEFAULTS: Record<string, string> = {
  STAND_IN_XCODEBUILD_VERSION: '15.4 15F31d',
  STAND_IN_FASTLANE_STDOUT: 'fastlane 2.228.0',
};

export interface Recording {
  tool: string;
  argv: string[];
  cwd: string;
  stdin: string;
  env: Record<string, string>;
  files: Record<string, { path: string; mode: number; content: string }>;
  at: number;
}

export function readRecordings(logPath: string): Recording[] {
  let text = '';
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Recording);
}

export function standInPath(tool: string): string {
  return join(STAND_INS_DIR, tool);
}
