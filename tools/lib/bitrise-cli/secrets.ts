import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type EnvItem, envItems } from '../step-yml/step-yml.ts';

/** Reads `.bitrise.secrets.yml`: an `envs:` list of env items, like the CLI's --inventory. */
export function readSecrets(path: string): EnvItem[] {
  if (!existsSync(path)) return [];
  const data = parse(readFileSync(path, 'utf8'), { version: '1.1' }) as { envs?: unknown } | null;
  const items = envItems(data?.envs);
  const bad = items.find((item) => item.shapeError);
  if (bad) throw new Error(`${path}: envs[${bad.index}]: ${bad.shapeError}`);
  return items;
}
