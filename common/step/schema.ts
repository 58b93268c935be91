import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { MASK, redactor } from './redactor.ts';
import { Secret } from './secret.ts';
import { displayUrl, hideUrlCredentials, isUrl, registerUrlCredentials } from './url-credentials.ts';

/**
 * A declarative input schema modelled on go-steputils' stepconf: each input has a kind and
 * constraints, every bad input is collected, and the result is typed. A Step's schema is
 * generated from its step.yml (steps/<id>/src/inputs.generated.ts, by tools/lib/step-yml), the
 * one place its inputs are declared.
 */

interface Common {
  required?: boolean;
  /** What to do about a bad value; appended to the error. */
  hint?: string;
}

export type InputSpec =
  | ({ kind: 'string'; sensitive?: false } & Common)
  | ({ kind: 'secret' } & Common)
  | ({ kind: 'bool'; default?: boolean } & Common)
  | ({ kind: 'int'; min?: number; max?: number; default?: number } & Common)
  | ({ kind: 'list'; sensitive?: boolean; separator?: 'pipe' | 'pipe-or-newline' } & Common)
  | ({ kind: 'file' } & Common)
  | ({ kind: 'dir' } & Common)
  | ({ kind: 'oneOf'; options: readonly string[] } & Common)
  | ({ kind: 'url'; schemes: readonly string[] } & Common)
  | ({ kind: 'location'; sensitive?: boolean } & Common);

type ValueOf<S extends InputSpec> = S extends { kind: 'string' | 'location' }
  ? string
  : S extends { kind: 'secret' }
    ? Secret
    : S extends { kind: 'bool' }
      ? boolean
      : S extends { kind: 'int' }
        ? S extends { default: number }
          ? number
          : S extends { required: true }
            ? number
            : number | undefined
        : S extends { kind: 'list' }
          ? string[]
          : S extends { kind: 'file' | 'dir' | 'url' }
            ? S extends { required: true }
              ? string
              : string | undefined
            : S extends { kind: 'oneOf'; options: readonly (infer O)[] }
              ? S extends { required: true }
                ? O
                : O | undefined
              : never;

export type InputSchema = Record<string, InputSpec>;
export type Inputs<S extends InputSchema> = { [K in keyof S]: ValueOf<S[K]> };

export const input = {
  string: <const O extends Common>(opts?: O) => ({ kind: 'string' as const, ...(opts as O) }),
  secret: <const O extends Common>(opts?: O) => ({ kind: 'secret' as const, ...(opts as O) }),
  bool: <const O extends Common & { default?: boolean }>(opts?: O) => ({
    kind: 'bool' as const,
    ...(opts as O),
  }),
  int: <const O extends Common & { min?: number; max?: number; default?: number }>(opts?: O) => ({
    kind: 'int' as const,
    ...(opts as O),
  }),
  list: <const O extends Common & { sensitive?: boolean; separator?: 'pipe' | 'pipe-or-newline' }>(
    opts?: O,
  ) => ({
    kind: 'list' as const,
    ...(opts as O),
  }),
  file: <const O extends Common>(opts?: O) => ({ kind: 'file' as const, ...(opts as O) }),
  dir: <const O extends Common>(opts?: O) => ({ kind: 'dir' as const, ...(opts as O) }),
  /**
   * Where a file is read from: an `https://` or `file://` URL or a path, read when it is needed
   * (readLocation), so it is not checked here. Pre-signed URLs are credentials: mark it sensitive
   * when step.yml does.
   */
  location: <const O extends Common & { sensitive?: boolean }>(opts?: O) => ({
    kind: 'location' as const,
    ...(opts as O),
  }),
  /** An absolute URL with one of the schemes, e.g. ['https', 'file']. */
  url: <const O extends Common>(schemes: readonly string[], opts?: O) => ({
    kind: 'url' as const,
    schemes,
    ...(opts as O),
  }),
  oneOf: <const T extends readonly string[], const O extends Common>(options: T, opts?: O) => ({
    kind: 'oneOf' as const,
    options,
    ...(opts as O),
  }),
};

function isSensitive(spec: InputSpec): boolean {
  return (
    spec.kind === 'secret' || ((spec.kind === 'list' || spec.kind === 'location') && spec.sensitive === true)
  );
}

export interface InputProblem {
  key: string;
  message: string;
}

export class InputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(formatProblems(problems));
    this.name = 'InputError';
  }
}

function formatProblems(problems: InputProblem[]): string {
  if (problems.length === 1) return `Invalid input ${problems[0]!.key}: ${problems[0]!.message}`;
  return [`${problems.length} invalid inputs:`, ...problems.map((p) => `- ${p.key}: ${p.message}`)].join(
    '\n',
  );
}

export interface ParseOptions {
  /** Relative file and dir inputs are resolved against this directory. */
  cwd?: string;
}

const TRUE_WORDS = new Set(['yes', 'y', 'true']);
const FALSE_WORDS = new Set(['no', 'n', 'false']);

export interface ParsedInputs<S extends InputSchema> {
  values: Inputs<S>;
  /** `key: shown value` pairs for the config echo, secrets masked. */
  display: Array<[string, string]>;
}

/** Parses every input, collecting all problems; throws one InputError listing them. */
export function parseInputs<S extends InputSchema>(
  schema: S,
  env: Record<string, string | undefined>,
  options: ParseOptions = {},
): ParsedInputs<S> {
  const cwd = options.cwd ?? process.cwd();
  const problems: InputProblem[] = [];
  const values: Record<string, unknown> = {};
  const display: Array<[string, string]> = [];

  for (const [key, spec] of Object.entries(schema)) {
    const raw = env[key] ?? '';
    // Secrets are registered before anything can echo them, even when they turn out invalid.
    if (isSensitive(spec)) redactor.add(raw);
    // Any input can hold a URL, and a pre-signed one is a credential whatever the input's kind.
    registerUrlCredentials(raw);
    const trimmed = spec.kind === 'secret' ? raw : raw.trim();
    const problem = (message: string) =>
      problems.push({ key, message: hideUrlCredentials(spec.hint ? `${message}; ${spec.hint}` : message) });

    if (trimmed === '' && spec.required) problem('required, but empty');
    const result = parseValue(spec, trimmed, cwd);
    if (trimmed !== '' && 'error' in result) problem(result.error);
    values[key] = 'error' in result ? emptyValue(spec) : result.value;
    display.push([key, shown(spec, values[key])]);
  }

  if (problems.length > 0) throw Object.assign(new InputError(problems), { display });
  return { values: values as Inputs<S>, display };
}

function emptyValue(spec: InputSpec): unknown {
  switch (spec.kind) {
    case 'secret':
      return new Secret('');
    case 'bool':
      return spec.default ?? false;
    case 'int':
      return spec.default;
    case 'list':
      return [];
    case 'string':
    case 'location':
      return '';
    default:
      return undefined;
  }
}

type Parsed = { value: unknown } | { error: string };

function parseValue(spec: InputSpec, value: string, cwd: string): Parsed {
  if (value === '') return { value: emptyValue(spec) };
  switch (spec.kind) {
    case 'string':
    case 'location':
      return { value };
    case 'secret':
      return { value: new Secret(value) };
    case 'bool': {
      const lower = value.toLowerCase();
      if (TRUE_WORDS.has(lower)) return { value: true };
      if (FALSE_WORDS.has(lower)) return { value: false };
      return { error: `"${value}" is not a boolean: use yes or no` };
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(value)) return { error: `"${value}" is not a whole number` };
      const n = Number.parseInt(value, 10);
      if (spec.min !== undefined && n < spec.min) return { error: `${n} is below the minimum ${spec.min}` };
      if (spec.max !== undefined && n > spec.max) return { error: `${n} is above the maximum ${spec.max}` };
      return { value: n };
    }
    case 'list': {
      const separator = spec.separator === 'pipe' ? /\|/ : /\||\r?\n/;
      const items = value
        .split(separator)
        .map((item) => item.trim())
        .filter((item) => item !== '');
      if (spec.sensitive) for (const item of items) redactor.add(item);
      return { value: items };
    }
    case 'file':
    case 'dir': {
      const path = isAbsolute(value) ? value : resolve(cwd, value);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) return { error: `${spec.kind === 'dir' ? 'directory' : 'file'} "${value}" does not exist` };
      if (spec.kind === 'dir' && !stat.isDirectory()) return { error: `"${value}" is not a directory` };
      if (spec.kind === 'file' && !stat.isFile()) return { error: `"${value}" is not a file` };
      return { value: path };
    }
    case 'url': {
      let scheme: string;
      try {
        scheme = new URL(value).protocol.replace(/:$/, '');
      } catch {
        return {
          error: `"${displayUrl(value)}" is not a URL: use ${spec.schemes.map((s) => `${s}://…`).join(' or ')}`,
        };
      }
      if (!spec.schemes.includes(scheme))
        return {
          error: `"${displayUrl(value)}" must start with ${spec.schemes.map((s) => `${s}://`).join(' or ')}`,
        };
      return { value };
    }
    case 'oneOf':
      if (spec.options.includes(value)) return { value };
      return { error: `"${value}" is not one of ${spec.options.join(', ')}` };
  }
}

function shown(spec: InputSpec, value: unknown): string {
  const empty =
    value instanceof Secret
      ? value.isEmpty
      : Array.isArray(value)
        ? value.length === 0
        : value === undefined || value === '';
  if (empty) return '<unset>';
  if (value instanceof Secret) return MASK;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const items = Array.isArray(value) ? value.map(String) : [String(value)];
  return items.map((item) => (isSensitive(spec) ? shownSensitive(item) : hideUrlCredentials(item))).join('|');
}

/**
 * A sensitive value is masked, except that a URL whose credentials could be hidden shows where it
 * points (`https://host/AuthKey_X.p8?*****`): that part is not the secret.
 */
function shownSensitive(item: string): string {
  if (!isUrl(item)) return MASK;
  const display = displayUrl(item);
  return display === item ? MASK : display;
}

/** The config echo: `- key: value`, `<unset>` when empty, secrets as `*****`, URLs without credentials. */
export function formatConfig(display: Array<[string, string]>): string {
  return display.map(([key, value]) => `- ${key}: ${value}`).join('\n');
}
