import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TIME_SCALE_ENV } from '../../../common/step/index.ts';
import { lastRedBlock } from '../../../testkit/failure-reason.ts';
import { connectionPayload } from '../../../testkit/fixtures/provisioning.ts';
import {
  assertOutputsInNextStep,
  callsOf,
  outputsInNextStep,
  runStepSh,
  type StepRun,
} from '../../../testkit/harness.ts';
import {
  type BuildApiSimulator,
  startBuildApiSimulator,
} from '../../../testkit/simulators/build-api/index.ts';
import {
  type AppSeed,
  type PortalSimulator,
  startPortalSimulator,
} from '../../../testkit/simulators/portal/index.ts';
import { ipa } from './support.ts';

/**
 * The API upload end to end: `bash step.sh` against the portal simulator, which answers for
 * api.appstoreconnect.apple.com and the upload operations' host, validates every request with
 * Apple's generated schema and reassembles the parts. Time is scaled down, so polls and retry
 * waits take milliseconds.
 */

const STEP = 'deploy-to-itunes-connect';
const BUNDLE_ID = 'io.bitrise.sample';
const APP_ID = '1500000001';
const root = mkdtempSync(join(tmpdir(), 'deploy-api-e2e-'));
let counter = 0;
const IPA_BYTES = ipa({ bundleId: BUNDLE_ID, version: '1.4.2', build: '187' });
/** Small parts, so even the small test IPA goes in several. */
const PART_SIZE = 256;
const PARTS = Math.ceil(IPA_BYTES.length / PART_SIZE);

let buildApi: BuildApiSimulator;
let sim: PortalSimulator;
beforeAll(async () => {
  buildApi = await startBuildApiSimulator({ token: 'build-api-token-4d2a9e' });
});
afterAll(() => buildApi.close());
afterEach(async () => {
  await sim.close();
  expect(sim.schemaViolations).toEqual([]);
});

async function startSim(app: Partial<AppSeed> = {}) {
  sim = await startPortalSimulator({
    seed: {
      appStore: {
        apps: [
          { bundleId: `${BUNDLE_ID}.clip`, id: '1500000002' },
          {
            bundleId: BUNDLE_ID,
            id: APP_ID,
            name: 'Sample',
            betaGroups: [{ name: 'QA' }, { name: 'External Testers' }, { name: 'QA Leads' }],
            ...app,
          },
        ],
      },
    },
  });
  sim.state.appStore.knobs.partSize = PART_SIZE;
}

beforeEach(() => {
  buildApi.setFault(null);
});

async function deploy(
  inputs: Record<string, string> = {},
  options: { payload?: Record<string, unknown> } = {},
) {
  buildApi.setPayload(options.payload ?? connectionPayload(sim, 'api_key'));
  const cwd = join(root, `${counter++}`);
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, 'App.ipa'), IPA_BYTES);
  const tokens = () => sim.state.appStore.files.flatMap((f) => f.operations.map((op) => op.token));
  const run = await runStepSh(STEP, {
    cwd,
    inputs: {
      build_url: buildApi.url,
      build_api_token: buildApi.token,
      ipa_path: 'App.ipa',
      bundle_id: BUNDLE_ID,
      ...inputs,
    },
    env: {
      ...sim.hostMapEnv,
      // Waits and timeouts a hundredth of their length: polls take milliseconds, HTTP timeouts stay ample.
      [TIME_SCALE_ENV]: '0.01',
      STAND_IN_XCODEBUILD_VERSION: '15.4 15F31d',
      STAND_IN_FASTLANE_STDOUT: 'fastlane 2.228.0',
    },
    secrets: [buildApi.token],
  });
  // The upload URLs are pre-signed: their signatures never reach the log.
  for (const token of tokens()) expect(run.output).not.toContain(token);
  return run;
}

const lastLine = (run: StepRun) => run.output.trimEnd().split('\n').at(-1)!;
const reason = (run: StepRun) => lastRedBlock(run.rawOutput);
const toolCalls = (run: StepRun) => run.calls.filter((c) => c.tool !== 'envman');
/** The outputs as the following Step reads them from its environment under the Bitrise CLI. */
const outputs = (run: StepRun) => outputsInNextStep(run, 'deploy-to-itunes-connect');
/** The API requests as `METHOD /path`, upload operations as `PUT part N`. */
const requests = () =>
  sim.requestLog.map((e) =>
    e.transport === 'upload' ? `PUT part ${e.path.split('/').at(-1)}` : `${e.method} ${e.path}`,
  );
const writes = () => requests().filter((r) => !r.startsWith('GET '));

describe('deploy-to-itunes-connect: App Store Connect API upload', () => {
  it('uploads with the connected API key: no fastlane or Xcode, parts reassembled, MD5 committed, build ID exported', async () => {
    await startSim();
    const run = await deploy();
    expect(run.exitCode).toBe(0);
    expect(toolCalls(run)).toEqual([]);
    expect(run.output).toContain(
      'Upload method: the App Store Connect API (upload_method auto: an API key and an IPA, no deliver-only input)',
    );
    const [upload] = sim.state.appStore.uploads;
    const [file] = sim.state.appStore.files;
    expect(upload).toMatchObject({ appId: APP_ID, shortVersion: '1.4.2', version: '187', platform: 'IOS' });
    expect(file).toMatchObject({ fileName: 'App.ipa', fileSize: IPA_BYTES.length, uti: 'com.apple.ipa' });
    expect(readFileSync(file!.path)).toEqual(IPA_BYTES);
    expect(file!.checksums).toEqual({
      file: { hash: createHash('md5').update(IPA_BYTES).digest('hex'), algorithm: 'MD5' },
    });
    expect(file!.bytesReceived).toBe(IPA_BYTES.length);
    const [build] = sim.state.appStore.builds;
    expect(outputs(run)).toEqual({ APP_STORE_CONNECT_BUILD_ID: build!.id });
    expect(run.outputs.find((o) => o.key === 'APP_STORE_CONNECT_BUILD_ID')).toMatchObject({
      sensitive: false,
      expand: false,
    });
    const next = assertOutputsInNextStep(run, 'deploy-to-itunes-connect', {
      APP_STORE_CONNECT_BUILD_ID: build!.id,
    });
    expect(next.exitCode, next.output).toBe(0);

    const sequence = requests();
    expect(sequence.slice(0, 3).sort()).toEqual(
      ['GET /v1/apps', `GET /v1/apps/${APP_ID}/buildUploads`, 'GET /v1/builds'].sort(),
    );
    expect(writes()).toEqual([
      'POST /v1/buildUploads',
      'POST /v1/buildUploadFiles',
      ...Array.from({ length: PARTS }, () => expect.stringMatching(/^PUT part \d+$/)),
      `PATCH /v1/buildUploadFiles/${file!.id}`,
    ]);
    expect(sequence.at(-1)).toBe(`GET /v1/buildUploads/${upload!.id}`);
    expect(sim.requestLog.find((e) => e.path === '/v1/apps')?.query).toMatchObject({
      'filter[bundleId]': BUNDLE_ID,
    });
    expect(run.output).toContain(`Sending App.ipa (0.0 MB) in ${PARTS} parts`);
    expect(run.output).toMatch(
      new RegExp(
        `Success: build 187 \\(1\\.4\\.2\\) is on App Store Connect as build ${build!.id}, uploaded in \\d+ s`,
      ),
    );
  });

  it('auto uses deliver when a deliver-only input is set or the Step has an Apple ID, and says why', async () => {
    await startSim();
    const metadata = await deploy({ skip_metadata: 'no' });
    expect(metadata.exitCode).toBe(0);
    expect(metadata.output).toContain(
      'Upload method: fastlane deliver (skip_metadata no (metadata upload) needs it)',
    );
    expect(callsOf(metadata, 'fastlane').map((c) => c.argv[0])).toEqual(['--version', 'deliver']);
    expect(writes()).toEqual([]);

    const appleId = await deploy({}, { payload: connectionPayload(sim, 'apple_id') });
    expect(appleId.exitCode).toBe(0);
    expect(appleId.output).toContain(
      'Upload method: fastlane deliver (the Step authenticates with an Apple ID, not an API key)',
    );
    expect(callsOf(appleId, 'fastlane').map((c) => c.argv[0])).toEqual(['--version', 'deliver']);
    expect(sim.state.appStore.uploads).toEqual([]);
  });

  it('upload_method api without an API key fails in one line naming the input and the fix, before anything runs', async () => {
    await startSim();
    const run = await deploy({ upload_method: 'api' }, { payload: connectionPayload(sim, 'apple_id') });
    expect(run.exitCode).toBe(1);
    expect(toolCalls(run)).toEqual([]);
    expect(sim.requestLog).toEqual([]);
    expect(reason(run)).toBe(
      'Invalid input upload_method: is api, but the Step authenticates with an Apple ID, not an API key: connect an App Store Connect API key to the app on bitrise.io (or set api_key_path and api_issuer with connection off), or set upload_method to auto or deliver',
    );

    const testFlight = await deploy(
      { upload_method: 'auto', beta_groups: 'QA' },
      { payload: connectionPayload(sim, 'apple_id') },
    );
    expect(testFlight.exitCode).toBe(1);
    expect(reason(testFlight)).toBe(
      'Invalid input beta_groups: needs the App Store Connect API upload, but upload_method auto chose fastlane deliver because the Step authenticates with an Apple ID, not an API key: use an API key and clear the deliver-only inputs, or clear beta_groups',
    );
  });

  it('refuses a build number App Store Connect already has before uploading anything', async () => {
    await startSim({ builds: [{ version: '1.4.2', build: '187' }] });
    const run = await deploy();
    expect(run.exitCode).toBe(1);
    expect(writes()).toEqual([]);
    const [existing] = sim.state.appStore.builds;
    expect(reason(run)).toMatch(
      new RegExp(
        `^App Store Connect already has build 187 of version 1\\.4\\.2 \\(build ID ${existing!.id}, uploaded \\S+\\): raise the build number \\(CFBundleVersion\\) and build again: App Store Connect takes each build number once per version$`,
      ),
    );
    expect(run.outputs).toEqual([]);
    await sim.close();

    await startSim({ uploads: [{ version: '1.4.2', build: '187', state: 'PROCESSING' }] });
    const inFlight = await deploy();
    expect(inFlight.exitCode).toBe(1);
    expect(writes()).toEqual([]);
    expect(reason(inFlight)).toMatch(
      /^An upload of build 187 of version 1\.4\.2 is already being processed \(build upload \S+\): raise the build number/,
    );
  });

  it('sends a failed part again on its own, and fails in one line on a part the server refuses for good', async () => {
    await startSim();
    sim.faults.add({
      path: /\/itms-sim\/.+\/2$/,
      method: 'PUT',
      times: 2,
      fault: { kind: 'status', status: 500 },
    });
    sim.faults.add({ path: /\/itms-sim\/.+\/3$/, method: 'PUT', fault: { kind: 'reset' } });
    const run = await deploy();
    expect(run.exitCode).toBe(0);
    const [file] = sim.state.appStore.files;
    expect([...file!.partAttempts.entries()].sort(([a], [b]) => a - b)).toEqual(
      Array.from({ length: PARTS }, (_, i) => [i + 1, i === 1 ? 3 : i === 2 ? 2 : 1]),
    );
    expect(readFileSync(file!.path)).toEqual(IPA_BYTES);
    expect(run.output).toMatch(/Upload of part 2 of \d+: attempt 1\/5 failed: PUT of part 2 answered 500/);
    expect(run.output).toMatch(/Upload of part 3 of \d+: attempt 1\/5 failed: PUT of part 3 failed: /);
    expect(run.output).toContain('(2 parts sent again)');
    await sim.close();

    await startSim();
    sim.faults.add({ path: /\/itms-sim\/.+\/2$/, method: 'PUT', fault: { kind: 'status', status: 403 } });
    const refused = await deploy();
    expect(refused.exitCode).toBe(1);
    expect(sim.state.appStore.files[0]!.partAttempts.get(2)).toBe(1);
    expect(reason(refused)).toBe(
      `App Store Connect refused part 2 of ${PARTS}: PUT of part 2 answered 403 (simulated failure): its upload URL expired or was refused: rerun the build, which starts a new upload`,
    );
    expect(writes().filter((w) => w.startsWith('PATCH'))).toEqual([]);
  });

  it("fails an INVALID build with Apple's reasons and still exports its ID and state", async () => {
    await startSim();
    Object.assign(sim.state.appStore.knobs, {
      buildProcessingMs: 50,
      processingResult: 'INVALID',
      processingErrors: [
        {
          code: 'ITMS-90062',
          description: 'This bundle is invalid. The value for key CFBundleShortVersionString must be higher.',
        },
        { code: 'ITMS-90725', description: 'SDK version issue.' },
      ],
    });
    const run = await deploy({ wait_for_processing: 'yes' });
    expect(run.exitCode).toBe(1);
    const [build] = sim.state.appStore.builds;
    expect(outputs(run)).toEqual({
      APP_STORE_CONNECT_BUILD_ID: build!.id,
      APP_STORE_CONNECT_BUILD_STATE: 'INVALID',
    });
    const next = assertOutputsInNextStep(run, 'deploy-to-itunes-connect', {
      APP_STORE_CONNECT_BUILD_ID: build!.id,
      APP_STORE_CONNECT_BUILD_STATE: 'INVALID',
    });
    expect(next.exitCode, next.output).toBe(0);
    expect(reason(run)).toBe(
      'App Store Connect processed build 187 of version 1.4.2 as INVALID: ITMS-90062 This bundle is invalid. The value for key CFBundleShortVersionString must be higher.: fix what App Store Connect says, raise the build number and upload again',
    );
    expect(run.output).toContain('- ITMS-90725: SDK version issue.');
  });

  it('gives up waiting for processing after processing_timeout_minutes, exporting the PROCESSING state', async () => {
    await startSim();
    sim.state.appStore.knobs.buildProcessingMs = Number.POSITIVE_INFINITY;
    const run = await deploy({ wait_for_processing: 'yes', processing_timeout_minutes: '1' });
    expect(run.exitCode).toBe(1);
    expect(outputs(run)['APP_STORE_CONNECT_BUILD_STATE']).toBe('PROCESSING');
    expect(reason(run)).toBe(
      'Build 187 of version 1.4.2 is still PROCESSING after 1 min: raise processing_timeout_minutes, or set wait_for_processing to no: TestFlight offers the build once Apple has processed it',
    );
    // Looked at with backoff: more than once, far fewer times than a busy loop would.
    const looks = requests().filter((r) => r.startsWith('GET /v1/builds/')).length;
    expect(looks).toBeGreaterThan(1);
    expect(looks).toBeLessThan(10);
  });

  it('waits for processing, then sets What to Test, export compliance and groups, and submits for beta review', async () => {
    await startSim();
    sim.state.appStore.knobs.buildProcessingMs = 30;
    const run = await deploy({
      wait_for_processing: 'yes',
      what_to_test: 'Check the new onboarding.\nAnd the $PRICE screen.',
      beta_groups: 'QA\nExternal Testers',
      uses_non_exempt_encryption: 'no',
      submit_for_beta_review: 'yes',
    });
    expect(run.exitCode).toBe(0);
    const { appStore } = sim.state;
    const [build] = appStore.builds;
    expect(appStore.localizations).toMatchObject([
      { buildId: build!.id, locale: 'en-US', whatsNew: 'Check the new onboarding.\nAnd the $PRICE screen.' },
    ]);
    expect(build!.usesNonExemptEncryption).toBe(false);
    expect(appStore.betaGroups.filter((g) => g.buildIds.includes(build!.id)).map((g) => g.name)).toEqual([
      'QA',
      'External Testers',
    ]);
    expect(appStore.reviewSubmissions.map((s) => s.buildId)).toEqual([build!.id]);
    expect(outputs(run)).toEqual({
      APP_STORE_CONNECT_BUILD_ID: build!.id,
      APP_STORE_CONNECT_BUILD_STATE: 'VALID',
    });
    const lines = run.output.split('\n');
    const from = lines.indexOf('TestFlight');
    expect(lines.slice(from + 1, from + 5)).toEqual([
      'What to Test (en-US) created',
      'Export compliance: uses non-exempt encryption no',
      'Added to the beta groups QA, External Testers',
      'Submitted for beta review (WAITING_FOR_REVIEW)',
    ]);
  });

  it('checks the beta groups before uploading, and fails a TestFlight action in one line', async () => {
    await startSim();
    const unknown = await deploy({ beta_groups: 'QA|Beta Crew' });
    expect(unknown.exitCode).toBe(1);
    expect(writes()).toEqual([]);
    expect(reason(unknown)).toBe(
      'TestFlight has no group named "Beta Crew" for io.bitrise.sample (its groups: "QA", "External Testers", "QA Leads"): set beta_groups to the exact names of existing groups, separated by | or newlines',
    );
    await sim.close();

    await startSim();
    const review = await deploy({ wait_for_processing: 'yes', submit_for_beta_review: 'yes' });
    expect(review.exitCode).toBe(1);
    expect(reason(review)).toBe(
      "Could not submit build 187 for beta review: it has no export compliance answer: set uses_non_exempt_encryption to yes or no, or ITSAppUsesNonExemptEncryption in the app's Info.plist",
    );
    expect(outputs(review)['APP_STORE_CONNECT_BUILD_STATE']).toBe('VALID');
  });

  it('dry run checks the app, the build number and the groups, prints the calls with sizes and uploads nothing', async () => {
    await startSim();
    const run = await deploy({
      dry_run: 'yes',
      wait_for_processing: 'yes',
      beta_groups: 'QA',
      what_to_test: 'Everything',
    });
    expect(run.exitCode).toBe(0);
    expect(writes()).toEqual([]);
    expect(sim.state.appStore.uploads).toEqual([]);
    expect(toolCalls(run)).toEqual([]);
    const group = sim.state.appStore.betaGroups.find((g) => g.name === 'QA')!;
    expect(run.output).toContain(
      [
        'The API upload would make these calls:',
        `- POST /v1/buildUploads: version 1.4.2, build 187, IOS, app ${APP_ID}`,
        `- POST /v1/buildUploadFiles: App.ipa, ${IPA_BYTES.length} bytes (0.0 MB), com.apple.ipa`,
        `- PUT each upload operation App Store Connect hands out: ${IPA_BYTES.length} bytes in parts, 6 at a time, the MD5 computed meanwhile`,
        '- PATCH /v1/buildUploadFiles/<file>: uploaded, MD5 checksum',
        '- GET /v1/buildUploads/<upload>?include=build until COMPLETE',
        '- GET /v1/builds/<build> until VALID, INVALID or FAILED, at most 30 min',
        '- GET /v1/builds/<build>/betaBuildLocalizations, then PATCH or POST the en-US What to Test (10 characters)',
        `- POST /v1/builds/<build>/relationships/betaGroups: QA (${group.id})`,
      ].join('\n'),
    );
    expect(lastLine(run)).toBe(
      'Dry run: nothing was uploaded. The calls above are what a run with dry_run: "no" makes.',
    );
  });
});
