import { envItems, envString } from './step-yml.ts';

/**
 * The Configuration tables of a Step README, generated from step.yml between markers, in the
 * layout of bitrise-steplib/steps-readme-generator (step-contract.md §3.5).
 */
const MARKERS = {
  inputs: { start: '<!-- inputs:start -->', end: '<!-- inputs:end -->' },
  outputs: { start: '<!-- outputs:start -->', end: '<!-- outputs:end -->' },
} as const;

export type Section = keyof typeof MARKERS;

function cell(text: string): string {
  return text
    .trim()
    .replace(/\r?\n+/g, ' ')
    .replace(/\|/g, '\\|');
}

function code(text: string): string {
  if (text === '') return '';
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${cell(text)}${pad}${fence}`;
}

function describe(opts: Record<string, unknown>): string {
  const summary = typeof opts['summary'] === 'string' ? opts['summary'] : '';
  const title = typeof opts['title'] === 'string' ? opts['title'] : '';
  return cell(summary || title);
}

/** A Markdown table with padded columns, exactly as biome formats it, so lint and --check agree. */
function markdownTable(header: string[], rows: string[][]): string {
  const width = (text: string) => [...text].length;
  const widths = header.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function inputsTable(step: Record<string, unknown>): string {
  const items = envItems(step['inputs']);
  if (items.length === 0) return 'This Step has no inputs.';
  const rows = items.map((item) => {
    const flags = [
      item.opts['is_required'] === true && 'required',
      item.opts['is_sensitive'] === true && 'sensitive',
    ]
      .filter(Boolean)
      .join(', ');
    return [`\`${item.key}\``, describe(item.opts), flags, code(envString(item.value))];
  });
  return markdownTable(['Key', 'Description', 'Flags', 'Default'], rows);
}

export function outputsTable(step: Record<string, unknown>): string {
  const items = envItems(step['outputs']);
  if (items.length === 0) return 'This Step has no outputs.';
  const rows = items.map((item) => [`\`${item.key}\``, describe(item.opts)]);
  return markdownTable(['Environment Variable', 'Description'], rows);
}

export interface ReadmeUpdate {
  text: string;
  /** Sections whose markers are missing or out of order; their tables could not be placed. */
  missing: Section[];
}

/** Replaces what is between each pair of markers with the table from step.yml. */
export function updateReadme(readme: string, step: Record<string, unknown>): ReadmeUpdate {
  const tables: Record<Section, string> = { inputs: inputsTable(step), outputs: outputsTable(step) };
  const missing: Section[] = [];
  let text = readme;
  for (const section of Object.keys(MARKERS) as Section[]) {
    const { start, end } = MARKERS[section];
    const from = text.indexOf(start);
    const to = text.indexOf(end, from + start.length);
    if (from < 0 || to < 0) {
      missing.push(section);
      continue;
    }
    text = `${text.slice(0, from + start.length)}\n${tables[section]}\n${text.slice(to)}`;
  }
  return { text, missing };
}

/** The Configuration section a README without markers needs; `steps new` writes it too. */
export function configurationSection(step: Record<string, unknown>): string {
  return [
    '## ⚙️ Configuration',
    '',
    '### Inputs',
    '',
    MARKERS.inputs.start,
    inputsTable(step),
    MARKERS.inputs.end,
    '',
    '### Outputs',
    '',
    MARKERS.outputs.start,
    outputsTable(step),
    MARKERS.outputs.end,
    '',
  ].join('\n');
}
