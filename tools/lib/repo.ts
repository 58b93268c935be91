import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root. Both this file (tools/lib/) and the bundled CLI (tools/dist/) sit two
 * levels below it, so the same expression works from source and from the bundle.
 */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every Step folder that has a step.yml, sorted; a Step still without src/ counts too. */
export function stepFolders(root = REPO_ROOT): string[] {
  const stepsDir = join(root, 'steps');
  if (!existsSync(stepsDir)) return [];
  return readdirSync(stepsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(stepsDir, d.name, 'step.yml')))
    .map((d) => d.name)
    .sort();
}

/** What a command prints; tests pass a collector. */
export interface Out {
  log(text: string): void;
  error(text: string): void;
}

export const consoleOut: Out = {
  log: (text) => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};
