import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { envItems } from './step-yml.ts';

/**
 * Input blocks several Steps share (step.yml.templates/inputs/<name>.yml) are written into each
 * step.yml between two marker comments, so the published step.yml stays complete for the Bitrise
 * CLI and stepman while the block has one source. `npm run build` rewrites what is between the
 * markers; a test fails when a step.yml is not what it would write.
 */

export interface SharedBlock {
  name: string;
  /** The block's entries as written in its file, without the leading comment lines. */
  text: string;
  /** The input keys it declares. */
  keys: string[];
}

const BEGIN = /^(\s*)# begin shared inputs ([a-z0-9_]+)\b/;
const END = /^(\s*)# end shared inputs ([a-z0-9_]+)\b/;

export function beginMarker(name: string): string {
  return `# begin shared inputs ${name}: written from step.yml.templates/inputs/${name}.yml by npm run build`;
}

export function endMarker(name: string): string {
  return `# end shared inputs ${name}`;
}

/** Reads every `<name>.yml` block in a templates/inputs folder; none when it does not exist. */
export function loadSharedBlocks(dir: string): Map<string, SharedBlock> {
  const blocks = new Map<string, SharedBlock>();
  if (!existsSync(dir)) return blocks;
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.yml')) continue;
    const name = file.slice(0, -'.yml'.length);
    blocks.set(name, sharedBlock(name, readFileSync(join(dir, file), 'utf8')));
  }
  return blocks;
}

export function sharedBlock(name: string, source: string): SharedBlock {
  const lines = source.split('\n');
  while (lines.length > 0 && (lines[0]!.startsWith('#') || lines[0]!.trim() === '')) lines.shift();
  const text = lines.join('\n').trimEnd();
  const keys = envItems(parse(text, { version: '1.1' })).map((item) => item.key);
  return { name, text, keys };
}

export interface Expansion {
  text: string;
  /** Names of the blocks the text uses, in order. */
  used: string[];
  problems: string[];
}

/**
 * Rewrites every marked block in a step.yml with the block's current entries, indented like its
 * begin marker. Text outside the markers is kept byte for byte.
 */
export function expandSharedBlocks(text: string, blocks: ReadonlyMap<string, SharedBlock>): Expansion {
  const lines = text.split('\n');
  const out: string[] = [];
  const used: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const stray = END.exec(line);
    if (stray) problems.push(`line ${i + 1}: "${endMarker(stray[2]!)}" without its begin marker`);
    const begin = BEGIN.exec(line);
    if (!begin) {
      out.push(line);
      continue;
    }
    const [, indent = '', name = ''] = begin;
    const end = lines.findIndex((l, j) => j > i && (BEGIN.test(l) || END.test(l)));
    const endMatch = end < 0 ? null : END.exec(lines[end]!);
    if (!endMatch || endMatch[2] !== name) {
      problems.push(
        `line ${i + 1}: shared inputs ${name} has no "${endMarker(name)}" line before the next marker`,
      );
      out.push(line);
      continue;
    }
    const block = blocks.get(name);
    if (!block) {
      const known = [...blocks.keys()].join(', ') || 'none';
      problems.push(
        `line ${i + 1}: no shared input block ${name} in step.yml.templates/inputs (known: ${known})`,
      );
      out.push(...lines.slice(i, end + 1));
      i = end;
      continue;
    }
    used.push(name);
    out.push(indent + beginMarker(name));
    for (const blockLine of block.text.split('\n'))
      out.push(blockLine.trim() === '' ? '' : indent + blockLine);
    out.push(indent + endMarker(name));
    i = end;
  }
  return { text: out.join('\n'), used, problems };
}

/**
 * A shared input written by hand is a copy that drifts: every input that belongs to a block must
 * come from the block's markers, once.
 */
export function copiedSharedInputs(
  inputKeys: readonly string[],
  used: readonly string[],
  blocks: ReadonlyMap<string, SharedBlock>,
): string[] {
  const problems: string[] = [];
  for (const block of blocks.values()) {
    for (const key of block.keys) {
      const count = inputKeys.filter((k) => k === key).length;
      if (count === 0) continue;
      if (!used.includes(block.name))
        problems.push(
          `input ${key} belongs to shared inputs ${block.name}: replace it with the lines "${beginMarker(block.name)}" and "${endMarker(block.name)}"`,
        );
      else if (count > 1)
        problems.push(`input ${key} comes from shared inputs ${block.name}: remove the other copy`);
    }
  }
  return problems;
}
