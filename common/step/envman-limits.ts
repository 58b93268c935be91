import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** envman's default per-value limit since 2.3.2 (step-contract.md §2.5). */
const DEFAULT_VALUE_LIMIT_KB = 256;

/**
 * The per-value size envman accepts, in bytes; 0 means unlimited. Like envman:
 * ENVMAN_ENV_BYTES_LIMIT_IN_KB wins over `~/.envman/configs.json` (`env_bytes_limit_in_kb`),
 * which wins over the default; a limit of 0 or less disables the check.
 */
export function envmanValueLimitBytes(env: Record<string, string | undefined>): number {
  const kb =
    wholeNumber(env['ENVMAN_ENV_BYTES_LIMIT_IN_KB']) ??
    configuredLimitKb(env['HOME'] || homedir()) ??
    DEFAULT_VALUE_LIMIT_KB;
  return kb > 0 ? kb * 1024 : 0;
}

function configuredLimitKb(home: string): number | undefined {
  try {
    const configs = JSON.parse(readFileSync(join(home, '.envman', 'configs.json'), 'utf8')) as {
      env_bytes_limit_in_kb?: unknown;
    };
    const value = configs.env_bytes_limit_in_kb;
    return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function wholeNumber(text: string | undefined): number | undefined {
  return text !== undefined && /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}
