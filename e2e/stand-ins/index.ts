import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of recording stand-ins; put it first on PATH. */
export const STAND_INS_DIR = dirname(fileURLToPath(import.meta.url));

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
