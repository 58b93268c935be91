import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { REPO_ROOT } from '../repo.ts';
import { UsageError } from '../usage-error.ts';
import { generateStep } from './generate.ts';
import { configurationSection } from './readme.ts';
import { STEP_ID, TYPE_TAGS } from './rules.ts';
import { loadSharedBlocks } from './shared-blocks.ts';
import { outputKeyFor, stepIdFromTitle } from './slug.ts';
import { loadStepYml } from './step-yml.ts';

export interface NewStepAnswers {
  title: string;
  /** Default: derived from the title with the official slug rule. */
  id?: string;
  summary: string;
  /** Default: the summary. */
  description?: string;
  typeTag: string;
  author: string;
  website: string;
  sourceCodeUrl: string;
  supportUrl: string;
}

export interface PlannedStep {
  id: string;
  dir: string;
  /** Relative to the Step folder. */
  files: Map<string, string>;
  workflow: string;
}

const TEMPLATES_DIR = join(REPO_ROOT, 'step.yml.templates');

/** YAML-safe plain scalar: quoted only when YAML 1.1 would read something else. */
function yamlScalar(value: string): string {
  return stringify(value, { version: '1.1' }).trimEnd();
}

/** A TS string literal as biome formats it: single quotes unless that needs more escapes. */
function tsString(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  if (value.includes("'") && !value.includes('"')) return `"${escaped}"`;
  return `'${escaped.replace(/'/g, "\\'")}'`;
}

function indentBlock(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => (line.trim() ? `  ${line.trimEnd()}` : ''))
    .join('\n');
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (match, name: string) => {
    if (!(name in values)) throw new Error(`template placeholder ${match} has no value`);
    return values[name]!;
  });
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, join(prefix, name)) : [join(prefix, name)];
  });
}

function validateAnswers(answers: NewStepAnswers): string[] {
  const problems: string[] = [];
  const id = answers.id ?? stepIdFromTitle(answers.title);
  if (!answers.title.trim()) problems.push('title: required');
  if (!STEP_ID.test(id))
    problems.push(`id: "${id}" is not a valid Step id (a-z, 0-9 and -, not at either end)`);
  if (!answers.summary.trim()) problems.push('summary: required');
  if (answers.summary.includes('\n')) problems.push('summary: must be one line');
  if (answers.summary.length > 100)
    problems.push(`summary: ${answers.summary.length} characters; at most 100`);
  if (!(TYPE_TAGS as readonly string[]).includes(answers.typeTag))
    problems.push(`type tag: "${answers.typeTag}" is not one of ${TYPE_TAGS.join(', ')}`);
  for (const [key, url] of [
    ['website', answers.website],
    ['source code URL', answers.sourceCodeUrl],
    ['support URL', answers.supportUrl],
  ] as const) {
    if (!/^https?:\/\/\S+$/.test(url)) problems.push(`${key}: "${url}" is not an http(s) URL`);
  }
  return problems;
}

/** Renders the skeleton for a new Step, without touching the disk. */
export function planNewStep(
  answers: NewStepAnswers,
  root = REPO_ROOT,
  templatesDir = TEMPLATES_DIR,
): PlannedStep {
  const problems = validateAnswers(answers);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  const id = answers.id ?? stepIdFromTitle(answers.title);
  const description = (answers.description ?? '').trim() || answers.summary;
  const values: Record<string, string> = {
    id,
    title: yamlScalar(answers.title),
    summary: yamlScalar(answers.summary),
    description: indentBlock(description),
    website: yamlScalar(answers.website),
    source_code_url: yamlScalar(answers.sourceCodeUrl),
    support_url: yamlScalar(answers.supportUrl),
    type_tag: answers.typeTag,
    output_key: outputKeyFor(id, 'MESSAGE'),
    title_ts: tsString(answers.title),
    author: answers.author || 'unknown',
    description_md: description,
  };
  const skeleton = join(templatesDir, 'skeleton');
  const files = new Map<string, string>();
  for (const file of listFiles(skeleton)) {
    if (file === 'README.md.tmpl') continue;
    files.set(file.replace(/\.tmpl$/, ''), fill(readFileSync(join(skeleton, file), 'utf8'), values));
  }
  // What `npm run build` writes from step.yml: its shared input blocks and the input schema.
  const generated = generateStep(
    root,
    id,
    loadSharedBlocks(join(templatesDir, 'inputs')),
    files.get('step.yml'),
  );
  if (generated.problems.length > 0)
    throw new Error(`the skeleton produced an invalid step.yml: ${generated.problems[0]}`);
  for (const file of generated.files) files.set(relative(join(root, 'steps', id), file.path), file.text);
  const stepYml = loadStepYml(join(root, 'steps', id, 'step.yml'), files.get('step.yml'));
  // README text is Markdown, not YAML: plain title and summary.
  const readmeValues = {
    ...values,
    title: answers.title,
    summary: answers.summary,
    configuration: configurationSection(stepYml.data),
  };
  files.set('README.md', fill(readFileSync(join(skeleton, 'README.md.tmpl'), 'utf8'), readmeValues));
  return { id, dir: join(root, 'steps', id), files, workflow: `test_${id}` };
}

/**
 * Adds the Step's test workflow to e2e/bitrise.yml, creating the file if needed. Like the other
 * e2e workflows it puts the recording stand-ins first on PATH (never an envman: the CLI's own
 * exports the outputs) and, when the assert-outputs Step exists, checks the exported message in
 * the following Step, byte for byte.
 */
function addE2eWorkflow(root: string, plan: PlannedStep, title: string): string {
  const path = join(root, 'e2e', 'bitrise.yml');
  const text = existsSync(path)
    ? readFileSync(path, 'utf8')
    : 'format_version: "11"\ndefault_step_lib_source: https://github.com/bitrise-io/bitrise-steplib.git\n';
  const doc = parseDocument(text);
  if (doc.hasIn(['workflows', plan.workflow]))
    throw new UsageError(`e2e/bitrise.yml already has ${plan.workflow}`);
  if (!doc.has('workflows') || doc.get('workflows') === null) doc.set('workflows', doc.createNode({}));
  const assert = existsSync(join(root, 'testkit', 'steps', 'assert-outputs', 'step.yml'));
  const outputKey = outputKeyFor(plan.id, 'MESSAGE');
  const message = `Hello from ${plan.workflow}`;
  const steps: unknown[] = [
    { [`path::./steps/${plan.id}`]: { title, inputs: [{ message }] } },
    ...(assert
      ? [
          {
            'path::./testkit/steps/assert-outputs': {
              title: `The next Step gets ${outputKey}`,
              inputs: [{ equals: `${outputKey}=${JSON.stringify(message)}` }],
            },
          },
        ]
      : []),
  ];
  doc.setIn(
    ['workflows', plan.workflow],
    doc.createNode({
      title: `${title}: prints and exports the message`,
      steps,
    }),
  );
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, doc.toString({ lineWidth: 0 }));
  return path;
}

export interface CreateOptions {
  root?: string;
  templatesDir?: string;
  /** Bundle the new Step (default true); `build` receives the Step id. */
  build?: (id: string, root: string) => Promise<void>;
}

/** Writes a new Step folder, its bundle and its e2e workflow; refuses an existing folder. */
export async function createStep(answers: NewStepAnswers, options: CreateOptions = {}): Promise<PlannedStep> {
  const root = options.root ?? REPO_ROOT;
  const plan = planNewStep(answers, root, options.templatesDir);
  if (existsSync(plan.dir))
    throw new UsageError(`steps/${plan.id} already exists; pick another title or --id`);
  const e2e = join(root, 'e2e', 'bitrise.yml');
  if (existsSync(e2e) && parseDocument(readFileSync(e2e, 'utf8')).hasIn(['workflows', plan.workflow]))
    throw new UsageError(`e2e/bitrise.yml already has ${plan.workflow}`);
  for (const [file, content] of plan.files) {
    const path = join(plan.dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  chmodSync(join(plan.dir, 'step.sh'), 0o755);
  const e2eFile = addE2eWorkflow(root, plan, answers.title);
  formatWithBiome(root, [...[...plan.files.keys()].map((f) => join(plan.dir, f)), e2eFile]);
  // Built last: the bundle's source map holds the formatted sources.
  await (options.build ?? buildOne)(plan.id, root);
  return plan;
}

async function buildOne(id: string, root: string): Promise<void> {
  const { buildStep } = await import('../../build.mjs');
  const files = await buildStep(id, root);
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.contents);
  }
}

/**
 * `npm run lint` is `biome check .`, which formats TS, Markdown and (depending on content) YAML;
 * the generated files are put in that shape so the new Step passes lint unedited.
 */
function formatWithBiome(root: string, files: string[]): void {
  const biome = join(root, 'node_modules', '.bin', 'biome');
  if (!existsSync(biome) || files.length === 0) return;
  spawnSync(biome, ['check', '--write', ...files.map((f) => relative(root, f))], {
    cwd: root,
    stdio: 'ignore',
  });
}
