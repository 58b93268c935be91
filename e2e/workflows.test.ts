import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { testWorkflows as listTestWorkflows } from '../tools/lib/e2e.ts';
import { applyEnvItem, type EnvMap } from '../tools/lib/env-items.ts';
import { envItems } from '../tools/lib/step-yml.ts';
import { REPO_ROOT } from './harness.ts';

interface Workflow {
  envs?: unknown[];
  steps?: Array<Record<string, { inputs?: unknown[]; title?: string; is_skippable?: boolean } | null>>;
}

const bitriseYml = parse(readFileSync(join(REPO_ROOT, 'e2e', 'bitrise.yml'), 'utf8')) as {
  app?: { envs?: unknown[] };
  workflows: Record<string, Workflow>;
};
const testWorkflows = listTestWorkflows(join(REPO_ROOT, 'e2e', 'bitrise.yml'));

/**
 * Runs one workflow the way the Bitrise CLI would for path:: Steps: app envs, then workflow envs,
 * then each Step's step.yml inputs with the bitrise.yml overrides, expanded in order, and
 * `bash step.sh` from the repository root.
 */
function runWorkflow(id: string): { ok: boolean; log: string } {
  const deployDir = mkdtempSync(join(tmpdir(), 'e2e-deploy-'));
  const env: EnvMap = new Map(
    Object.entries({
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      BITRISE_SOURCE_DIR: REPO_ROOT,
      BITRISE_DEPLOY_DIR: deployDir,
      CI: 'true',
    }),
  );
  for (const item of envItems(bitriseYml.app?.envs ?? [])) applyEnvItem(env, item);
  const workflow = bitriseYml.workflows[id]!;
  for (const item of envItems(workflow.envs ?? [])) applyEnvItem(env, item);
  let log = '';
  for (const entry of workflow.steps ?? []) {
    const [ref, config] = Object.entries(entry)[0]!;
    if (!ref.startsWith('path::')) throw new Error(`${id}: only path:: Steps can run offline, found ${ref}`);
    const dir = join(REPO_ROOT, ref.slice('path::'.length));
    const stepYml = parse(readFileSync(join(dir, 'step.yml'), 'utf8')) as { inputs?: unknown[] };
    const overrides = new Map(envItems(config?.inputs ?? []).map((item) => [item.key, item]));
    const stepEnv: EnvMap = new Map(env);
    for (const item of envItems(stepYml.inputs ?? [])) {
      const override = overrides.get(item.key);
      applyEnvItem(
        stepEnv,
        override ? { ...item, value: override.value, opts: { ...item.opts, ...override.opts } } : item,
      );
    }
    const result = spawnSync('bash', [join(dir, 'step.sh')], {
      cwd: REPO_ROOT,
      env: Object.fromEntries(stepEnv),
      encoding: 'utf8',
    });
    log += `--- ${config?.title ?? ref}\n${result.stdout}${result.stderr}`;
    if (result.status !== 0 && !config?.is_skippable) return { ok: false, log };
  }
  return { ok: true, log };
}

describe('e2e/bitrise.yml test workflows, run with Bitrise CLI semantics', () => {
  it.each(testWorkflows)('%s succeeds', (id) => {
    const { ok, log } = runWorkflow(id);
    expect(ok, log).toBe(true);
  });
});
