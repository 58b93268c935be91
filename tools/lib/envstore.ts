import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { envItems, envString } from './step-yml.ts';

export interface StoredEnv {
  key: string;
  value: string;
  sensitive: boolean;
}

/** Reads an envman store (`envs:` list of `- KEY: value` items with optional opts). */
export function readEnvStore(path: string): StoredEnv[] {
  if (!existsSync(path)) return [];
  const data = parse(readFileSync(path, 'utf8'), { version: '1.1' }) as { envs?: unknown } | null;
  return envItems(data?.envs).map((item) => ({
    key: item.key,
    value: envString(item.value),
    sensitive: item.opts['is_sensitive'] === true,
  }));
}

/** The last value per key wins, as for later Steps under the CLI. */
export function latestByKey(envs: StoredEnv[]): StoredEnv[] {
  const byKey = new Map<string, StoredEnv>();
  for (const env of envs) {
    byKey.delete(env.key);
    byKey.set(env.key, env);
  }
  return [...byKey.values()];
}
