#!/usr/bin/env node
// A minimal envman (bitrise-io/envman 2.x) for `steps run`: the subset a Step uses to export
// outputs, writing the same YAML store the real one writes, so Steps run the same way here as
// under the Bitrise CLI (step-contract.md §2.5).
//
//   envman add --key K [--value V | --valuefile F | value on stdin]
//              [--sensitive] [--no-expand] [--append] [--skip-if-empty]
//   envman print        prints the store as KEY=value lines (sensitive values masked)
//   envman clear        empties the store
//
// The store is $ENVMAN_ENVSTORE_PATH, or ./.envstore.yml like envman.
import { existsSync, fstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

const storePath = resolve(process.env.ENVMAN_ENVSTORE_PATH || '.envstore.yml');
// envman's default per-value limit since 2.3.2; ENVMAN_ENV_BYTES_LIMIT_IN_KB overrides it.
const limitKb = Number(process.env.ENVMAN_ENV_BYTES_LIMIT_IN_KB || 256);

function fail(message) {
  process.stderr.write(`envman: ${message}\n`);
  process.exit(1);
}

function readStore() {
  if (!existsSync(storePath)) return [];
  const data = parse(readFileSync(storePath, 'utf8'), { version: '1.1' }) ?? {};
  return Array.isArray(data.envs) ? data.envs : [];
}

function writeStore(envs) {
  mkdirSync(dirname(storePath), { recursive: true });
  writeFileSync(storePath, stringify({ envs }, { version: '1.1', lineWidth: 0 }));
}

function itemKey(item) {
  return Object.keys(item).find((k) => k !== 'opts');
}

/** Parses `--flag value`, `--flag=value` and the short aliases envman accepts. */
function parseAddArgs(args) {
  const aliases = { k: 'key', v: 'value', f: 'valuefile', n: 'no-expand', a: 'append' };
  const booleans = new Set(['no-expand', 'append', 'skip-if-empty', 'sensitive']);
  const flags = {};
  for (let i = 0; i < args.length; i++) {
    const match = /^--?([^=]+)(?:=(.*))?$/s.exec(args[i]);
    if (!match) fail(`unexpected argument: ${args[i]}`);
    const name = aliases[match[1]] ?? match[1];
    if (booleans.has(name)) flags[name] = match[2] === undefined ? true : match[2] !== 'false';
    else if (['key', 'value', 'valuefile'].includes(name)) flags[name] = match[2] ?? args[++i] ?? '';
    else fail(`unknown flag: ${args[i]}`);
  }
  return flags;
}

function stdinIsData() {
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isFile() || stat.isSocket();
  } catch {
    return false;
  }
}

function add(args) {
  const flags = parseAddArgs(args);
  if (!flags.key) fail('add: --key is required');
  let value = '';
  if (flags.value !== undefined) value = flags.value;
  else if (flags.valuefile !== undefined) value = readFileSync(flags.valuefile, 'utf8');
  else if (stdinIsData()) value = readFileSync(0, 'utf8');
  if (Buffer.byteLength(value) > limitKb * 1024)
    fail(`env var value too large: ${flags.key} is over ${limitKb} KB`);

  const opts = {};
  if (flags['no-expand']) opts.is_expand = false;
  if (flags['skip-if-empty']) opts.skip_if_empty = true;
  if (flags.sensitive) opts.is_sensitive = true;
  const item = { [flags.key]: value, ...(Object.keys(opts).length ? { opts } : {}) };
  // Without --append envman replaces earlier values of the key; with it, both are kept.
  const envs = readStore().filter((env) => flags.append || itemKey(env) !== flags.key);
  writeStore([...envs, item]);
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'add':
    add(rest);
    break;
  case 'clear':
    writeStore([]);
    break;
  case 'print':
    for (const env of readStore()) {
      const key = itemKey(env);
      process.stdout.write(`${key}=${env.opts?.is_sensitive ? '[REDACTED]' : env[key]}\n`);
    }
    break;
  case 'version':
  case '--version':
    process.stdout.write('2.4.2-steps\n');
    break;
  default:
    fail(`unsupported command: ${command ?? '(none)'}; this envman implements add, print, clear`);
}
