#!/usr/bin/env node
// An envman for running Steps without the Bitrise CLI (`steps run`, the e2e harness and the
// workflow runner put this folder first on PATH). It follows envman 2.4.x's rules
// (bitrise-io/envman cli/add.go, envman/configs.go; step-contract.md §2.5), not what our Steps
// happen to send, so a Step that works here works under the real CLI:
//
//   envman [-p|--path STORE] [-l|--loglevel L] [-t|--tool] add --key K
//          [--value V] [--valuefile F] [--no-expand] [--append] [--skip-if-empty] [--sensitive]
//     - the value is --value when given; if that is empty, the --valuefile's content; if still
//       empty, stdin ONLY when stdin is a named pipe (FIFO). A socket, file or terminal on stdin
//       is ignored and "" is stored;
//     - a value over the per-value limit, or a list over the list limit, is refused with exit 1.
//       Limits: ENVMAN_ENV_BYTES_LIMIT_IN_KB / ENVMAN_ENV_LIST_BYTES_LIMIT_IN_KB, else
//       ~/.envman/configs.json (env_bytes_limit_in_kb / env_list_bytes_limit_in_kb), else 256 KB;
//       0 or less disables a limit;
//     - without --append an existing item of the key is replaced where it stands; with it, added.
//   envman print     KEY=value lines (sensitive values masked)
//   envman clear     empties the store
//
// The store is YAML (`envs:` list, opts only where not default) at --path, else
// $ENVMAN_ENVSTORE_PATH, else ./.envstore.yml. Expansion of values stored with is_expand is the
// CLI's job when it hands the list to later Steps, not envman's.
//
// Why hand-written: envman is a Go program with no JavaScript port, and what matters here is its
// rules (where a value comes from, FIFO-only stdin, the size limits, replace-in-place), which no
// library knows. The store itself is read and written with the `yaml` package in YAML 1.1, the
// dialect of envman's gopkg.in/yaml.v2; only the flag parsing is ours, because urfave/cli's rules
// (`--flag=value`, short aliases, flags after the command) differ from yargs' defaults.
import { existsSync, fstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

const DEFAULT_LIMIT_KB = 256;

function fail(message) {
  process.stderr.write(`envman: ${message}\n`);
  process.exit(1);
}

function readStore(storePath) {
  if (!existsSync(storePath)) return [];
  const data = parse(readFileSync(storePath, 'utf8'), { version: '1.1' }) ?? {};
  return Array.isArray(data.envs) ? data.envs : [];
}

function writeStore(storePath, envs) {
  mkdirSync(dirname(storePath), { recursive: true });
  writeFileSync(storePath, stringify({ envs }, { version: '1.1', lineWidth: 0, indentSeq: false }));
}

function itemKey(item) {
  return Object.keys(item).find((k) => k !== 'opts');
}

function itemValue(item) {
  const value = item[itemKey(item)];
  return value === null || value === undefined ? '' : String(value);
}

/** `--flag value`, `--flag=value` and the short aliases, as urfave/cli parses them. */
function parseFlags(args, spec) {
  const flags = {};
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const match = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!match) {
      rest.push(...args.slice(i));
      break;
    }
    const name = spec.aliases[match[1]] ?? match[1];
    if (spec.booleans.includes(name)) flags[name] = match[2] === undefined ? true : match[2] !== 'false';
    else if (spec.strings.includes(name)) {
      if (match[2] === undefined && i + 1 >= args.length) fail(`flag needs an argument: ${arg}`);
      flags[name] = match[2] ?? args[++i];
    } else fail(`flag provided but not defined: ${arg}`);
  }
  return { flags, rest };
}

function stdinIsNamedPipe() {
  try {
    return fstatSync(0).isFIFO();
  } catch {
    return false;
  }
}

function limitKb(envKey, configKey) {
  const fromEnv = process.env[envKey];
  if (fromEnv !== undefined && /^-?\d+$/.test(fromEnv.trim())) return Number(fromEnv.trim());
  try {
    const configs = JSON.parse(
      readFileSync(join(process.env.HOME || homedir(), '.envman', 'configs.json'), 'utf8'),
    );
    if (Number.isInteger(configs[configKey])) return configs[configKey];
  } catch {
    // no or unreadable configs.json: the default applies
  }
  return DEFAULT_LIMIT_KB;
}

function add(storePath, args) {
  const { flags, rest } = parseFlags(args, {
    aliases: { k: 'key', v: 'value', f: 'valuefile', n: 'no-expand', a: 'append' },
    booleans: ['no-expand', 'append', 'skip-if-empty', 'sensitive'],
    strings: ['key', 'value', 'valuefile'],
  });
  if (rest.length > 0) fail(`add: unexpected argument: ${rest[0]}`);
  const key = flags.key ?? '';
  let value = flags.value ?? '';
  if (value === '' && flags.valuefile) {
    try {
      value = readFileSync(flags.valuefile, 'utf8');
    } catch (err) {
      fail(`[ENVMAN] Failed to read env var value from file: ${err.message}`);
    }
  }
  if (value === '' && stdinIsNamedPipe()) value = readFileSync(0, 'utf8');
  if (key === '') fail('[ENVMAN] Failed to add env var: key is not specified, required');

  const envs = readStore(storePath);
  const size = Buffer.byteLength(value);
  const valueLimit = limitKb('ENVMAN_ENV_BYTES_LIMIT_IN_KB', 'env_bytes_limit_in_kb');
  if (valueLimit > 0 && size > valueLimit * 1024)
    fail(
      `[ENVMAN] Failed to add env var: env var (${key}) value is too large (${size / 1024} KB), max allowed size: ${valueLimit} KB`,
    );
  const listLimit = limitKb('ENVMAN_ENV_LIST_BYTES_LIMIT_IN_KB', 'env_list_bytes_limit_in_kb');
  const listSize = envs.reduce((sum, item) => sum + Buffer.byteLength(itemValue(item)), 0) + size;
  if (listLimit > 0 && listSize > listLimit * 1024)
    fail(
      `[ENVMAN] Failed to add env var: env var list is too large (${listSize / 1024} KB), max allowed size: ${listLimit} KB`,
    );

  const opts = {};
  if (flags['no-expand']) opts.is_expand = false;
  if (flags.sensitive) opts.is_sensitive = true;
  if (flags['skip-if-empty']) opts.skip_if_empty = true;
  const item = { [key]: value, ...(Object.keys(opts).length ? { opts } : {}) };

  const replace = !flags.append;
  const matches = envs.filter((env) => itemKey(env) === key).length;
  if (replace && matches > 1)
    fail(`[ENVMAN] Failed to add env var: More then one env exist with key '${key}'`);
  const next = envs.map((env) => (replace && itemKey(env) === key ? item : env));
  if (!replace || matches === 0) next.push(item);
  writeStore(storePath, next);
}

const { flags: globals, rest } = parseFlags(process.argv.slice(2), {
  aliases: { p: 'path', l: 'loglevel', t: 'tool' },
  booleans: ['tool'],
  strings: ['path', 'loglevel'],
});
const storePath = resolve(globals.path || process.env.ENVMAN_ENVSTORE_PATH || '.envstore.yml');
const [command, ...args] = rest;
switch (command) {
  case 'add':
  case 'a':
    add(storePath, args);
    break;
  case 'clear':
  case 'c':
    writeStore(storePath, []);
    break;
  case 'print':
  case 'p':
    for (const env of readStore(storePath)) {
      const key = itemKey(env);
      process.stdout.write(`${key}=${env.opts?.is_sensitive ? '[REDACTED]' : itemValue(env)}\n`);
    }
    break;
  case 'version':
    process.stdout.write('2.4.2-steps\n');
    break;
  default:
    fail(`unsupported command: ${command ?? '(none)'}; this envman implements add, print, clear`);
}
