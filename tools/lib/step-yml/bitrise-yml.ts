import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { envItems, loadStepYml } from './step-yml.ts';

/**
 * Static checks of a bitrise.yml against what the Bitrise CLI would refuse or silently drop:
 * format_version, path:: Steps that do not exist, inputs a Step does not declare (the CLI drops
 * them, step-contract.md §2.2), and before_run/after_run workflows that do not exist.
 */

/** The newest format_version every Bitrise CLI 2.x accepts (2.0 shipped format "11"). */
const MAX_FORMAT_VERSION = 11;

export interface BitriseYmlProblem {
  where: string;
  message: string;
}

export interface ValidateOptions {
  /** path:: refs resolve against this directory, as against the CLI's cwd. */
  root: string;
}

export function validateBitriseYml(file: string, options: ValidateOptions): BitriseYmlProblem[] {
  const problems: BitriseYmlProblem[] = [];
  const problem = (where: string, message: string) => problems.push({ where, message });
  let data: Record<string, unknown>;
  try {
    data = (parse(readFileSync(file, 'utf8'), { version: '1.1' }) ?? {}) as Record<string, unknown>;
  } catch (err) {
    return [{ where: '(document)', message: `YAML: ${(err as Error).message.split('\n')[0]}` }];
  }

  const version = data['format_version'];
  if (typeof version !== 'string') problem('format_version', 'required, as a quoted string such as "11"');
  else if (!/^\d+(\.\d+){0,2}$/.test(version) || Number.parseInt(version, 10) > MAX_FORMAT_VERSION)
    problem(
      'format_version',
      `"${version}" is not accepted by every Bitrise CLI 2.x (use at most "${MAX_FORMAT_VERSION}")`,
    );

  const workflows = data['workflows'];
  if (!workflows || typeof workflows !== 'object') {
    problem('workflows', 'required: a map of workflows');
    return problems;
  }
  const ids = new Set(Object.keys(workflows));
  for (const [id, raw] of Object.entries(workflows as Record<string, unknown>)) {
    const workflow = (raw ?? {}) as Record<string, unknown>;
    if (!/^[A-Za-z0-9_.-]+$/.test(id))
      problem(`workflows.${id}`, 'workflow ids may only use A-Z a-z 0-9 _ . -');
    for (const list of ['before_run', 'after_run'] as const) {
      const refs = workflow[list];
      if (refs === undefined || refs === null) continue;
      if (!Array.isArray(refs)) {
        problem(`workflows.${id}.${list}`, 'must be a list of workflow ids');
        continue;
      }
      for (const ref of refs)
        if (!ids.has(String(ref))) problem(`workflows.${id}.${list}`, `no workflow "${ref}"`);
    }
    const steps = workflow['steps'];
    if (steps === undefined || steps === null) continue;
    if (!Array.isArray(steps)) {
      problem(`workflows.${id}.steps`, 'must be a list');
      continue;
    }
    steps.forEach((entry, index) => {
      const where = `workflows.${id}.steps[${index}]`;
      if (!entry || typeof entry !== 'object' || Object.keys(entry).length !== 1) {
        problem(where, 'each step must be a map with exactly one step reference');
        return;
      }
      const [ref, body] = Object.entries(entry as Record<string, unknown>)[0]!;
      checkStep(ref, (body ?? {}) as Record<string, unknown>, `${where} ${ref}`, options, problem);
    });
  }
  return problems;
}

function checkStep(
  ref: string,
  body: Record<string, unknown>,
  where: string,
  options: ValidateOptions,
  problem: (where: string, message: string) => void,
): void {
  if (!ref.startsWith('path::')) return; // StepLib and git:: Steps cannot be checked offline.
  const dir = resolve(options.root, ref.slice('path::'.length));
  const ymlPath = join(dir, 'step.yml');
  if (!existsSync(ymlPath)) {
    problem(where, `no step.yml at ${ymlPath}`);
    return;
  }
  const step = loadStepYml(ymlPath);
  if (step.errors.length) {
    problem(where, `its step.yml does not parse: ${step.errors[0]}`);
    return;
  }
  const declared = new Set(envItems(step.data['inputs']).map((item) => item.key));
  const inputs = body['inputs'];
  if (inputs === undefined || inputs === null) return;
  if (!Array.isArray(inputs)) {
    problem(`${where}.inputs`, 'must be a list of `- key: value` items');
    return;
  }
  const seen = new Set<string>();
  for (const item of envItems(inputs)) {
    if (item.shapeError) problem(`${where}.inputs[${item.index}]`, item.shapeError);
    if (!item.key) continue;
    if (!declared.has(item.key))
      problem(
        `${where}.inputs.${item.key}`,
        `not an input of the Step (the CLI drops it); declared: ${[...declared].join(', ')}`,
      );
    if (seen.has(item.key)) problem(`${where}.inputs.${item.key}`, 'given twice');
    seen.add(item.key);
  }
}
