import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readme } from '../cli/commands/readme.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { configurationSection, inputsTable, outputsTable, updateReadme } from '../lib/step-yml/readme.ts';
import { loadStepYml } from '../lib/step-yml/step-yml.ts';
import { collect, FIXTURES, fixtureRoot } from './helpers.ts';

/** The cells of a Markdown table row; `\\|` stays inside its cell. */
function cells(row: string): string[] {
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}

const sample = loadStepYml(join(FIXTURES, 'steps', 'sample-step', 'step.yml')).data;

describe('README tables', () => {
  it('lists inputs with description, flags and default, escaping pipes', () => {
    const table = inputsTable(sample).split('\n');
    expect(cells(table[0]!)).toEqual(['Key', 'Description', 'Flags', 'Default']);
    expect(cells(table[2]!)).toEqual([
      '`greeting`',
      'The greeting to export; `$VAR` references are expanded.',
      'required',
      '`Hello $NAME`',
    ]);
    expect(cells(table[4]!)).toEqual(['`mode`', 'How fast to greet.', '', '`fast`']);
    expect(cells(table[5]!)).toEqual([
      '`api_token`',
      'A secret \\| with a pipe.',
      'sensitive',
      '`$SAMPLE_TOKEN`',
    ]);
  });

  it('pads every column to one width, as biome formats Markdown tables', () => {
    const lines = inputsTable(sample).split('\n');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[1]).toMatch(/^\| -+ \| -+ \| -+ \| -+ \|$/);
  });

  it('lists outputs', () => {
    expect(cells(outputsTable(sample).split('\n')[2]!)).toEqual([
      '`SAMPLE_GREETING`',
      'The greeting that was exported.',
    ]);
    expect(outputsTable({})).toBe('This Step has no outputs.');
  });

  it('replaces only what is between the markers and is idempotent', () => {
    const before = `# T\n\nintro\n\n${configurationSection({})}\n## Contributing\n`;
    const { text, missing } = updateReadme(before, sample);
    expect(missing).toEqual([]);
    expect(text).toMatch(/\| `greeting` +\|/);
    expect(text.startsWith('# T\n\nintro\n')).toBe(true);
    expect(text.endsWith('## Contributing\n')).toBe(true);
    expect(updateReadme(text, sample).text).toBe(text);
  });

  it('reports missing markers', () => {
    expect(updateReadme('# T\n<!-- inputs:start -->\n<!-- inputs:end -->\n', sample).missing).toEqual([
      'outputs',
    ]);
  });
});

describe('steps readme', () => {
  it('every real Step README is up to date with its step.yml', () => {
    const out = collect();
    expect(readme({ root: REPO_ROOT, check: true, out }), out.text()).toBe(0);
  });

  it('--check fails on a stale README, a write fixes it, then --check passes', () => {
    const root = fixtureRoot('sample-step');
    const path = join(root, 'steps', 'sample-step', 'README.md');
    writeFileSync(path, `# Sample\n\n${configurationSection({})}`);
    const out = collect();
    expect(readme({ root, check: true, out })).toBe(1);
    expect(out.text()).toContain('steps/sample-step/README.md: out of date');
    expect(readFileSync(path, 'utf8')).not.toContain('greeting');

    expect(readme({ root, out: collect() })).toBe(0);
    expect(readFileSync(path, 'utf8')).toMatch(/\| `greeting` +\|/);
    expect(readme({ root, check: true, out: collect() })).toBe(0);
  });

  it('fails when the markers are missing', () => {
    const root = fixtureRoot('sample-step');
    writeFileSync(join(root, 'steps', 'sample-step', 'README.md'), '# Sample\n');
    const out = collect();
    expect(readme({ root, out })).toBe(1);
    expect(out.text()).toContain('no <!-- inputs:start --> / <!-- inputs:end --> markers');
  });
});
