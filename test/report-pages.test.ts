/**
 * Each Step's report page, as a person sees it: every Step runs end to end (bash step.sh, the
 * simulators, the recording stand-ins) with BITRISE_HTML_REPORT_DIR set, once succeeding and once
 * failing, with hostile values (`<script>`, quotes, ampersands) in what Apple and the user control.
 * Debian's Chromium opens each page; the page must run no script, request nothing, log no error,
 * show the values literally, hold no secret and fit 400 px without sideways scrolling.
 * Screenshots (1280 and 400 px, light and dark) and a copy of each page go to _tmp/reports/.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../common/report/page.ts';
import { ipa } from '../steps/deploy-to-itunes-connect/test/support.ts';
import {
  type Browser,
  launchBrowser,
  type RenderedPage,
  renderFile,
  skipWithoutChromium,
} from '../testkit/browser/index.ts';
import {
  API_KEY_ID,
  apiKeyConnection,
  appleIdConnection,
  daysFromNow,
} from '../testkit/fixtures/connections/index.ts';
import {
  connectionPayload,
  KEYCHAIN_PASSWORD,
  officialProfileName,
  P12_PASSPHRASE,
} from '../testkit/fixtures/provisioning.ts';
import { generateProject } from '../testkit/fixtures/xcode-project.ts';
import { connectionSecrets, leakedSecrets, REPO_ROOT, runStepSh, type StepRun } from '../testkit/harness.ts';
import { createTestIdentity, createTestP12 } from '../testkit/identities/index.ts';
import { type BuildApiSimulator, startBuildApiSimulator } from '../testkit/simulators/build-api/index.ts';
import { type PortalSimulator, startPortalSimulator } from '../testkit/simulators/portal/index.ts';

const SCREENSHOTS = join(REPO_ROOT, '_tmp', 'reports');
const SCRIPT = '<script>alert(1)</script>';
const HOSTILE = `${SCRIPT}"'&`;
const STEP_TIMEOUT = 90_000;

const root = mkdtempSync(join(tmpdir(), 'report-pages-'));
let counter = 0;
const freshDir = (name: string) => {
  const dir = join(root, `${counter++}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

let api: BuildApiSimulator;
let browser: Browser;
const portals: PortalSimulator[] = [];

describe.skipIf(skipWithoutChromium())('report pages in Chromium', () => {
  beforeAll(async () => {
    api = await startBuildApiSimulator({ token: 'build-api-token-report-5e1a' });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    for (const portal of portals) await portal.close();
  });

  interface Judged {
    page: RenderedPage;
    html: string;
  }

  /**
   * The page the run wrote, judged in the browser: what a page must never do, and what the reader
   * must see. `name` is the folder under _tmp/reports.
   */
  async function judge(name: string, run: StepRun, stepId: string, reportDir: string, secrets: string[]) {
    const file = join(reportDir, stepId, 'index.html');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(run.output).toContain(`Report page: ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(leakedSecrets(html, secrets)).toEqual([]);
    expect(html).not.toContain(SCRIPT);
    const dir = join(SCREENSHOTS, name);
    mkdirSync(dir, { recursive: true });
    copyFileSync(file, join(dir, 'index.html'));
    const page = await renderFile(browser, join(dir, 'index.html'), dir);
    expect(page.consoleErrors).toEqual([]);
    expect(page.pageErrors).toEqual([]);
    expect(page.dialogs).toEqual([]);
    expect(page.otherRequests).toEqual([]);
    expect(page.failedRequests).toEqual([]);
    expect(page.scripts).toBe(0);
    expect(page.csp).toBe(CONTENT_SECURITY_POLICY);
    for (const view of page.views)
      expect(view.scrollWidth, `${view.width} px ${view.colorScheme}`).toBe(view.width);
    return { page, html } satisfies Judged;
  }

  function expectText(page: RenderedPage, values: readonly string[]) {
    for (const value of values) expect(page.text, value).toContain(value);
  }

  describe('fastlane-wrapper', () => {
    async function fastlane(
      payload: Record<string, unknown>,
      inputs: Record<string, string>,
      env: Record<string, string> = {},
    ) {
      api.setPayload(payload);
      const reports = freshDir('reports');
      const run = await runStepSh('fastlane-wrapper', {
        inputs: {
          lane: 'ios beta',
          connection: 'automatic',
          build_url: api.url,
          build_api_token: api.token,
          enable_cache: 'no',
          ...inputs,
        },
        env: { BITRISE_HTML_REPORT_DIR: reports, STAND_IN_FASTLANE_STDOUT: 'fastlane 2.228.0', ...env },
      });
      const secrets = [api.token, ...connectionSecrets(payload), String(payload['apple_id'] ?? '')];
      return { run, reports, secrets };
    }

    it(
      'success: the connection with its 30-day bar, the lane, fastlane version, duration; a hostile lane argument shown literally',
      async () => {
        const payload = appleIdConnection({ expiry: daysFromNow(12.5) });
        const { run, reports, secrets } = await fastlane(payload, {
          lane: `ios beta "note:${SCRIPT}\\"'&"`,
        });
        expect(run.exitCode, run.output).toBe(0);
        const { page, html } = await judge(
          'fastlane-wrapper-success',
          run,
          'fastlane-wrapper',
          reports,
          secrets,
        );
        expectText(page, [
          'Succeeded',
          "The build's Apple Developer connection: Apple ID with its 2FA session",
          '12 of 30 days left',
          'ios beta',
          `note:${HOSTILE.replace("'", "'\\''")}`,
          '2.228.0',
          'Duration',
        ]);
        expect(html).toMatch(/<meter min="0" max="30" [^>]*value="12"/);
        // The Apple ID is masked as in the build log.
        expect(page.text).not.toContain('example@example.io');
      },
      STEP_TIMEOUT,
    );

    it(
      'failure: the result and where fastlane env and the build logs were saved',
      async () => {
        const deploy = join(freshDir('deploy'), 'deploy');
        const { run, reports, secrets } = await fastlane(
          apiKeyConnection(),
          { deploy_dir: deploy },
          {
            STAND_IN_FASTLANE_EXIT: '1',
            STAND_IN_FASTLANE_FAIL_ON: 'beta',
            STAND_IN_FASTLANE_WRITE: 'FL_BUILDLOG_PATH/gym/MyApp-MyApp.log=xcodebuild said no',
          },
        );
        expect(run.exitCode).toBe(1);
        const { page } = await judge('fastlane-wrapper-failure', run, 'fastlane-wrapper', reports, secrets);
        expectText(page, [
          'Failed',
          'running Fastlane failed: fastlane failed with exit code 1',
          `API key ${API_KEY_ID}`,
          'API keys have no expiry date',
          'Saved logs',
          join(deploy, 'fastlane_env.log'),
          join(deploy, 'gym_MyApp-MyApp.log'),
        ]);
      },
      STEP_TIMEOUT,
    );
  });

  describe('deploy-to-itunes-connect', () => {
    const IPA = ipa({ bundleId: 'io.bitrise.sample', version: `1.4.2 ${HOSTILE}`, build: '187' });

    async function deliver(payload: Record<string, unknown>, env: Record<string, string> = {}) {
      api.setPayload(payload);
      const cwd = freshDir('src');
      writeFileSync(join(cwd, 'App.ipa'), IPA);
      const reports = freshDir('reports');
      const run = await runStepSh('deploy-to-itunes-connect', {
        cwd,
        inputs: {
          build_url: api.url,
          build_api_token: api.token,
          ipa_path: 'App.ipa',
          bundle_id: 'io.bitrise.sample',
          upload_method: 'deliver',
        },
        env: {
          BITRISE_HTML_REPORT_DIR: reports,
          STAND_IN_XCODEBUILD_VERSION: '15.4 15F31d',
          STAND_IN_FASTLANE_STDOUT: 'fastlane 2.228.0',
          ...env,
        },
      });
      const secrets = [api.token, ...connectionSecrets(payload), String(payload['apple_id'] ?? '')];
      return { run, reports, secrets };
    }

    it(
      'success: the artifact (bundle ID, version, build, size), the upload method and its time',
      async () => {
        const { run, reports, secrets } = await deliver(appleIdConnection({ expiry: daysFromNow(25.5) }));
        expect(run.exitCode, run.output).toBe(0);
        const { page } = await judge('deploy-success', run, 'deploy-to-itunes-connect', reports, secrets);
        expectText(page, [
          'Succeeded',
          'is uploaded to App Store Connect',
          '25 of 30 days left',
          'io.bitrise.sample',
          `1.4.2 ${HOSTILE}`,
          '187',
          `${IPA.length.toLocaleString('en-US')} bytes`,
          'fastlane deliver, which uploads with altool (Xcode 15)',
          'Upload time',
          "fastlane deliver does not report the build's ID",
        ]);
      },
      STEP_TIMEOUT,
    );

    it(
      "failure: Apple's refusal from deliver's output, shown literally",
      async () => {
        const refusal = `[!] ERROR ITMS-90062: This bundle is invalid ${HOSTILE}`;
        const { run, reports, secrets } = await deliver(apiKeyConnection(), {
          STAND_IN_FASTLANE_EXIT: '1',
          STAND_IN_FASTLANE_FAIL_ON: 'deliver',
          STAND_IN_FASTLANE_STDOUT: refusal,
        });
        expect(run.exitCode).toBe(1);
        const { page } = await judge('deploy-failure', run, 'deploy-to-itunes-connect', reports, secrets);
        expectText(page, ['Failed', 'Deploy failed, error', 'The upload failed after', refusal]);
      },
      STEP_TIMEOUT,
    );
  });

  describe('auto-provision', () => {
    const TEAM = { teamId: 'REPORT0001', name: `Team ${HOSTILE}` };
    const NEW_DEVICE = '00008110-000A1B2C3D4E5F60';

    /** A portal with one iPhone and a development certificate that ends in 20 days. */
    async function world() {
      const sim = await startPortalSimulator({
        teams: [TEAM],
        seed: { devices: [{ udid: '00008030-001A2B3C4D5E6F70' }] },
      });
      portals.push(sim);
      const serial = '7AB0E0D';
      const commonName = `Apple Development: Report Tester (${TEAM.teamId})`;
      const identity = createTestIdentity({
        commonName,
        teamId: TEAM.teamId,
        teamName: TEAM.name,
        serial,
        notAfter: daysFromNow(20.5),
      });
      const p12 = join(freshDir('certs'), 'development.p12');
      writeFileSync(p12, createTestP12(identity, P12_PASSPHRASE));
      sim.state.addCertificate({ serialHex: serial, certificateType: 'DEVELOPMENT', commonName });
      return { sim, p12, commonName };
    }

    async function provision(w: Awaited<ReturnType<typeof world>>) {
      const payload = connectionPayload(w.sim, 'apple_id', {
        connection_expiry_date: daysFromNow(8.5).toISOString(),
        test_devices: [{ device_identifier: NEW_DEVICE, title: `QA iPhone ${HOSTILE}`, device_type: 'ios' }],
      });
      api.setPayload(payload);
      const project = generateProject({ dir: freshDir('project'), extensions: 1 });
      const reports = freshDir('reports');
      const run = await runStepSh('auto-provision', {
        inputs: {
          connection: 'apple_id',
          build_url: api.url,
          build_api_token: api.token,
          project_path: project.projectPath,
          scheme: project.scheme,
          distribution_type: 'development',
          register_test_devices: 'yes',
          certificate_urls: `file://${w.p12}`,
          passphrases: P12_PASSPHRASE,
          keychain_password: KEYCHAIN_PASSWORD,
        },
        env: { ...w.sim.hostMapEnv, BITRISE_HTML_REPORT_DIR: reports },
      });
      const secrets = [P12_PASSPHRASE, KEYCHAIN_PASSWORD, api.token, ...connectionSecrets(payload)];
      return { run, reports, secrets, project };
    }

    it(
      'success: target → bundle ID → platform → profile → certificate, expiring ones highlighted, devices and portal changes',
      async () => {
        const w = await world();
        const { run, reports, secrets, project } = await provision(w);
        expect(run.exitCode, run.output).toBe(0);
        const { page, html } = await judge('auto-provision-success', run, 'auto-provision', reports, secrets);
        const uuid = run.outputs.find((o) => o.key === 'BITRISE_DEVELOPMENT_PROFILE')!.value;
        expectText(page, [
          'Succeeded',
          '8 of 30 days left',
          `Team ${HOSTILE} (${TEAM.teamId})`,
          ...project.targetNames,
          ...project.bundleIds,
          officialProfileName('development', project.bundleIds[0]!),
          uuid,
          w.commonName,
          'expires within 30 days',
          'Next to expire',
          NEW_DEVICE,
          `QA iPhone ${HOSTILE}`,
          'iPhone: at most',
          `registered device ${NEW_DEVICE}`,
          `created App ID ${project.bundleIds[0]}`,
        ]);
        // Every profile row carries the certificate that ends in 20 days: all are highlighted.
        expect(html.match(/<tr class="soon">/g)?.length).toBeGreaterThanOrEqual(project.bundleIds.length);
      },
      STEP_TIMEOUT,
    );

    it(
      "failure: Apple's error text in the reason, shown literally, and the portal changes made before it",
      async () => {
        const w = await world();
        w.sim.faults.add({
          path: '/v1/profiles',
          method: 'POST',
          times: 10,
          fault: {
            kind: 'status',
            status: 409,
            code: 'ENTITY_ERROR',
            detail: `Profile name ${HOSTILE} is taken`,
          },
        });
        const { run, reports, secrets, project } = await provision(w);
        expect(run.exitCode).toBe(1);
        const { page } = await judge('auto-provision-failure', run, 'auto-provision', reports, secrets);
        expectText(page, [
          'Failed',
          'Automatic code signing failed',
          `Profile name ${HOSTILE} is taken`,
          'Failed after',
          `created App ID ${project.bundleIds[0]}`,
          ...project.targetNames,
          w.commonName,
        ]);
      },
      STEP_TIMEOUT,
    );
  });
});
