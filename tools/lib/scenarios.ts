import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../cli/commands/run.ts';
import { consoleOut, type Out, REPO_ROOT } from './repo.ts';
import { envItems, loadStepYml } from './step-yml.ts';
import { storedZip } from './zip.ts';

/**
 * What `npm start` runs: each Step end to end through `steps run --simulate`, with inputs that
 * make it do its real work against the simulators. A Step that does not exist yet is skipped.
 */
export interface Scenario {
  id: string;
  label: string;
  /** Prepares the source dir (BITRISE_SOURCE_DIR) and returns the inputs. */
  prepare: (sourceDir: string) => Record<string, string>;
}

export const DEMO_BUNDLE_ID = 'io.bitrise.steps.demo';
const SAMPLE_PROJECT = join(REPO_ROOT, 'common', 'codesign', 'test', 'fixtures', 'sample');

function demoIpa(path: string): string {
  const plist = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>${DEMO_BUNDLE_ID}</string>
<key>CFBundleShortVersionString</key><string>1.0.0</string>
<key>CFBundleVersion</key><string>1</string>
<key>CFBundleExecutable</key><string>Demo</string>
<key>DTPlatformName</key><string>iphoneos</string>
</dict></plist>
`;
  writeFileSync(
    path,
    storedZip([
      { name: 'Payload/' },
      { name: 'Payload/Demo.app/' },
      { name: 'Payload/Demo.app/Info.plist', data: plist },
      { name: 'Payload/Demo.app/Demo', data: Buffer.alloc(1024, 0xcf) },
    ]),
  );
  return path;
}

function sampleProject(sourceDir: string): string {
  cpSync(SAMPLE_PROJECT, join(sourceDir, 'sample'), { recursive: true });
  return join(sourceDir, 'sample', 'Sample.xcodeproj');
}

export const SCENARIOS: Scenario[] = [
  {
    id: 'fastlane-wrapper',
    label: 'runs lane "ios beta" with the connected account',
    prepare: (dir) => {
      mkdirSync(join(dir, 'fastlane'));
      writeFileSync(join(dir, 'fastlane', 'Fastfile'), 'lane :beta do\nend\n');
      return { lane: 'ios beta', work_dir: dir, enable_cache: 'no', export_session: 'yes' };
    },
  },
  {
    id: 'deploy-to-itunes-connect',
    label: 'dry run of an IPA upload',
    prepare: (dir) => ({
      ipa_path: demoIpa(join(dir, 'Demo.ipa')),
      pkg_path: '',
      bundle_id: DEMO_BUNDLE_ID,
      dry_run: 'yes',
    }),
  },
  {
    id: 'auto-provision',
    label: 'dry run against the sample Xcode project',
    prepare: (dir) => ({
      project_path: sampleProject(dir),
      scheme: 'Sample',
      distribution_type: 'development',
      dry_run: 'yes',
    }),
  },
  {
    id: 'auto-provision',
    label: 'real run against the sample Xcode project (portal simulator)',
    prepare: (dir) => ({
      project_path: sampleProject(dir),
      scheme: 'Sample',
      distribution_type: 'development',
      dry_run: 'no',
    }),
  },
];

export interface ScenarioResult {
  scenario: Scenario;
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
  outputs: Array<{ key: string; shown: string }>;
}

export async function runScenarios(
  options: { root?: string; out?: Out; scenarios?: Scenario[] } = {},
): Promise<number> {
  const root = options.root ?? REPO_ROOT;
  const out = options.out ?? consoleOut;
  const results: ScenarioResult[] = [];
  for (const scenario of options.scenarios ?? SCENARIOS) {
    out.log('');
    out.log(`=== ${scenario.id}: ${scenario.label} ===`);
    results.push(await runScenario(scenario, root, out));
  }
  out.log('');
  out.log('npm start summary:');
  for (const r of results) {
    out.log(
      `- ${r.scenario.id} (${r.scenario.label}): ${r.status.toUpperCase()}${r.detail ? ` - ${r.detail}` : ''}`,
    );
    if (r.status !== 'skipped' && r.outputs.length === 0) out.log('    (no outputs)');
    for (const o of r.outputs) out.log(`    ${o.key}=${o.shown}`);
  }
  const ran = results.filter((r) => r.status !== 'skipped');
  const failed = ran.filter((r) => r.status === 'failed');
  out.log(`${ran.length - failed.length}/${ran.length} succeeded, ${results.length - ran.length} skipped`);
  return failed.length === 0 ? 0 : 1;
}

async function runScenario(scenario: Scenario, root: string, out: Out): Promise<ScenarioResult> {
  const base = { scenario, outputs: [] };
  const dir = join(root, 'steps', scenario.id);
  if (!existsSync(join(dir, 'step.yml')))
    return { ...base, status: 'skipped', detail: `steps/${scenario.id} does not exist yet` };
  const entry = join(dir, 'step.sh');
  if (
    existsSync(entry) &&
    readFileSync(entry, 'utf8').includes('dist/index.mjs') &&
    !existsSync(join(dir, 'dist', 'index.mjs'))
  )
    return {
      ...base,
      status: 'skipped',
      detail: `steps/${scenario.id} has no bundle yet (src/main.ts missing?)`,
    };
  const declared = new Set(envItems(loadStepYml(join(dir, 'step.yml')).data['inputs']).map((i) => i.key));
  const sourceDir = mkdtempSync(join(tmpdir(), `npm-start-${scenario.id}-`));
  try {
    const wanted = scenario.prepare(sourceDir);
    // A Step whose inputs changed still runs; the dropped inputs are named so the scenario gets updated.
    const dropped = Object.keys(wanted).filter((key) => !declared.has(key));
    if (dropped.length)
      out.log(`note: ${scenario.id} has no input ${dropped.join(', ')}; update tools/lib/scenarios.ts`);
    const inputs = Object.entries(wanted)
      .filter(([key]) => declared.has(key))
      .map(([key, value]) => `${key}=${value}`);
    const result = await runCommand({ id: scenario.id, root, input: inputs, sourceDir, simulate: true, out });
    return {
      scenario,
      status: result.exitCode === 0 ? 'ok' : 'failed',
      detail: result.exitCode === 0 ? '' : `exit code ${result.exitCode}`,
      outputs: result.outputs.map((o) => ({ key: o.key, shown: o.sensitive ? '*****' : o.value })),
    };
  } catch (err) {
    return { ...base, status: 'failed', detail: (err as Error).message };
  } finally {
    rmSync(sourceDir, { recursive: true, force: true });
  }
}
