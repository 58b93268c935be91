import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateProject,
  KEYCHAIN_PASSWORD,
  P12_PASSPHRASE,
  SIMULATED_TEAM,
  type SimulatorSeed,
  signingIdentity,
  zip,
} from '../../../testkit/simulation.ts';
import { runCommand } from '../../cli/commands/run.ts';
import { consoleOut, type Out, REPO_ROOT } from '../repo.ts';
import { envItems, loadStepYml } from '../step-yml/step-yml.ts';

/**
 * What `npm start` runs: each Step end to end through `steps run --simulate`, with inputs that
 * make it do its real work against the simulators. A Step that does not exist yet is skipped.
 */
export interface Scenario {
  id: string;
  label: string;
  /** The folder of its report page under _tmp/reports; default the Step id. */
  reportName?: string;
  /**
   * Prepares the source dir (BITRISE_SOURCE_DIR) and returns the inputs; `tempDir` is an empty
   * folder outside it for anything else (certificates, HOME). Both are removed after the run.
   */
  prepare: (sourceDir: string, tempDir: string) => PreparedScenario;
}

export interface PreparedScenario {
  inputs: Record<string, string>;
  /** Set over the caller's environment for the run, e.g. HOME in `tempDir`. */
  env?: Record<string, string>;
  /** What the simulators hold when the Step starts. */
  seed?: SimulatorSeed;
}

const DEMO_BUNDLE_ID = 'io.bitrise.steps.demo';

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
    zip([
      { name: 'Payload/' },
      { name: 'Payload/Demo.app/' },
      { name: 'Payload/Demo.app/Info.plist', data: plist },
      { name: 'Payload/Demo.app/Demo', data: Buffer.alloc(1024, 0xcf) },
    ]),
  );
  return path;
}

/**
 * The demo app on the simulated App Store Connect, with the TestFlight groups the demo distributes
 * to; Apple takes a few seconds to process its builds, so the wait for processing shows.
 */
const DEMO_APP_STORE: SimulatorSeed = {
  portal: {
    appStore: {
      knobs: { buildProcessingMs: 3000 },
      apps: [
        {
          bundleId: DEMO_BUNDLE_ID,
          name: 'Steps Demo',
          betaGroups: [
            { name: 'QA Team' },
            { name: 'External Beta' },
            { name: 'Company', isInternalGroup: true },
          ],
        },
      ],
    },
  },
};

/** The connected test device the portal simulator knows. */
const DEMO_DEVICE_UDID = '00008030-001A2B3C4D5E6F70';

/**
 * An auto-provision run that can succeed: a generated project (app + one extension) in the
 * source dir, a throwaway development identity as a p12 whose certificate and one device are on
 * the simulated portal, and HOME in the temp dir so profiles and the keychain path stay out of
 * the real home (the `security` calls go to the recording stand-in).
 */
function autoProvision(dryRun: boolean): Scenario['prepare'] {
  return (sourceDir, tempDir) => {
    const project = generateProject({ dir: sourceDir, extensions: 1 });
    const certDir = join(tempDir, 'certificates');
    const home = join(tempDir, 'home');
    mkdirSync(certDir);
    mkdirSync(home);
    const dev = signingIdentity(certDir, 'development', SIMULATED_TEAM.teamId, SIMULATED_TEAM.name);
    return {
      inputs: {
        project_path: project.projectPath,
        scheme: project.scheme,
        distribution_type: 'development',
        certificate_urls: `file://${dev.p12Path}`,
        passphrases: P12_PASSPHRASE,
        keychain_password: KEYCHAIN_PASSWORD,
        dry_run: dryRun ? 'yes' : 'no',
      },
      env: { HOME: home },
      seed: {
        portal: {
          certificates: [
            { serialHex: dev.serial, certificateType: 'DEVELOPMENT', commonName: dev.commonName },
          ],
          devices: [{ udid: DEMO_DEVICE_UDID }],
        },
      },
    };
  };
}

export const SCENARIOS: Scenario[] = [
  {
    id: 'fastlane-wrapper',
    label: 'runs lane "ios beta" with the connected account',
    prepare: (dir) => {
      mkdirSync(join(dir, 'fastlane'));
      writeFileSync(join(dir, 'fastlane', 'Fastfile'), 'lane :beta do\nend\n');
      return { inputs: { lane: 'ios beta', work_dir: dir, enable_cache: 'no', export_session: 'yes' } };
    },
  },
  {
    id: 'deploy-to-itunes-connect',
    label: 'dry run of an IPA upload',
    reportName: 'deploy-to-itunes-connect-dry-run',
    prepare: (dir) => ({
      inputs: {
        ipa_path: demoIpa(join(dir, 'Demo.ipa')),
        pkg_path: '',
        bundle_id: DEMO_BUNDLE_ID,
        dry_run: 'yes',
      },
      seed: DEMO_APP_STORE,
    }),
  },
  {
    id: 'deploy-to-itunes-connect',
    label: 'API upload, processing and TestFlight distribution (App Store Connect simulator)',
    prepare: (dir) => ({
      inputs: {
        ipa_path: demoIpa(join(dir, 'Demo.ipa')),
        pkg_path: '',
        bundle_id: DEMO_BUNDLE_ID,
        upload_method: 'api',
        wait_for_processing: 'yes',
        what_to_test: 'The new onboarding, and sign-in with a fresh account.',
        beta_groups: 'QA Team|External Beta',
        uses_non_exempt_encryption: 'no',
        submit_for_beta_review: 'yes',
      },
      seed: DEMO_APP_STORE,
    }),
  },
  {
    id: 'auto-provision',
    label: 'dry run against a generated Xcode project (app + 1 extension)',
    reportName: 'auto-provision-dry-run',
    prepare: autoProvision(true),
  },
  {
    id: 'auto-provision',
    label: 'real run against a generated Xcode project (portal simulator)',
    prepare: autoProvision(false),
  },
];

export interface ScenarioResult {
  scenario: Scenario;
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
  outputs: Array<{ key: string; shown: string }>;
  /** The report page the Step wrote, if it wrote one. */
  report?: string;
}

export async function runScenarios(
  options: {
    root?: string;
    out?: Out;
    scenarios?: Scenario[];
    /** Where the Steps' own output goes; default stdout. */
    stepOutput?: (chunk: string) => void;
  } = {},
): Promise<number> {
  const root = options.root ?? REPO_ROOT;
  const out = options.out ?? consoleOut;
  const results: ScenarioResult[] = [];
  for (const scenario of options.scenarios ?? SCENARIOS) {
    out.log('');
    out.log(`=== ${scenario.id}: ${scenario.label} ===`);
    results.push(await runScenario(scenario, root, out, options.stepOutput));
  }
  out.log('');
  out.log('npm start summary:');
  for (const r of results) {
    out.log(
      `- ${r.scenario.id} (${r.scenario.label}): ${r.status.toUpperCase()}${r.detail ? ` - ${r.detail}` : ''}`,
    );
    if (r.status !== 'skipped' && r.outputs.length === 0) out.log('    (no outputs)');
    for (const o of r.outputs) out.log(`    ${o.key}=${o.shown}`);
    if (r.report) out.log(`    report page: ${r.report}`);
  }
  const ran = results.filter((r) => r.status !== 'skipped');
  const failed = ran.filter((r) => r.status === 'failed');
  out.log(`${ran.length - failed.length}/${ran.length} succeeded, ${results.length - ran.length} skipped`);
  return failed.length === 0 ? 0 : 1;
}

async function runScenario(
  scenario: Scenario,
  root: string,
  out: Out,
  stepOutput?: (chunk: string) => void,
): Promise<ScenarioResult> {
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
  // BITRISE_HTML_REPORT_DIR as the CLI sets it, but kept in _tmp so a newcomer can open the page.
  const reportDir = join(root, '_tmp', 'reports', scenario.reportName ?? scenario.id);
  rmSync(reportDir, { recursive: true, force: true });
  const reportPage = join(reportDir, scenario.id, 'index.html');
  const runDir = mkdtempSync(join(tmpdir(), `npm-start-${scenario.id}-`));
  const sourceDir = join(runDir, 'src');
  const tempDir = join(runDir, 'tmp');
  try {
    mkdirSync(sourceDir);
    mkdirSync(tempDir);
    const prepared = scenario.prepare(sourceDir, tempDir);
    // A Step whose inputs changed still runs; the dropped inputs are named so the scenario gets updated.
    const dropped = Object.keys(prepared.inputs).filter((key) => !declared.has(key));
    if (dropped.length)
      out.log(`note: ${scenario.id} has no input ${dropped.join(', ')}; update tools/lib/demo/scenarios.ts`);
    const inputs = Object.entries(prepared.inputs)
      .filter(([key]) => declared.has(key))
      .map(([key, value]) => `${key}=${value}`);
    const result = await runCommand({
      id: scenario.id,
      root,
      input: inputs,
      sourceDir,
      simulate: true,
      simulatorSeed: prepared.seed,
      env: { ...process.env, ...prepared.env, BITRISE_HTML_REPORT_DIR: reportDir },
      out,
      stepOutput,
    });
    return {
      scenario,
      status: result.exitCode === 0 ? 'ok' : 'failed',
      detail: result.exitCode === 0 ? '' : `exit code ${result.exitCode}`,
      outputs: result.outputs.map((o) => ({ key: o.key, shown: o.sensitive ? '*****' : o.value })),
      report: existsSync(reportPage) ? reportPage : undefined,
    };
  } catch (err) {
    return { ...base, status: 'failed', detail: (err as Error).message };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}
