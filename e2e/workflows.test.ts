import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { E2E_ENVMAN_DIR } from '../testkit/envman/index.ts';
import { REPO_ROOT } from '../testkit/harness.ts';
import { testWorkflows as listTestWorkflows } from '../tools/lib/bitrise-cli/e2e.ts';
import { applyEnvItem, type EnvMap } from '../tools/lib/bitrise-cli/env-items.ts';
import { applyEnvStore } from '../tools/lib/bitrise-cli/envstore.ts';
import { envItems, isSensitiveOpt } from '../tools/lib/step-yml/step-yml.ts';

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
 * Runs one workflow the way the Bitrise CLI would for path:: Steps: its own envman first on PATH
 * and a fresh ENVMAN_ENVSTORE_PATH per Step; app envs, then workflow envs, then each Step's
 * step.yml inputs with the bitrise.yml overrides, expanded in order; `bash step.sh` from the
 * repository root; then the Step's exported items appended for later Steps with envman's
 * expansion rules, and sensitive ones (`--sensitive` or step.yml `is_sensitive`) redacted from
 * every later line of the log.
 */
function runWorkflow(id: string): { ok: boolean; log: string } {
  const workDir = mkdtempSync(join(tmpdir(), 'e2e-workflow-'));
  const env: EnvMap = new Map(
    Object.entries({
      PATH: `${E2E_ENVMAN_DIR}:${process.env['PATH'] ?? ''}`,
      HOME: process.env['HOME'] ?? '',
      BITRISE_SOURCE_DIR: REPO_ROOT,
      BITRISE_DEPLOY_DIR: join(workDir, 'deploy'),
      CI: 'true',
    }),
  );
  const secrets: string[] = [];
  const redact = (text: string) =>
    secrets.reduce((out, secret) => out.split(secret).join('[REDACTED]'), text);
  for (const item of envItems(bitriseYml.app?.envs ?? [])) applyEnvItem(env, item);
  const workflow = bitriseYml.workflows[id]!;
  for (const item of envItems(workflow.envs ?? [])) applyEnvItem(env, item);
  let log = '';
  try {
    for (const [index, entry] of (workflow.steps ?? []).entries()) {
      const [ref, config] = Object.entries(entry)[0]!;
      if (!ref.startsWith('path::'))
        throw new Error(`${id}: only path:: Steps can run offline, found ${ref}`);
      const dir = join(REPO_ROOT, ref.slice('path::'.length));
      const stepYml = parse(readFileSync(join(dir, 'step.yml'), 'utf8')) as {
        inputs?: unknown[];
        outputs?: unknown[];
      };
      const overrides = new Map(envItems(config?.inputs ?? []).map((item) => [item.key, item]));
      const stepEnv: EnvMap = new Map(env);
      const envStore = join(workDir, `envstore-${index}.yml`);
      stepEnv.set('ENVMAN_ENVSTORE_PATH', envStore);
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
      log += redact(`--- ${config?.title ?? ref}\n${result.stdout}${result.stderr}`);
      if (result.status !== 0 && !config?.is_skippable) return { ok: false, log };
      const sensitiveOutputs = new Set(
        envItems(stepYml.outputs ?? [])
          .filter((item) => isSensitiveOpt(item.opts))
          .map((item) => item.key),
      );
      for (const key of applyEnvStore(env, envStore, sensitiveOutputs)) {
        const value = env.get(key) ?? '';
        // Like the CLI's redactor, a multi-line secret is also hidden line by line.
        for (const part of [value, ...value.split('\n')]) if (part.trim().length >= 4) secrets.push(part);
      }
      secrets.sort((a, b) => b.length - a.length);
    }
    return { ok: true, log };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

describe('e2e/bitrise.yml test workflows, run with Bitrise CLI semantics', () => {
  it.each(testWorkflows)('%s succeeds', (id) => {
    const { ok, log } = runWorkflow(id);
    expect(ok, log).toBe(true);
  });

  it('shows sensitive outputs to later Steps only as [REDACTED]', () => {
    const { ok, log } = runWorkflow('test_fastlane_wrapper_exports_session');
    expect(ok, log).toBe(true);
    for (const key of ['FASTLANE_SESSION', 'FASTLANE_USER', 'FASTLANE_PASSWORD'])
      expect(log).toContain(`${key} (sensitive): [REDACTED]`);
    expect(log).not.toContain('e2e-dollars@example.com');
  });

  it("never puts a stand-in envman ahead of the CLI's own", () => {
    const paths = Object.values(bitriseYml.workflows).flatMap((workflow) =>
      envItems(workflow.envs ?? [])
        .filter((item) => item.key === 'PATH')
        .map((item) => String(item.value)),
    );
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths)
      for (const dir of path.split(':').filter((d) => d.startsWith('$BITRISE_SOURCE_DIR/')))
        expect(existsSync(join(REPO_ROOT, dir.slice('$BITRISE_SOURCE_DIR/'.length), 'envman'))).toBe(false);
  });
});
