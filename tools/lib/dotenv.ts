import { parse } from 'envfile';

/**
 * Writes KEY=value lines. A value envfile cannot read back unchanged (newlines, quotes,
 * surrounding spaces, `#`) is written double-quoted with \n, \" and \\ escapes, the dotenv
 * convention most loaders (and `set -a; source`) understand.
 */
export function stringifyDotenv(entries: Array<[string, string]>): string {
  return entries.map(([key, value]) => `${key}=${needsQuotes(value) ? quote(value) : value}\n`).join('');
}

function needsQuotes(value: string): boolean {
  return /[\n\r"'#\\$`]/.test(value) || value !== value.trim();
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\$/g, '\\$').replace(/`/g, '\\`')}"`;
}

/** Reads an env file with envfile (KEY=value or KEY: value lines; quotes are dropped). */
export function parseEnvFile(text: string): Record<string, string> {
  return parse(text) as Record<string, string>;
}
