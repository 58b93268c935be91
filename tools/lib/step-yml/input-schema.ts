import type { InputSpec } from '../../../common/step/schema.ts';
import { type EnvItem, envString } from './step-yml.ts';

/**
 * Derives a Step's input schema (common/step/schema.ts) from its step.yml inputs, so step.yml
 * is the one place an input is declared. step.yml says the key, default, is_required,
 * value_options and is_sensitive; what it cannot say lives in the input's `opts.meta.steps`
 * (stepman keeps `meta` and ignores it):
 *
 *   meta:
 *     steps:
 *       kind: int          # int, list, file, dir, url, location (default: see below)
 *       min: 0             # int
 *       max: 30            # int
 *       separator: pipe    # list: pipe, or pipe-or-newline (the default)
 *       schemes: [https]   # url: the schemes it accepts
 *       hint: use …        # what to do about a bad value; ends the input's error
 *
 * Without a kind: value_options of one yes-word and one no-word make a bool, other value_options
 * a oneOf, is_sensitive a secret, anything else a string.
 */

const META_KEY = 'steps';

export interface DerivedInput {
  key: string;
  spec: InputSpec;
}

export interface DerivedSchema {
  inputs: DerivedInput[];
  /** `<key>: <what is wrong>`; the schema is not usable while there are any. */
  problems: string[];
}

type Kind = InputSpec['kind'];

const META_KINDS: readonly Kind[] = [
  'string',
  'bool',
  'int',
  'list',
  'file',
  'dir',
  'url',
  'location',
  'oneOf',
];
/** The meta keys each kind reads besides `kind` and `hint`. */
const KIND_KEYS: Partial<Record<Kind, readonly string[]>> = {
  int: ['min', 'max'],
  list: ['separator'],
  url: ['schemes'],
};
/** Kinds whose values the schema redacts when step.yml marks them sensitive. */
const SENSITIVE_KINDS: readonly Kind[] = ['secret', 'list', 'location'];
const SEPARATORS = ['pipe', 'pipe-or-newline'] as const;
// The words common/step/schema.ts reads as booleans (plus y/n, which no step.yml offers).
const YES = new Set(['yes', 'true']);
const NO = new Set(['no', 'false']);

function isBoolOptions(options: readonly string[]): boolean {
  return options.length === 2 && options.some((o) => YES.has(o)) && options.some((o) => NO.has(o));
}

export function deriveInputSchema(items: readonly EnvItem[]): DerivedSchema {
  const inputs: DerivedInput[] = [];
  const problems: string[] = [];
  for (const item of items) {
    const itemProblems: string[] = [];
    const spec = deriveSpec(item, (message) => itemProblems.push(`${item.key}: ${message}`));
    problems.push(...itemProblems);
    if (spec && itemProblems.length === 0) inputs.push({ key: item.key, spec });
  }
  return { inputs, problems };
}

function deriveSpec(item: EnvItem, problem: (message: string) => void): InputSpec | undefined {
  const opts = item.opts;
  const meta = readMeta(opts['meta'], problem);
  if (!meta) return undefined;
  const required = opts['is_required'] === true;
  const sensitive = opts['is_sensitive'] === true;
  const rawOptions = opts['value_options'];
  const options = Array.isArray(rawOptions) ? rawOptions.map(String) : undefined;

  const metaKind = meta['kind'];
  if (metaKind !== undefined && !(META_KINDS as readonly unknown[]).includes(metaKind)) {
    problem(`meta.${META_KEY}.kind ${JSON.stringify(metaKind)} is not one of ${META_KINDS.join(', ')}`);
    return undefined;
  }
  const kind: Kind =
    (metaKind as Kind | undefined) ??
    (options ? (isBoolOptions(options) ? 'bool' : 'oneOf') : sensitive ? 'secret' : 'string');

  for (const key of Object.keys(meta)) {
    if (key === 'kind' || key === 'hint' || KIND_KEYS[kind]?.includes(key)) continue;
    problem(`meta.${META_KEY}.${key} does not apply to a ${kind} input`);
  }
  if (options && kind !== 'bool' && kind !== 'oneOf')
    problem(`value_options make it a bool or oneOf input, not ${kind}`);
  if (kind === 'bool' && options && !isBoolOptions(options))
    problem(`a bool input offers one yes-word and one no-word, not ${options.join(', ')}`);
  if (kind === 'oneOf' && !options) problem('a oneOf input needs value_options');
  if (sensitive && kind === 'string' && metaKind === 'string')
    problem(`a sensitive text input is a secret: drop meta.${META_KEY}.kind`);
  else if (sensitive && !SENSITIVE_KINDS.includes(kind) && kind !== 'string')
    problem(`a ${kind} input cannot be is_sensitive: its value would not be redacted`);

  const common = {
    ...(required ? { required: true } : {}),
    ...readHint(meta['hint'], problem),
  };
  switch (kind) {
    case 'string':
    case 'secret':
      return sensitive ? { kind: 'secret', ...common } : { kind: 'string', ...common };
    case 'bool':
      // No default: the CLI applies step.yml's value, and an input set to "" stays no, as before.
      return { kind, ...common };
    case 'file':
    case 'dir':
      return { kind, ...common };
    case 'location':
      return { kind, ...(sensitive ? { sensitive } : {}), ...common };
    case 'oneOf':
      return { kind, options: options ?? [], ...common };
    case 'url':
      return { kind, schemes: readSchemes(meta['schemes'], problem), ...common };
    case 'list':
      return {
        kind,
        ...readSeparator(meta['separator'], problem),
        ...(sensitive ? { sensitive } : {}),
        ...common,
      };
    case 'int':
      return { kind, ...readRange(meta, envString(item.value), problem), ...common };
  }
}

function readMeta(raw: unknown, problem: (message: string) => void): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problem('opts.meta must be a map');
    return undefined;
  }
  const ours = (raw as Record<string, unknown>)[META_KEY];
  if (ours === undefined || ours === null) return {};
  if (typeof ours !== 'object' || Array.isArray(ours)) {
    problem(`meta.${META_KEY} must be a map`);
    return undefined;
  }
  return ours as Record<string, unknown>;
}

function readHint(raw: unknown, problem: (message: string) => void): { hint?: string } {
  if (raw === undefined) return {};
  if (typeof raw === 'string' && raw.trim() !== '') return { hint: raw.trim() };
  problem(`meta.${META_KEY}.hint must be a non-empty string`);
  return {};
}

function readSchemes(raw: unknown, problem: (message: string) => void): string[] {
  if (
    Array.isArray(raw) &&
    raw.length > 0 &&
    raw.every((s) => typeof s === 'string' && /^[a-z][a-z0-9+.-]*$/.test(s))
  )
    return raw as string[];
  problem(`a url input needs meta.${META_KEY}.schemes, a list such as [https, file]`);
  return [];
}

function readSeparator(
  raw: unknown,
  problem: (message: string) => void,
): { separator?: 'pipe' | 'pipe-or-newline' } {
  if (raw === undefined) return {};
  if ((SEPARATORS as readonly unknown[]).includes(raw))
    return { separator: raw as (typeof SEPARATORS)[number] };
  problem(`meta.${META_KEY}.separator must be one of ${SEPARATORS.join(', ')}`);
  return {};
}

function readRange(
  meta: Record<string, unknown>,
  value: string,
  problem: (message: string) => void,
): { min?: number; max?: number; default?: number } {
  const bound = (name: 'min' | 'max'): number | undefined => {
    const raw = meta[name];
    if (raw === undefined) return undefined;
    if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
    problem(`meta.${META_KEY}.${name} must be a whole number`);
    return undefined;
  };
  const min = bound('min');
  const max = bound('max');
  if (min !== undefined && max !== undefined && min > max)
    problem(`meta.${META_KEY}.min ${min} is above max ${max}`);
  const range = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  // A `$VAR` value is expanded by the CLI; only a literal is the default for an input left empty.
  if (value === '' || value.includes('$')) return range;
  const n = /^[+-]?\d+$/.test(value) ? Number.parseInt(value, 10) : Number.NaN;
  if (Number.isNaN(n)) problem(`the value "${value}" is not a whole number`);
  else if ((min !== undefined && n < min) || (max !== undefined && n > max))
    problem(`the value ${n} is outside meta.${META_KEY}.min/max`);
  else return { ...range, default: n };
  return range;
}
