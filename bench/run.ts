// `npm run bench`: Step start-up overhead, bundle sizes, peak memory, auto-provision timings and the API upload,
// printed as a table with each target met or missed, and saved to bench/results/latest.json.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionPayload } from '../testkit/fixtures/provisioning.ts';
import { REPO_ROOT, stepYmlDefaults } from '../testkit/harness.ts';
import { startBuildApiSimulator } from '../testkit/simulators/build-api/index.ts';
import { startPortalSimulator } from '../testkit/simulators/portal/index.ts';
import { autoProvisionBench } from './auto-provision.ts';
import { connectionCheckBench } from './connection-check.ts';
import { deployUploadBench } from './deploy-upload.ts';
import { httpsFront } from './https-front.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 20);
const TARGETS = { overheadRatio: 2.5, bundleBytes: 1.5 * 1024 * 1024, peakRssMb: 100 };

interface Row {
  measure: string;
  value: string;
  target: string;
  met: boolean | undefined;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Async, so the simulators running in this process keep answering while a Step runs. */
function run(command: string, args: string[], options: { cwd: string; env: Record<string, string> }) {
  return new Promise<{ status: number | null; output: string }>((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('close', (status) => resolve({ status, output }));
  });
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Minimal stand-ins: shell scripts that only note when they start, so they add no node start-up. */
function benchTools(): { dir: string; marks: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tools-'));
  const marks = join(dir, 'marks');
  const script = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  script('fastlane', `[ "$1" = ios ] && date +%s%N >> "${marks}"; exit 0`);
  for (const tool of ['gem', 'ruby', 'bundle', 'envman', 'xcodebuild', 'security'])
    script(tool, 'cat >/dev/null 2>&1 </dev/null; exit 0');
  return { dir, marks };
}

function nodeFloorSample(): number {
  const start = nowMs();
  spawnSync(process.execPath, ['-e', '']);
  return nowMs() - start;
}

interface Overhead {
  floorMs: number;
  /** step.sh → lane start with a valid session that the connection check asks Apple about. */
  checkedMs: number;
  /** The same with check_connection no. */
  uncheckedMs: number;
  peakRssMb: number;
}

/**
 * A valid connection: the simulated Apple accepts the session, so the Step's connection check
 * (on by default) asks it and waits for its answer before fastlane starts, as on bitrise.io.
 * The node floor, the checked and the unchecked run take turns, so a busy machine slows all alike.
 */
async function fastlaneOverhead(): Promise<Overhead> {
  const portal = await startPortalSimulator();
  const sim = await startBuildApiSimulator({
    payload: connectionPayload(portal, 'apple_id'),
    token: 'bench-token-123456',
  });
  // The build API over https, as on bitrise.io: the Step's first TLS connection is its fetch.
  const front = await httpsFront(sim.url, portal.hostMapEnv);
  const tools = benchTools();
  const work = mkdtempSync(join(tmpdir(), 'bench-src-'));
  const rssFile = join(tools.dir, 'rss');
  const preload = join(tools.dir, 'rss.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => require('fs').appendFileSync(${JSON.stringify(rssFile)}, process.resourceUsage().maxRSS + '\\n'));`,
  );
  const env: Record<string, string> = {
    PATH: `${tools.dir}:${process.env['PATH']}`,
    HOME: work,
    BITRISE_SOURCE_DIR: work,
    lane: 'ios beta',
    build_url: front.buildUrl,
    build_api_token: sim.token,
    update_fastlane: 'false',
    NODE_OPTIONS: `--require ${preload}`,
    ...front.env,
  };
  Object.assign(env, stepYmlDefaults('fastlane-wrapper', env), {
    lane: 'ios beta',
    build_url: front.buildUrl,
    build_api_token: sim.token,
    update_fastlane: 'false',
    enable_cache: 'no',
  });
  const toLane = async (checkConnection: 'yes' | 'no') => {
    writeFileSync(tools.marks, '');
    // Epoch nanoseconds, comparable with the stand-in's `date +%s%N`.
    const started = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
    const result = await run('bash', [join(REPO_ROOT, 'steps/fastlane-wrapper/step.sh')], {
      cwd: work,
      env: { ...env, check_connection: checkConnection },
    });
    if (result.status !== 0) throw new Error(`fastlane-wrapper failed in the benchmark:\n${result.output}`);
    const mark = BigInt(readFileSync(tools.marks, 'utf8').trim().split('\n')[0]!);
    return Number(mark - started) / 1e6;
  };
  const floor: number[] = [];
  const checked: number[] = [];
  const unchecked: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      floor.push(nodeFloorSample());
      checked.push(await toLane('yes'));
      unchecked.push(await toLane('no'));
    }
  } finally {
    await front.close();
    await sim.close();
    await portal.close();
  }
  const rss = readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
  return {
    floorMs: median(floor),
    checkedMs: median(checked),
    uncheckedMs: median(unchecked),
    peakRssMb: Math.max(...rss) / 1024,
  };
}

async function peakRss(stepId: string, inputs: Record<string, string>): Promise<number | undefined> {
  const tools = benchTools();
  const work = mkdtempSync(join(tmpdir(), 'bench-rss-'));
  const rssFile = join(tools.dir, 'rss');
  const preload = join(tools.dir, 'rss.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));`,
  );
  const env: Record<string, string> = {
    PATH: `${tools.dir}:${process.env['PATH']}`,
    HOME: work,
    BITRISE_SOURCE_DIR: work,
    NODE_OPTIONS: `--require ${preload}`,
  };
  Object.assign(env, stepYmlDefaults(stepId, env), inputs);
  await run('bash', [join(REPO_ROOT, 'steps', stepId, 'step.sh')], { cwd: work, env });
  return existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : undefined;
}

async function main() {
  const rows: Row[] = [];
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    runs: RUNS,
    node: process.version,
  };

  const overhead = await fastlaneOverhead();
  const floor = overhead.floorMs;
  const ratio = overhead.checkedMs / floor;
  results['overhead'] = {
    floorMs: floor,
    fastlaneWrapperMs: overhead.checkedMs,
    ratio,
    withoutConnectionCheckMs: overhead.uncheckedMs,
  };
  rows.push({
    measure: `node -e "" (median of ${RUNS})`,
    value: `${floor.toFixed(1)} ms`,
    target: 'floor',
    met: undefined,
  });
  rows.push({
    measure: 'fastlane-wrapper: step.sh start → lane start (valid session, checked)',
    value: `${overhead.checkedMs.toFixed(1)} ms`,
    target: '',
    met: undefined,
  });
  rows.push({
    measure: 'fastlane-wrapper: the same with check_connection no',
    value: `${overhead.uncheckedMs.toFixed(1)} ms`,
    target: '',
    met: undefined,
  });
  rows.push({
    measure: 'overhead ratio to the node floor',
    value: `${ratio.toFixed(2)}×`,
    target: `≤ ${TARGETS.overheadRatio}×`,
    met: ratio <= TARGETS.overheadRatio,
  });

  const bundles: Record<string, number> = {};
  const rss: Record<string, number | undefined> = { 'fastlane-wrapper': overhead.peakRssMb };
  for (const id of ['fastlane-wrapper', 'deploy-to-itunes-connect', 'auto-provision']) {
    const bundle = join(REPO_ROOT, 'steps', id, 'dist', 'index.mjs');
    if (!existsSync(bundle)) {
      rows.push({ measure: `${id}: bundle`, value: 'missing', target: '', met: false });
      continue;
    }
    bundles[id] = statSync(bundle).size;
    rows.push({
      measure: `${id}: bundle size`,
      value: `${(bundles[id]! / 1024).toFixed(0)} KB`,
      target: '≤ 1536 KB',
      met: bundles[id]! <= TARGETS.bundleBytes,
    });
  }
  if (existsSync(join(REPO_ROOT, 'steps/deploy-to-itunes-connect/dist/index.mjs'))) {
    rss['deploy-to-itunes-connect'] = await peakRss('deploy-to-itunes-connect', {
      connection: 'off',
      pkg_path: '',
      ipa_path: '',
    });
  }
  for (const [id, mb] of Object.entries(rss)) {
    rows.push({
      measure: `${id}: peak RSS`,
      value: mb === undefined ? 'n/a' : `${mb.toFixed(1)} MB`,
      target: '≤ 100 MB',
      met: mb === undefined ? undefined : mb <= TARGETS.peakRssMb,
    });
  }
  results['bundles'] = bundles;
  results['peakRssMb'] = rss;

  results['connectionCheck'] = await connectionCheckBench(rows);

  const provision = await autoProvisionBench(rows);
  if (provision) results['autoProvision'] = provision;

  const upload = await deployUploadBench(rows);
  if (upload) results['deployUpload'] = upload;

  const width = Math.max(...rows.map((r) => r.measure.length));
  console.log(`\n${'measure'.padEnd(width)}  ${'value'.padStart(12)}  ${'target'.padEnd(14)}  result`);
  for (const row of rows) {
    const verdict = row.met === undefined ? '' : row.met ? 'met' : 'MISSED';
    console.log(
      `${row.measure.padEnd(width)}  ${row.value.padStart(12)}  ${row.target.padEnd(14)}  ${verdict}`,
    );
  }
  results['rows'] = rows;
  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nsaved bench/results/latest.json');
}

await main();
