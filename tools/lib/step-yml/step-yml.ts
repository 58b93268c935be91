import { readFileSync } from 'node:fs';
import { LineCounter, type Node, parseDocument } from 'yaml';

/**
 * Reads step.yml the way stepman does: YAML 1.1 (gopkg.in/yaml.v2), so an unquoted `yes` is a
 * boolean here too and the audit can flag it. Keeps the document so problems get line numbers.
 */
export interface StepYml {
  file: string;
  data: Record<string, unknown>;
  /** 1-based line of the node at a path (keys and list indexes), or undefined. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  /** Parse errors; when non-empty, `data` may be partial. */
  errors: string[];
}

export interface EnvItem {
  key: string;
  /** The raw value as YAML gave it (string, number, boolean, null, or worse). */
  value: unknown;
  opts: Record<string, unknown>;
  /** The item had a malformed shape (extra keys, non-map opts); described here. */
  shapeError?: string;
  index: number;
}

export function loadStepYml(file: string, text = readFileSync(file, 'utf8')): StepYml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors = doc.errors.map((e) => e.message.split('\n')[0]!);
  const js = errors.length === 0 ? doc.toJS() : safeToJS(doc);
  const data = js && typeof js === 'object' && !Array.isArray(js) ? (js as Record<string, unknown>) : {};
  if (!js || typeof js !== 'object' || Array.isArray(js)) errors.push('step.yml must be a YAML map');
  return {
    file,
    data,
    errors,
    lineOf(path) {
      const node = doc.getIn(path, true) as Node | undefined;
      const range = node && typeof node === 'object' && 'range' in node ? node.range : undefined;
      if (range) return lineCounter.linePos(range[0]).line;
      // A null value has no node range; fall back to the parent's line.
      if (path.length > 1) return this.lineOf(path.slice(0, -1));
      return undefined;
    },
  };
}

function safeToJS(doc: ReturnType<typeof parseDocument>): unknown {
  try {
    return doc.toJS();
  } catch {
    return {};
  }
}

/** Splits one env item (`- key: value` + optional `opts`) like envman's GetKeyValuePairWithType. */
function envItem(raw: unknown, index: number): EnvItem {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      key: '',
      value: undefined,
      opts: {},
      index,
      shapeError: 'an env item must be a map of one key (+ opts)',
    };
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  const keys = entries.filter(([k]) => k !== 'opts');
  const optsRaw = (raw as Record<string, unknown>)['opts'];
  let shapeError: string | undefined;
  if (keys.length !== 1)
    shapeError = `an env item must have exactly one key besides opts, found ${keys.length}`;
  let opts: Record<string, unknown> = {};
  if (optsRaw !== undefined && optsRaw !== null) {
    if (typeof optsRaw === 'object' && !Array.isArray(optsRaw)) opts = optsRaw as Record<string, unknown>;
    else shapeError ??= 'opts must be a map';
  }
  const [key, value] = keys[0] ?? ['', undefined];
  return { key, value, opts, index, ...(shapeError ? { shapeError } : {}) };
}

export function envItems(list: unknown): EnvItem[] {
  return Array.isArray(list) ? list.map((raw, i) => envItem(raw, i)) : [];
}

/** envman's parseutil.StringFrom: scalars become strings, null becomes "". */
export function envString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

export function isScalarValue(value: unknown): boolean {
  return value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value);
}

/** `opts.is_expand`, default true. */
export function isExpand(opts: Record<string, unknown>): boolean {
  return opts['is_expand'] !== false;
}

export function isSensitiveOpt(opts: Record<string, unknown>): boolean {
  return opts['is_sensitive'] === true;
}
