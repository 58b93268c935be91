import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';
import type { Out } from '../lib/repo.ts';

export const FIXTURES = resolve(import.meta.dirname, 'fixtures');

/** An Out that keeps every line, for assertions. */
export function collect(): Out & { lines: string[]; text: () => string } {
  const lines: string[] = [];
  return {
    lines,
    log: (text) => lines.push(text),
    error: (text) => lines.push(text),
    text: () => lines.join('\n'),
  };
}

/** A temporary directory removed after the current test. */
export function tempDir(prefix = 'steps-tools-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A temporary repo root holding copies of fixture Steps under steps/. */
export function fixtureRoot(...ids: string[]): string {
  const root = tempDir();
  for (const id of ids) cpSync(join(FIXTURES, 'steps', id), join(root, 'steps', id), { recursive: true });
  return root;
}
