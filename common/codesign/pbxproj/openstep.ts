/**
 * A small OpenStep (old-style) property list reader that remembers where every value sits in the
 * text: the one `project.pbxproj` parser. Project queries (`project.ts`) and signing edits
 * (`text-edits.ts`) use the same tree.
 *
 * Why hand-written: signing must change a few values and leave every other byte as Xcode wrote it,
 * so edits are spliced into the original text at known offsets. The maintained readers return plain
 * values without offsets (`plist`'s `parseOpenStep`) or re-serialise the whole file (`@bacons/xcode`,
 * and the `xcode` package, whose parser and writer also turn a team ID `0123456789` into the number
 * 123456789), so none of them can make such an edit.
 */

export interface Span {
  /** Offset of the first character. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

export interface PString extends Span {
  kind: 'string';
  value: string;
}

export interface PArray extends Span {
  kind: 'array';
  items: PNode[];
}

export interface PEntry {
  key: string;
  keySpan: Span;
  value: PNode;
  /** Offset just past the terminating `;`. */
  end: number;
}

export interface PDict extends Span {
  kind: 'dict';
  entries: PEntry[];
}

export type PNode = PString | PArray | PDict;

class OpenStepSyntaxError extends Error {
  constructor(message: string, offset: number, text: string) {
    const line = text.slice(0, offset).split('\n').length;
    super(`${message} at line ${line}`);
    this.name = 'OpenStepSyntaxError';
  }
}

const BARE_CHAR = /[A-Za-z0-9_$+/:.\-*@<>?~!%^&|[\]'\\#]/;

export function parseOpenStep(text: string): PNode {
  let pos = 0;

  const fail = (message: string): never => {
    throw new OpenStepSyntaxError(message, pos, text);
  };

  const skip = (): void => {
    while (pos < text.length) {
      const c = text[pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') pos++;
      else if (text.startsWith('/*', pos)) {
        const close = text.indexOf('*/', pos + 2);
        if (close < 0) fail('unterminated comment');
        pos = close + 2;
      } else if (text.startsWith('//', pos)) {
        const nl = text.indexOf('\n', pos);
        pos = nl < 0 ? text.length : nl + 1;
      } else break;
    }
  };

  const expect = (char: string): void => {
    skip();
    if (text[pos] !== char) fail(`expected "${char}"`);
    pos++;
  };

  const parseString = (): PString => {
    skip();
    const start = pos;
    if (text[pos] === '"') {
      pos++;
      let value = '';
      while (pos < text.length && text[pos] !== '"') {
        if (text[pos] === '\\') {
          pos++;
          value += unescapeAt();
        } else value += text[pos++];
      }
      if (pos >= text.length) fail('unterminated string');
      pos++;
      return { kind: 'string', value, start, end: pos };
    }
    while (
      pos < text.length &&
      BARE_CHAR.test(text[pos]!) &&
      !text.startsWith('//', pos) &&
      !text.startsWith('/*', pos)
    ) {
      pos++;
    }
    if (pos === start) fail('expected a value');
    return { kind: 'string', value: text.slice(start, pos), start, end: pos };
  };

  const unescapeAt = (): string => {
    const c = text[pos++];
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'U': {
        const hex = text.slice(pos, pos + 4);
        pos += 4;
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
      case undefined:
        return fail('unterminated escape');
      default:
        return c;
    }
  };

  const parseValue = (): PNode => {
    skip();
    const c = text[pos];
    if (c === '{') return parseDict();
    if (c === '(') return parseArray();
    return parseString();
  };

  const parseDict = (): PDict => {
    const start = pos;
    pos++;
    const entries: PEntry[] = [];
    for (;;) {
      skip();
      if (pos >= text.length) fail('unterminated dictionary');
      if (text[pos] === '}') {
        pos++;
        return { kind: 'dict', entries, start, end: pos };
      }
      const key = parseString();
      expect('=');
      const value = parseValue();
      expect(';');
      entries.push({ key: key.value, keySpan: { start: key.start, end: key.end }, value, end: pos });
    }
  };

  const parseArray = (): PArray => {
    const start = pos;
    pos++;
    const items: PNode[] = [];
    for (;;) {
      skip();
      if (pos >= text.length) fail('unterminated array');
      if (text[pos] === ')') {
        pos++;
        return { kind: 'array', items, start, end: pos };
      }
      items.push(parseValue());
      skip();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== ')') fail('expected "," or ")"');
    }
  };

  const root = parseValue();
  skip();
  if (pos < text.length) fail('unexpected text after the root value');
  return root;
}

export function entry(dict: PDict, key: string): PEntry | undefined {
  return dict.entries.find((e) => e.key === key);
}

export function dictAt(dict: PDict | undefined, key: string): PDict | undefined {
  const value = dict ? entry(dict, key)?.value : undefined;
  return value?.kind === 'dict' ? value : undefined;
}

export function stringAt(dict: PDict | undefined, key: string): string | undefined {
  const value = dict ? entry(dict, key)?.value : undefined;
  return value?.kind === 'string' ? value.value : undefined;
}

export function stringsAt(dict: PDict | undefined, key: string): string[] {
  const value = dict ? entry(dict, key)?.value : undefined;
  if (value?.kind === 'array')
    return value.items.flatMap((item) => (item.kind === 'string' ? [item.value] : []));
  if (value?.kind === 'string') return [value.value];
  return [];
}

/** A build setting's value as one string: list values are joined by spaces, as xcodebuild does. */
export function settingText(node: PNode): string {
  if (node.kind === 'string') return node.value;
  if (node.kind === 'array') return node.items.map(settingText).join(' ');
  return '';
}

/** Xcode leaves these characters unquoted when it writes a project. */
const UNQUOTED = /^[A-Za-z0-9_./]+$/;

/** Serialises a string the way Xcode writes it: bare when safe, otherwise quoted and escaped. */
export function quoteOpenStep(value: string): string {
  if (UNQUOTED.test(value)) return value;
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t');
  return `"${escaped}"`;
}
