// The connection check's speed (issue 13): how long a Step takes, from `bash step.sh` to its exit,
// to fail on a session or key Apple rejects, with 100 ms added to every request; beside it, when
// the path without the check (the official Steps') reaches its first Apple call.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipa } from '../steps/deploy-to-itunes-connect/test/support.ts';
import {
  connectionPayload,
  developmentInputs,
  seededDevelopmentIdentity,
  type Transport,
} from '../testkit/fixtures/provisioning.ts';
import { generateProject } from '../testkit/fixtures/xcode-project.ts';
import { REPO_ROOT, stepYmlDefaults } from '../testkit/harness.ts';
import { startBuildApiSimulator } from '../testkit/simulators/build-api/index.ts';
import { type PortalSimulator, startPortalSimulator } from '../testkit/simulators/portal/index.ts';

interface Row {
  measure: string;
  value: string;
  target: string;
  met: boolean | undefined;
}

const LATENCY_MS = 100;
const TARGET_MS = 1500;
/** The stand-in lane's build before its first Apple call; a real lane builds for 20–40 minutes. */
const STAND_IN_BUILD_S = 5;
const RUNS = Math.min(Number(process.env['BENCH_RUNS'] ?? 10), 10);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const epochMs = () => performance.timeOrigin + performance.now();

/**
 * Shell stand-ins, so no node start-up is measured but the Step's. fastlane's lane "builds" for
 * STAND_IN_BUILD_S seconds, notes when it would make its first Apple call, and fails as spaceship
 * does on a rejected session.
 */
function tools(): { dir: string; marks: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cc-tools-'));
  const marks = join(dir, 'marks');
  const script = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  script(
    'fastlane',
    `[ "$1" = ios ] || { echo "fastlane 2.228.0"; exit 0; }
sleep ${STAND_IN_BUILD_S}
date +%s%N >> "${marks}"
echo "Session loaded from environment variable is not valid. Continuing with normal login."
exit 1`,
  );
  script('xcodebuild', 'echo "Xcode 15.4"; echo "Build version 15F31d"');
  for (const tool of ['gem', 'ruby', 'bundle', 'envman', 'security'])
    script(tool, 'cat >/dev/null 2>&1 </dev/null; exit 0');
  return { dir, marks };
}

function runStepSh(stepId: string, env: Record<string, string>, cwd: string) {
  return new Promise<{ code: number | null; output: string; ms: number }>((resolve) => {
    const started = epochMs();
    const child = spawn('bash', [join(REPO_ROOT, 'steps', stepId, 'step.sh')], { cwd, env });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('close', (code) => resolve({ code, output, ms: epochMs() - started }));
  });
}

type Rejection = 'session' | 'key';

async function world(stepId: string, rejection: Rejection) {
  const sim = await startPortalSimulator({
    latencyMs: LATENCY_MS,
    seed: { devices: [{ udid: '00008030-001A2B3C4D5E6F70' }] },
  });
  const transport: Transport = rejection === 'session' ? 'apple_id' : 'api_key';
  const api = await startBuildApiSimulator({ payload: connectionPayload(sim, transport) });
  api.setFault({ mode: 'slow', delayMs: LATENCY_MS });
  if (rejection === 'session') sim.expireSession();
  else sim.connection.apiKeyRevoked = true;
  const work = mkdtempSync(join(tmpdir(), 'bench-cc-src-'));
  const t = tools();
  const env: Record<string, string> = {
    PATH: `${t.dir}:${process.env['PATH']}`,
    HOME: work,
    BITRISE_SOURCE_DIR: work,
    ...sim.hostMapEnv,
  };
  const inputs: Record<string, string> = {
    connection: transport,
    build_url: api.url,
    build_api_token: api.token,
    ...stepInputs(stepId, sim, work),
  };
  Object.assign(env, stepYmlDefaults(stepId, env), inputs);
  return { sim, api, env, work, marks: t.marks };
}

function stepInputs(stepId: string, sim: PortalSimulator, work: string): Record<string, string> {
  if (stepId === 'fastlane-wrapper')
    return { lane: 'ios beta', enable_cache: 'no', update_fastlane: 'false' };
  if (stepId === 'deploy-to-itunes-connect') {
    // An API key uploads through the App Store Connect API, an Apple ID through deliver.
    sim.state.appStore.seed({ apps: [{ bundleId: 'io.bitrise.sample', id: '1500000001', name: 'Sample' }] });
    writeFileSync(join(work, 'App.ipa'), ipa({ bundleId: 'io.bitrise.sample' }));
    return { ipa_path: join(work, 'App.ipa'), bundle_id: 'io.bitrise.sample' };
  }
  const dir = join(work, 'signing');
  mkdirSync(dir, { recursive: true });
  const identity = seededDevelopmentIdentity(sim, dir);
  const project = generateProject({ dir: join(dir, 'project'), extensions: 0 });
  return { ...developmentInputs(identity, project), dry_run: 'yes' };
}

export interface ConnectionCheckFigures {
  latencyMs: number;
  /** Median ms from `bash step.sh` to exit, by Step and rejection. */
  failFastMs: Record<string, number>;
  /** Without the check: ms from `bash step.sh` to the stand-in lane's first Apple call. */
  withoutCheck: { standInBuildS: number; firstAppleCallMs: number };
}

export async function connectionCheckBench(rows: Row[]): Promise<ConnectionCheckFigures> {
  const failFastMs: Record<string, number> = {};
  for (const stepId of ['fastlane-wrapper', 'deploy-to-itunes-connect', 'auto-provision']) {
    for (const rejection of ['session', 'key'] as const) {
      const w = await world(stepId, rejection);
      const times: number[] = [];
      try {
        for (let i = 0; i < RUNS; i++) {
          const result = await runStepSh(stepId, w.env, w.work);
          if (result.code !== 1 || !/Apple (no longer accepts|rejects)/.test(result.output))
            throw new Error(`${stepId} did not fail on the rejected ${rejection}:\n${result.output}`);
          times.push(result.ms);
        }
      } finally {
        await w.api.close();
        await w.sim.close();
      }
      const ms = median(times);
      failFastMs[`${stepId}/${rejection}`] = ms;
      rows.push({
        measure: `${stepId}: rejected ${rejection === 'session' ? 'session' : 'API key'}, step.sh → exit (${LATENCY_MS} ms/request)`,
        value: `${ms.toFixed(0)} ms`,
        target: `≤ ${TARGET_MS} ms`,
        met: ms <= TARGET_MS,
      });
    }
  }

  // The path without the check: the lane builds, and the first Apple call finds the session gone.
  const w = await world('fastlane-wrapper', 'session');
  Object.assign(w.env, { check_connection: 'no' });
  const times: number[] = [];
  try {
    for (let i = 0; i < Math.min(RUNS, 3); i++) {
      writeFileSync(w.marks, '');
      const started = BigInt(Math.round(epochMs() * 1e6));
      await runStepSh('fastlane-wrapper', w.env, w.work);
      const mark = BigInt(readFileSync(w.marks, 'utf8').trim().split('\n')[0]!);
      times.push(Number(mark - started) / 1e6);
    }
  } finally {
    await w.api.close();
    await w.sim.close();
  }
  const firstAppleCallMs = median(times);
  rows.push({
    measure: `without the check: step.sh → first Apple call (lane builds ${STAND_IN_BUILD_S} s first)`,
    value: `${(firstAppleCallMs / 1000).toFixed(1)} s`,
    target: 'comparison',
    met: undefined,
  });
  rows.push({
    measure: 'without the check, a lane building 20–40 min: first Apple call after',
    value: '20–40 min',
    target: 'comparison',
    met: undefined,
  });
  return {
    latencyMs: LATENCY_MS,
    failFastMs,
    withoutCheck: { standInBuildS: STAND_IN_BUILD_S, firstAppleCallMs },
  };
}
