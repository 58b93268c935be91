import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { onPath } from '../on-path.ts';
import { consoleOut, type Out, REPO_ROOT } from '../repo.ts';

/**
 * Runs every `test_*` workflow of e2e/bitrise.yml with the Bitrise CLI, in file order, the way
 * bitrise-steplib/steps-check's e2e runner does (step-contract.md §3.3), and prints a summary.
 */

export function testWorkflows(file: string): string[] {
  if (!existsSync(file)) return [];
  const data = (parse(readFileSync(file, 'utf8')) ?? {}) as { workflows?: Record<string, unknown> };
  return Object.keys(data.workflows ?? {}).filter((id) => id.startsWith('test_'));
}

export type WorkflowRunner = (args: string[], cwd: string) => number;

const bitriseRunner: WorkflowRunner = (args, cwd) =>
  spawnSync('bitrise', args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, CI: 'true', BITRISE_ANALYTICS_DISABLED: 'true' },
  }).status ?? 1;

export interface E2eOptions {
  root?: string;
  /** Run all workflows and report, instead of stopping at the first failure. */
  keepGoing?: boolean;
  only?: string[];
  list?: boolean;
  run?: WorkflowRunner;
  out?: Out;
}

export function runE2e(options: E2eOptions = {}): number {
  const root = options.root ?? REPO_ROOT;
  const out = options.out ?? consoleOut;
  const config = join(root, 'e2e', 'bitrise.yml');
  let workflows = testWorkflows(config);
  if (options.only?.length) workflows = workflows.filter((w) => options.only!.includes(w));
  if (options.list) {
    for (const workflow of workflows) out.log(workflow);
    return 0;
  }
  if (workflows.length === 0) {
    out.log('no test_* workflows in e2e/bitrise.yml');
    return 0;
  }
  if (!options.run && !onPath('bitrise')) {
    out.error(
      'the Bitrise CLI (bitrise) is not on PATH; run single Steps with `npx steps run <id> --simulate` instead',
    );
    return 1;
  }
  const inventory = [join(root, 'e2e', '.bitrise.secrets.yml'), join(root, '.bitrise.secrets.yml')].find(
    existsSync,
  );
  const results: Array<[string, boolean]> = [];
  for (const workflow of workflows) {
    const args = ['run', '--config', config, ...(inventory ? ['--inventory', inventory] : []), workflow];
    const ok = (options.run ?? bitriseRunner)(args, root) === 0;
    results.push([workflow, ok]);
    if (!ok && !options.keepGoing) break;
  }
  out.log('E2E summary:');
  for (const [workflow, ok] of results) out.log(`- ${workflow} (${ok ? 'OK' : 'FAIL'})`);
  const skipped = workflows.length - results.length;
  if (skipped > 0) out.log(`(${skipped} not run after the failure; --keep-going runs them all)`);
  return results.every(([, ok]) => ok) && skipped === 0 ? 0 : 1;
}
