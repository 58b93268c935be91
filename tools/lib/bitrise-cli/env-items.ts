import { type EnvItem, envString, isExpand } from '../step-yml/step-yml.ts';
import { goExpand } from './expand.ts';

export type EnvMap = Map<string, string>;

/**
 * Applies env items to an environment in order, as envman does (step-contract.md §2.4):
 * `unset` removes, `skip_if_empty` keeps the previous value for "", `is_expand` (default true)
 * expands against everything accumulated so far; unknown variables become "".
 */
export function applyEnvItem(env: EnvMap, item: Pick<EnvItem, 'key' | 'value' | 'opts'>): void {
  if (item.opts['unset'] === true) {
    env.delete(item.key);
    return;
  }
  const raw = envString(item.value);
  if (item.opts['skip_if_empty'] === true && raw === '') return;
  env.set(item.key, isExpand(item.opts) ? goExpand(raw, (name) => env.get(name) ?? '') : raw);
}
