import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type EnvItem, envItems, envString, isExpand } from '../step-yml/step-yml.ts';
import { applyEnvItem, type EnvMap } from './env-items.ts';

export interface StoredEnv {
  key: string;
  value: string;
  sensitive: boolean;
  /** Stored without --no-expand: the CLI expands `$VAR` in it for later Steps. */
  expand: boolean;
}

/** The items of an envman store (`envs:` list of `- KEY: value` items with optional opts). */
function readEnvStoreItems(path: string): EnvItem[] {
  if (!existsSync(path)) return [];
  const data = parse(readFileSync(path, 'utf8'), { version: '1.1' }) as { envs?: unknown } | null;
  return envItems(data?.envs);
}

/** Reads an envman store as stored, values unexpanded. */
export function readEnvStore(path: string): StoredEnv[] {
  return readEnvStoreItems(path).map((item) => ({
    key: item.key,
    value: envString(item.value),
    sensitive: item.opts['is_sensitive'] === true,
    expand: isExpand(item.opts),
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

/**
 * Hands a Step's exported items to the environment of later Steps as the CLI does
 * (step-contract.md §2.5): appended in order, with envman's expansion rules, so an item stored
 * without --no-expand has its `$VAR`s replaced. Returns the keys step.yml or the store marked
 * sensitive, for redaction.
 */
export function applyEnvStore(env: EnvMap, path: string, sensitiveOutputs: ReadonlySet<string>): string[] {
  const sensitive: string[] = [];
  for (const item of readEnvStoreItems(path)) {
    applyEnvItem(env, item);
    if (item.opts['is_sensitive'] === true || sensitiveOutputs.has(item.key)) sensitive.push(item.key);
  }
  return sensitive;
}
