import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type PortalSimulator,
  type PortalSimulatorOptions,
  startPortalSimulator,
} from '../../../testkit/simulators/portal/index.ts';
import { createHttpClient, Secret } from '../../step/index.ts';
import { recordingClock } from '../../step/test/helpers.ts';
import {
  type AppStoreConnectClient,
  type BuildUploadFile,
  createAppStoreConnectClient,
  PortalApiError,
} from '../index.ts';
import { captureLogger } from './harness.ts';

const BUNDLE_ID = 'io.bitrise.sample';

let sim: PortalSimulator | undefined;
afterEach(async () => {
  if (!sim) return;
  const closing = sim;
  sim = undefined;
  await closing.close();
  expect(closing.schemaViolations).toEqual([]);
});

async function start(options: PortalSimulatorOptions = {}): Promise<{
  sim: PortalSimulator;
  client: AppStoreConnectClient;
}> {
  sim = await startPortalSimulator(options);
  const { logger } = captureLogger();
  const client = createAppStoreConnectClient({
    credentials: {
      keyId: sim.apiKey.keyId,
      issuerId: sim.apiKey.issuerId,
      privateKey: new Secret(sim.apiKey.privateKeyPem),
    },
    env: { ...sim.hostMapEnv },
    logger,
    retryBaseDelayMs: 1,
    clock: recordingClock([]),
  });
  return { sim, client };
}

const appSeed = {
  appStore: {
    apps: [
      { bundleId: `${BUNDLE_ID}.widget`, id: '1111111111' },
      {
        bundleId: BUNDLE_ID,
        id: '2222222222',
        betaGroups: [{ name: 'QA' }, { name: 'QA Team' }],
        builds: [{ version: '1.4.2', build: '186' }],
      },
    ],
  },
};

/** Sends each part as the operation says, in one go: the Step's own sender is tested elsewhere. */
async function sendParts(sim: PortalSimulator, file: BuildUploadFile, bytes: Buffer, extra = {}) {
  const http = createHttpClient({ env: sim.hostMapEnv });
  for (const op of file.attributes.uploadOperations ?? []) {
    const headers = Object.fromEntries((op.requestHeaders ?? []).map((h) => [h.name!, h.value!]));
    await http(op.url!, {
      method: op.method as 'PUT',
      headers: { ...headers, ...extra },
      body: bytes.subarray(op.offset!, op.offset! + op.length!),
    });
  }
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the simulator never got there');
}

describe('App Store Connect client against the simulator', () => {
  it('finds the app by its exact bundle ID and sees taken build numbers', async () => {
    const { client } = await start({ seed: appSeed });
    const app = await client.findApp(BUNDLE_ID);
    expect(app?.id).toBe('2222222222');
    expect(await client.findApp('io.bitrise')).toBeUndefined();
    expect((await client.getApp('1111111111')).attributes.bundleId).toBe(`${BUNDLE_ID}.widget`);

    const number = { appId: '2222222222', version: '1.4.2', build: '186', platform: 'IOS' as const };
    expect((await client.findBuilds(number)).map((b) => b.attributes.version)).toEqual(['186']);
    expect(await client.findBuilds({ ...number, build: '187' })).toEqual([]);
    expect(await client.findBuilds({ ...number, version: '1.4.3' })).toEqual([]);
    expect(await client.listBuildUploads({ ...number, build: '187' })).toEqual([]);
  });

  it('uploads a file in parts, commits it with its MD5 and follows the upload to its build', async () => {
    const { sim, client } = await start({ seed: appSeed });
    sim.state.appStore.knobs.partSize = 1000;
    const bytes = randomBytes(2500);
    const number = { appId: '2222222222', version: '1.4.2', build: '187', platform: 'IOS' as const };
    const upload = await client.createBuildUpload(number);
    expect(upload.attributes.state?.state).toBe('AWAITING_UPLOAD');
    const file = await client.reserveBuildUploadFile({
      buildUploadId: upload.id,
      fileName: 'App.ipa',
      fileSize: bytes.length,
      uti: 'com.apple.ipa',
    });
    expect(
      file.attributes.uploadOperations?.map((op) => [op.method, op.partNumber, op.offset, op.length]),
    ).toEqual([
      ['PUT', 1, 0, 1000],
      ['PUT', 2, 1000, 1000],
      ['PUT', 3, 2000, 500],
    ]);
    expect(new URL(file.attributes.uploadOperations![0]!.url!).host).toBe('sim-upload.blobstore.apple.com');

    await sendParts(sim, file, bytes);
    await client.commitBuildUploadFile(file.id, { file: { hash: md5(bytes), algorithm: 'MD5' } });
    const done = await until(
      () => client.getBuildUpload(upload.id),
      (s) => s.upload.attributes.state?.state !== 'PROCESSING',
    );
    expect(done.upload.attributes.state).toMatchObject({ state: 'COMPLETE', errors: [] });
    expect(done.buildId).toBeDefined();
    expect(readFileSync(sim.state.appStore.files[0]!.path)).toEqual(bytes);
    const build = await client.getBuild(done.buildId!);
    expect(build.attributes).toMatchObject({ version: '187', processingState: 'VALID' });
    expect(sim.requestLog.filter((e) => e.transport === 'upload').map((e) => e.status)).toEqual([
      200, 200, 200,
    ]);
  });

  it('refuses a commit before every byte arrived, and a part sent with a JWT', async () => {
    const { sim, client } = await start({ seed: appSeed });
    sim.state.appStore.knobs.partSize = 1000;
    const bytes = randomBytes(1500);
    const upload = await client.createBuildUpload({
      appId: '2222222222',
      version: '1.4.2',
      build: '188',
      platform: 'IOS',
    });
    const file = await client.reserveBuildUploadFile({
      buildUploadId: upload.id,
      fileName: 'App.ipa',
      fileSize: bytes.length,
      uti: 'com.apple.ipa',
    });
    await sendParts(sim, file, bytes, { authorization: 'Bearer x' });
    expect(sim.requestLog.filter((e) => e.transport === 'upload').map((e) => [e.status, e.problem])).toEqual([
      [400, 'upload operations are unauthenticated: no Authorization header'],
      [400, 'upload operations are unauthenticated: no Authorization header'],
    ]);
    const refusal = await client
      .commitBuildUploadFile(file.id, { file: { hash: md5(bytes), algorithm: 'MD5' } })
      .catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(PortalApiError);
    expect((refusal as PortalApiError).message).toContain(
      'The file is incomplete: 0 of 1500 bytes were uploaded (0 of 2 parts).',
    );
  });

  it('fails an upload whose checksum differs, and a build number Apple already has (ITMS-4238)', async () => {
    const { sim, client } = await start({ seed: appSeed });
    const bytes = randomBytes(100);
    const uploadOf = async (build: string, hash: string) => {
      const upload = await client.createBuildUpload({
        appId: '2222222222',
        version: '1.4.2',
        build,
        platform: 'IOS',
      });
      const file = await client.reserveBuildUploadFile({
        buildUploadId: upload.id,
        fileName: 'App.ipa',
        fileSize: bytes.length,
        uti: 'com.apple.ipa',
      });
      await sendParts(sim, file, bytes);
      await client.commitBuildUploadFile(file.id, { file: { hash, algorithm: 'MD5' } });
      return until(
        () => client.getBuildUpload(upload.id),
        (s) => s.upload.attributes.state?.state !== 'PROCESSING',
      );
    };
    const mismatch = await uploadOf('190', md5(Buffer.from('other')));
    expect(mismatch.upload.attributes.state?.state).toBe('FAILED');
    expect(mismatch.upload.attributes.state?.errors?.map((e) => e.code)).toEqual(['CHECKSUM_MISMATCH']);
    const duplicate = await uploadOf('186', md5(bytes));
    expect(duplicate.upload.attributes.state?.errors?.[0]).toMatchObject({ code: 'ITMS-4238' });
    expect(duplicate.buildId).toBeUndefined();
  });

  it('sets What to Test, the encryption answer and groups, and submits a processed build', async () => {
    const { sim, client } = await start({ seed: appSeed });
    const [app] = sim.state.appStore.apps.filter((a) => a.id === '2222222222');
    const build = sim.state.appStore.addBuild({
      appId: app!.id,
      version: '191',
      shortVersion: '1.4.2',
      platform: 'IOS',
    });
    expect((await client.getBuild(build.id)).attributes.usesNonExemptEncryption).toBeUndefined();
    const groups = await client.listBetaGroups(app!.id);
    expect(groups.map((g) => g.attributes.name)).toEqual(['QA', 'QA Team']);

    expect(await client.listBetaBuildLocalizations(build.id)).toEqual([]);
    const created = await client.createBetaBuildLocalization({
      buildId: build.id,
      locale: 'en-US',
      whatsNew: 'First',
    });
    await client.updateBetaBuildLocalization(created.id, 'Second');
    expect(sim.state.appStore.localizations).toMatchObject([{ locale: 'en-US', whatsNew: 'Second' }]);

    const refused = await client.submitForBetaReview(build.id).catch((err: unknown) => err);
    expect((refused as PortalApiError).message).toContain('is missing export compliance');
    await client.updateBuild(build.id, { usesNonExemptEncryption: false });
    await client.addBuildToBetaGroups(build.id, [groups[1]!.id]);
    expect(sim.state.appStore.betaGroups.find((g) => g.name === 'QA Team')?.buildIds).toEqual([build.id]);
    const submission = await client.submitForBetaReview(build.id);
    expect(submission.attributes?.betaReviewState).toBe('WAITING_FOR_REVIEW');
  });
});
