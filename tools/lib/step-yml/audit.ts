import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import {
  BOOL_OPTS,
  GENERATED_OR_DEPRECATED_KEYS,
  INPUT_KEY,
  OPTS_KEYS,
  OUTPUT_KEY,
  PROJECT_TYPE_TAGS,
  STEP_ID,
  TOP_LEVEL_KEYS,
  TYPE_TAGS,
  URL,
} from './rules.ts';
import { type EnvItem, envItems, envString, isScalarValue, loadStepYml, type StepYml } from './step-yml.ts';

/**
 * Checks a step.yml against what `stepman audit` rejects (AuditBeforeShare) and what Bitrise's
 * step JSON schema flags (step-contract.md §1.4, §1.5, §6). Errors fail the audit; warnings
 * mirror what steps-check downgrades.
 */

export type Severity = 'error' | 'warning';

export interface Problem {
  file: string;
  line?: number;
  /** Where in step.yml, e.g. `inputs[2].api_key_path.opts.title`. */
  key: string;
  message: string;
  severity: Severity;
}

export function auditStepYml(file: string, text?: string): Problem[] {
  const yml = loadStepYml(file, text);
  const problems: Problem[] = [];
  const report = (severity: Severity, path: (string | number)[], message: string) =>
    problems.push({ file, line: yml.lineOf(path), key: formatPath(path), message, severity });
  const error = (path: (string | number)[], message: string) => report('error', path, message);
  const warn = (path: (string | number)[], message: string) => report('warning', path, message);

  for (const message of yml.errors) error([], `YAML: ${message}`);
  if (yml.errors.length > 0) return problems;
  const d = yml.data;

  const id = basename(dirname(file));
  if (!STEP_ID.test(id))
    error([], `the Step folder "${id}" is not a valid Step id (lower-case letters, digits and -)`);

  for (const key of Object.keys(d)) {
    if (key in GENERATED_OR_DEPRECATED_KEYS)
      warn([key], `do not author ${key}: ${GENERATED_OR_DEPRECATED_KEYS[key]}`);
    else if (!TOP_LEVEL_KEYS.has(key))
      warn([key], 'unknown key: ignored by stepman, rejected by the step schema');
  }

  checkTitle(d, error);
  checkSummary(d, error);
  for (const key of ['website', 'source_code_url', 'support_url']) {
    const value = d[key];
    if (typeof value !== 'string' || value.trim() === '') error([key], 'required: an http(s) URL');
    else if (!URL.test(value.trim())) error([key], `"${value}" is not an http(s) URL`);
  }
  if (d['description'] !== undefined && typeof d['description'] !== 'string')
    error(['description'], 'must be a string');

  checkTags(d, error);
  checkTimeouts(d, error);
  checkBools(d, error);
  checkToolkit(yml, error);

  const inputs = checkList(d, 'inputs', error);
  const outputs = checkList(d, 'outputs', error);
  checkItems(inputs, 'inputs', { error, warn });
  checkItems(outputs, 'outputs', { error, warn });
  return problems;
}

type Report = (path: (string | number)[], message: string) => void;

function checkTitle(d: Record<string, unknown>, error: Report): void {
  const title = d['title'];
  if (typeof title !== 'string' || title.trim() === '') error(['title'], 'required: a non-empty string');
}

function checkSummary(d: Record<string, unknown>, error: Report): void {
  const summary = d['summary'];
  if (typeof summary !== 'string' || summary.trim() === '') {
    error(['summary'], 'required: a non-empty string');
    return;
  }
  const text = summary.replace(/\n$/, '');
  if (text.includes('\n')) error(['summary'], 'must be a single line');
  if (text.length > 100) error(['summary'], `is ${text.length} characters long; at most 100 allowed`);
}

function checkTags(d: Record<string, unknown>, error: Report): void {
  const typeTags = d['type_tags'];
  if (typeTags === undefined) error(['type_tags'], `required: at least one of ${TYPE_TAGS.join(', ')}`);
  else if (!Array.isArray(typeTags) || typeTags.length === 0)
    error(['type_tags'], 'must be a non-empty list');
  else {
    typeTags.forEach((tag, i) => {
      if (!(TYPE_TAGS as readonly unknown[]).includes(tag))
        error(['type_tags', i], `"${String(tag)}" is not a type tag; use one of ${TYPE_TAGS.join(', ')}`);
    });
    if (typeTags.includes('notification') && d['is_always_run'] !== true)
      error(['is_always_run'], 'a notification Step must set is_always_run: true');
  }
  const projectTags = d['project_type_tags'];
  if (projectTags !== undefined) {
    if (!Array.isArray(projectTags)) error(['project_type_tags'], 'must be a list');
    else
      projectTags.forEach((tag, i) => {
        if (!(PROJECT_TYPE_TAGS as readonly unknown[]).includes(tag))
          error(
            ['project_type_tags', i],
            `"${String(tag)}" is not a project type tag; use one of ${PROJECT_TYPE_TAGS.join(', ')}`,
          );
      });
  }
}

function checkTimeouts(d: Record<string, unknown>, error: Report): void {
  for (const key of ['timeout', 'no_output_timeout']) {
    const value = d[key];
    if (value === undefined || value === null) continue;
    // yaml.v2 refuses a quoted number for an int field: the CLI would not even parse the Step.
    if (typeof value !== 'number' || !Number.isInteger(value))
      error([key], `must be a whole number of seconds, not ${JSON.stringify(value)}`);
    else if (value < 0) error([key], `must be >= 0, not ${value}`);
  }
}

function checkBools(d: Record<string, unknown>, error: Report): void {
  for (const key of ['is_always_run', 'is_skippable', 'is_requires_admin_user']) {
    if (d[key] !== undefined && typeof d[key] !== 'boolean') error([key], 'must be true or false');
  }
  if (d['run_if'] !== undefined && typeof d['run_if'] !== 'string') error(['run_if'], 'must be a string');
}

function checkToolkit(yml: StepYml, error: Report): void {
  const toolkit = yml.data['toolkit'];
  if (!toolkit || typeof toolkit !== 'object' || Array.isArray(toolkit)) {
    error(['toolkit'], 'required: toolkit: {bash: {entry_file: step.sh}}');
    return;
  }
  const kinds = Object.keys(toolkit);
  if (kinds.length !== 1 || kinds[0] !== 'bash') {
    error(
      ['toolkit'],
      `must be exactly bash (Node Steps run through a bash entry file), found ${kinds.join(', ') || 'nothing'}`,
    );
    return;
  }
  const bash = (toolkit as Record<string, unknown>)['bash'];
  const entry =
    bash && typeof bash === 'object' ? (bash as Record<string, unknown>)['entry_file'] : undefined;
  if (typeof entry !== 'string' || entry.trim() === '') {
    error(['toolkit', 'bash', 'entry_file'], 'required: the bash entry file, e.g. step.sh');
    return;
  }
  const path = join(dirname(yml.file), entry);
  if (!existsSync(path) || !statSync(path).isFile())
    error(['toolkit', 'bash', 'entry_file'], `${entry} does not exist next to step.yml`);
}

function checkList(d: Record<string, unknown>, key: 'inputs' | 'outputs', error: Report): EnvItem[] {
  const list = d[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    error([key], 'must be a list of env items');
    return [];
  }
  return envItems(list);
}

function checkItems(items: EnvItem[], list: 'inputs' | 'outputs', r: { error: Report; warn: Report }): void {
  const seen = new Set<string>();
  for (const item of items) {
    const at = (...rest: (string | number)[]) => [list, item.index, ...rest];
    if (item.shapeError) {
      r.error(at(), item.shapeError);
      if (!item.key) continue;
    }
    const key = item.key;
    if (seen.has(key)) r.error(at(key), `duplicate ${list === 'inputs' ? 'input' : 'output'} key`);
    seen.add(key);
    if (list === 'inputs' && !INPUT_KEY.test(key)) r.error(at(key), 'input keys must be lower snake_case');
    if (list === 'outputs' && !OUTPUT_KEY.test(key)) r.error(at(key), 'output keys must be UPPER_SNAKE_CASE');
    if (!isScalarValue(item.value)) r.error(at(key), 'the value must be a string');
    else if (item.value !== null && item.value !== undefined && typeof item.value !== 'string')
      r.error(
        at(key),
        `the value ${JSON.stringify(item.value)} is not a string: quote it (YAML 1.1 reads yes/no/on/off/numbers as other types)`,
      );

    const opts = item.opts;
    const title = opts['title'];
    if (typeof title !== 'string' || title.trim() === '')
      r.error(at('opts', 'title'), 'required: every input and output needs a title');
    if (
      opts['summary'] === undefined ||
      (typeof opts['summary'] === 'string' && opts['summary'].trim() === '')
    )
      r.warn(at('opts', 'summary'), 'missing: add a one-line summary');
    for (const optKey of Object.keys(opts)) {
      if (!OPTS_KEYS.has(optKey))
        r.error(at('opts', optKey), 'unknown opt: envman ignores it silently (a typo?)');
    }
    for (const flag of BOOL_OPTS) {
      if (opts[flag] !== undefined && typeof opts[flag] !== 'boolean')
        r.error(at('opts', flag), 'must be true or false');
    }
    if (opts['is_sensitive'] === true && opts['is_expand'] === false)
      r.error(
        at('opts', 'is_expand'),
        'For sensitive inputs direct value is not allowed (is_sensitive needs is_expand true)',
      );
    if (opts['is_template'] === true)
      r.warn(at('opts', 'is_template'), '`steps run` does not evaluate Go templates');
    checkValueOptions(item, at, r.error);
  }
}

function checkValueOptions(
  item: EnvItem,
  at: (...rest: (string | number)[]) => (string | number)[],
  error: Report,
): void {
  const options = item.opts['value_options'];
  if (options === undefined) return;
  if (!Array.isArray(options)) {
    error(at('opts', 'value_options'), 'must be a list of strings');
    return;
  }
  if (options.length < 2)
    error(at('opts', 'value_options'), `needs at least 2 options, found ${options.length}`);
  options.forEach((option, i) => {
    if (typeof option !== 'string')
      error(at('opts', 'value_options', i), `${JSON.stringify(option)} is not a string: quote it`);
  });
  const value = envString(item.value);
  if (
    value !== '' &&
    !value.includes('$') &&
    options.every((o) => typeof o === 'string') &&
    !options.includes(value)
  )
    error(at(item.key), `the default "${value}" is not one of the value_options (${options.join(', ')})`);
}

function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out || '(document)';
}

export function formatProblem(problem: Problem, cwd = process.cwd()): string {
  const where = `${relative(cwd, problem.file) || problem.file}${problem.line ? `:${problem.line}` : ''}`;
  return `${where}: ${problem.severity}: ${problem.key}: ${problem.message}`;
}
