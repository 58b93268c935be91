import { type PDict, quoteOpenStep } from './openstep.ts';

/**
 * Collects surgical edits to an OpenStep text and applies them in one go, so every offset refers
 * to the original text and untouched bytes stay exactly as they were.
 */
export class TextEdits {
  private readonly edits: { start: number; end: number; text: string; order: number }[] = [];

  constructor(readonly source: string) {}

  get size(): number {
    return this.edits.length;
  }

  replace(start: number, end: number, text: string): void {
    if (this.source.slice(start, end) === text) return;
    this.edits.push({ start, end, text, order: this.edits.length });
  }

  insert(at: number, text: string): void {
    this.edits.push({ start: at, end: at, text, order: this.edits.length });
  }

  apply(): string {
    // Back to front so earlier offsets stay valid; inserts at one offset keep the order they were added in.
    const sorted = [...this.edits].sort((a, b) => b.start - a.start || b.order - a.order);
    let out = this.source;
    let limit = Number.POSITIVE_INFINITY;
    for (const edit of sorted) {
      if (edit.end > limit) throw new Error('overlapping pbxproj edits');
      out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
      limit = edit.start;
    }
    return out;
  }

  /**
   * Sets `key` in `dict`: an existing value is replaced in place; a new entry goes where Xcode
   * would put it (keys sorted), on its own line with the neighbours' indentation.
   */
  setEntry(dict: PDict, key: string, value: string | Record<string, string>): void {
    const existing = dict.entries.find((e) => e.key === key);
    if (existing) {
      if (typeof value !== 'string') throw new Error(`cannot replace ${key} with a dictionary`);
      this.replace(existing.value.start, existing.value.end, quoteOpenStep(value));
      return;
    }
    const multiline = this.source.slice(dict.start, dict.end).includes('\n');
    if (!multiline) {
      const before = this.source[dict.end - 2] === ' ' ? '' : ' ';
      this.insert(dict.end - 1, `${before}${quoteOpenStep(key)} = ${serialize(value, '', false)}; `);
      return;
    }
    const next = dict.entries.find((e) => compareKeys(e.key, key) > 0);
    if (next) {
      const start = this.lineStart(next.keySpan.start);
      const indent = this.source.slice(start, next.keySpan.start);
      if (/^[ \t]*$/.test(indent)) {
        this.insert(start, `${indent}${quoteOpenStep(key)} = ${serialize(value, indent, true)};\n`);
      } else {
        this.insert(next.keySpan.start, `${quoteOpenStep(key)} = ${serialize(value, '', false)}; `);
      }
      return;
    }
    const last = dict.entries.at(-1);
    if (last) {
      const indent = this.indentOf(last.keySpan.start);
      this.insert(last.end, `\n${indent}${quoteOpenStep(key)} = ${serialize(value, indent, true)};`);
      return;
    }
    const closeLine = this.lineStart(dict.end - 1);
    const closeIndent = this.source.slice(closeLine, dict.end - 1);
    const indent = `${/^[ \t]*$/.test(closeIndent) ? closeIndent : ''}${unitOf(closeIndent)}`;
    const text = `${indent}${quoteOpenStep(key)} = ${serialize(value, indent, true)};\n`;
    if (/^[ \t]*$/.test(closeIndent)) this.insert(closeLine, text);
    else this.insert(dict.end - 1, `\n${text}`);
  }

  private lineStart(offset: number): number {
    return this.source.lastIndexOf('\n', offset - 1) + 1;
  }

  private indentOf(offset: number): string {
    const start = this.lineStart(offset);
    const prefix = this.source.slice(start, offset);
    return /^[ \t]*$/.test(prefix) ? prefix : '';
  }
}

/** Xcode sorts dictionary keys by their plain (unquoted) text, byte by byte. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unitOf(indent: string): string {
  return indent.includes(' ') && !indent.includes('\t') ? '    ' : '\t';
}

function serialize(value: string | Record<string, string>, indent: string, multiline: boolean): string {
  if (typeof value === 'string') return quoteOpenStep(value);
  const pairs = Object.entries(value).sort(([a], [b]) => compareKeys(a, b));
  if (!multiline)
    return `{ ${pairs.map(([k, v]) => `${quoteOpenStep(k)} = ${quoteOpenStep(v)}; `).join('')}}`;
  const inner = `${indent}${unitOf(indent)}`;
  return `{\n${pairs.map(([k, v]) => `${inner}${quoteOpenStep(k)} = ${quoteOpenStep(v)};\n`).join('')}${indent}}`;
}
