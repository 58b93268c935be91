import { parseEnv } from 'node:util';

/*
 * Every env file the tools read (`steps run --env-file`) or write (the outputs file of
 * `steps run` and `npm start`) uses ONE grammar: Node's own dotenv grammar, the one behind
 * `node --env-file` and `util.parseEnv`. It is documented at
 * https://nodejs.org/api/environment_variables.html#dotenv (the specification),
 * https://nodejs.org/api/util.html#utilparseenvcontent and, for the Node 20 line this project
 * supports, https://nodejs.org/docs/latest-v20.x/api/cli.html#--env-fileconfig.
 * In short: KEY=value, one pair a line; `#` starts a comment outside quotes; unquoted values
 * are trimmed; a value in '…', "…" or `…` runs to the next same quote (line breaks included)
 * with no escapes, except that "…" turns the two characters \n into a line break; `$` is never
 * expanded; and every carriage return in the file is dropped.
 *
 * Reading is Node's own parser. Writing is ours because no library writes this grammar: Node has no
 * stringify, and `envfile`'s stringify quotes a value only when it holds a line break and escapes
 * neither `#` nor surrounding spaces, so such values would not read back as written.
 */

/** Reads an env file with Node's dotenv parser (`util.parseEnv`); the last of repeated keys wins. */
export function parseEnvFile(text: string): Record<string, string> {
  return { ...parseEnv(text) } as Record<string, string>;
}

/**
 * Writes one KEY=value line per entry that `parseEnvFile` reads back unchanged. The grammar
 * has no escapes, so each value is written bare when it reads back as itself, else inside the
 * first quote kind that does (', then ", then `); every choice is checked against the real
 * parser. A value no spelling carries, such as one with a carriage return, throws naming its key.
 */
export function stringifyDotenv(entries: Array<[string, string]>): string {
  return entries.map(([key, value]) => dotenvLine(key, value)).join('');
}

function dotenvLine(key: string, value: string): string {
  // Never bare: a value starting with a quote (the parser would run to that quote's next use
  // anywhere later in the file, so it reads back only as the last line), nor one with
  // surrounding whitespace (Node 20 trims only spaces there, later versions tabs too).
  const bare = /^['"`]|^\s|\s$/.test(value) ? [] : [value];
  for (const spelling of [...bare, `'${value}'`, `"${value}"`, `\`${value}\``]) {
    const line = `${key}=${spelling}\n`;
    if (readsBackAs(line, key, value)) return line;
  }
  throw new Error(`cannot write ${JSON.stringify(key)} to a dotenv file: ${unwritableReason(key, value)}`);
}

function readsBackAs(line: string, key: string, value: string): boolean {
  const read = parseEnv(line);
  return Object.keys(read).length === 1 && read[key] === value;
}

function unwritableReason(key: string, value: string): string {
  if (!readsBackAs(`${key}=x\n`, key, 'x')) return 'Node reads that name as a different key or none';
  if (value.includes('\r')) return "its value has a carriage return, which Node's dotenv parser drops";
  if (/\p{Surrogate}/u.test(value)) return 'its value is not well-formed Unicode';
  return (
    'its value has all three quote kinds (\', " or a literal \\n, and `) so it cannot be quoted, ' +
    'and it cannot go bare: it has a #, a line break, surrounding whitespace or a leading quote'
  );
}
