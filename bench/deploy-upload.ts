import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectionPayload } from '../testkit/fixtures/provisioning.ts';
import { zip } from '../testkit/fixtures/zip.ts';
import { REPO_ROOT, stepYmlDefaults } from '../testkit/harness.ts';
import { startBuildApiSimulator } from '../testkit/simulators/build-api/index.ts';
import { type PortalSimulator, startPortalSimulator } from '../testkit/simulators/portal/index.ts';

interface Row {
  measure: string;
  value: string;
  target: string;
  met: boolean | undefined;
}

const IPA_BYTES = 200 * 1000 * 1000;
const BUNDLE_ID = 'io.bitrise.bench';
const TARGETS = { floorRatio: 1.5, peakRssMb: 100, sentRatio: 1.1 };
const FAILED_PARTS = 2;

export interface UploadFigure {
  fileBytes: number;
  /** Reading the file and computing its MD5, as the Step does, best of three. */
  floorMs: number;
  /** From App Store Connect answering the file reservation to it answering the commit. */
  transferMs: number;
  /** `bash step.sh` start to exit. */
  stepWallMs: number;
  peakRssMb: number;
  /** With FAILED_PARTS parts failing once, after their whole body arrived. */
  retry: { sentBytes: number; peakRssMb: number; partAttempts: number };
}

/** A valid IPA of about `size` bytes: Payload/Bench.app with its Info.plist and one stored, incompressible binary. */
function writeIpa(path: string, size: number): void {
  const plist = `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>${BUNDLE_ID}</string>
<key>CFBundleShortVersionString</key><string>1.0.0</string>
<key>CFBundleVersion</key><string>42</string>
<key>DTPlatformName</key><string>iphoneos</string>
</dict></plist>
`;
  writeFileSync(
    path,
    zip([
      { name: 'Payload/' },
      { name: 'Payload/Bench.app/' },
      { name: 'Payload/Bench.app/Info.plist', data: plist },
      { name: 'Payload/Bench.app/Bench', data: randomBytes(size - 1024) },
    ]),
  );
}

function runStep(env: Record<string, string>, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(REPO_ROOT, 'steps/deploy-to-itunes-connect/step.sh')], { cwd, env });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** One API upload of the IPA through `bash step.sh` against a fresh simulator; `prepare` adds faults. */
async function upload(
  ipaPath: string,
  work: string,
  prepare: (sim: PortalSimulator) => void,
): Promise<{ sim: PortalSimulator; wallMs: number; peakRssMb: number; close: () => Promise<void> }> {
  const sim = await startPortalSimulator({
    seed: { appStore: { apps: [{ bundleId: BUNDLE_ID, id: '1600000001' }] } },
  });
  const api = await startBuildApiSimulator({
    payload: connectionPayload(sim, 'api_key'),
    token: 'bench-token-6a1d',
  });
  prepare(sim);
  const rssFile = join(work, `rss-${Date.now()}`);
  const preload = join(work, 'rss.cjs');
  writeFileSync(
    preload,
    // VmHWM, the peak of the Step's own memory: getrusage's maxRSS also counts what the process
    // held before it exec'd node, i.e. the fork of this bench process with the generated IPA in it.
    `process.on('exit', () => {
  const fs = require('fs');
  const hwm = /VmHWM:\\s+(\\d+) kB/.exec(fs.existsSync('/proc/self/status') ? fs.readFileSync('/proc/self/status', 'utf8') : '');
  fs.writeFileSync(process.env.BENCH_RSS_FILE, String(hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS));
});`,
  );
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });
  // envman as a shell stand-in: exporting the build ID costs no node start-up.
  const tools = join(work, 'tools');
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, 'envman'), '#!/usr/bin/env bash\nexit 0\n');
  chmodSync(join(tools, 'envman'), 0o755);
  const env: Record<string, string> = {
    PATH: `${tools}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    HOME: home,
    TMPDIR: work,
    BITRISE_SOURCE_DIR: work,
    NODE_OPTIONS: `--require ${preload}`,
    BENCH_RSS_FILE: rssFile,
    ...sim.hostMapEnv,
  };
  Object.assign(env, stepYmlDefaults('deploy-to-itunes-connect', env), {
    connection: 'api_key',
    check_connection: 'no',
    build_url: api.url,
    build_api_token: api.token,
    ipa_path: ipaPath,
    pkg_path: '',
    bundle_id: BUNDLE_ID,
    upload_method: 'api',
  });
  const start = process.hrtime.bigint();
  const result = await runStep(env, work);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  await api.close();
  if (result.code !== 0) {
    await sim.close();
    throw new Error(`deploy-to-itunes-connect failed in the upload benchmark:\n${result.output}`);
  }
  const peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
  return { sim, wallMs, peakRssMb, close: () => sim.close() };
}

/** The request log's time from the reservation's answer to the commit's answer. */
function transferMs(sim: PortalSimulator): number {
  const reserved = sim.requestLog.find((e) => e.method === 'POST' && e.path === '/v1/buildUploadFiles');
  const committed = sim.requestLog.find(
    (e) => e.method === 'PATCH' && e.path.startsWith('/v1/buildUploadFiles/'),
  );
  if (!reserved?.answeredAt || !committed?.answeredAt)
    throw new Error('the simulator saw no reservation or commit');
  return committed.answeredAt - reserved.answeredAt;
}

/** Reading the file through one buffer and computing its MD5, on one thread: what no upload can beat. */
function readAndChecksum(path: string): string {
  const hash = createHash('md5');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const fd = openSync(path, 'r');
  try {
    for (let position = 0; ; ) {
      const bytes = readSync(fd, buffer, 0, buffer.length, position);
      if (bytes === 0) break;
      hash.update(buffer.subarray(0, bytes));
      position += bytes;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function floorMs(path: string): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    readAndChecksum(path);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return Math.min(...times);
}

/**
 * The API upload of a 200 MB IPA, generated here in a temp dir, to the portal simulator through
 * `bash step.sh`: the transfer time next to the floor (reading the file and computing its MD5, as
 * the Step must), the Step's peak RSS, and the bytes sent when two parts fail once.
 */
export async function deployUploadBench(rows: Row[]): Promise<UploadFigure | undefined> {
  if (!existsSync(join(REPO_ROOT, 'steps/deploy-to-itunes-connect/dist/index.mjs'))) return undefined;
  const work = mkdtempSync(join(tmpdir(), 'bench-upload-'));
  try {
    const ipaPath = join(work, 'Bench.ipa');
    writeIpa(ipaPath, IPA_BYTES);
    const fileBytes = readFileSync(ipaPath).length;
    const floor = floorMs(ipaPath);

    const plain = await upload(ipaPath, work, () => {});
    const transfer = transferMs(plain.sim);
    await plain.close();

    const failing = await upload(ipaPath, work, (sim) => {
      for (const part of [3, 11].slice(0, FAILED_PARTS))
        sim.faults.add({
          path: new RegExp(`/itms-sim/[^/]+/${part}$`),
          method: 'PUT',
          fault: { kind: 'status', status: 503 },
        });
    });
    const [file] = failing.sim.state.appStore.files;
    const retry = {
      sentBytes: file!.bytesReceived,
      peakRssMb: failing.peakRssMb,
      partAttempts: [...file!.partAttempts.values()].reduce((a, b) => a + b, 0),
    };
    await failing.close();

    const figure: UploadFigure = {
      fileBytes,
      floorMs: floor,
      transferMs: transfer,
      stepWallMs: plain.wallMs,
      peakRssMb: plain.peakRssMb,
      retry,
    };
    const mb = (fileBytes / 1e6).toFixed(0);
    rows.push(
      {
        measure: `deploy API upload ${mb} MB: floor (read + MD5)`,
        value: `${floor.toFixed(0)} ms`,
        target: 'floor',
        met: undefined,
      },
      {
        measure: `deploy API upload ${mb} MB: reservation → commit`,
        value: `${transfer.toFixed(0)} ms`,
        target: `≤ ${TARGETS.floorRatio}× floor`,
        met: transfer <= TARGETS.floorRatio * floor,
      },
      {
        measure: `deploy API upload ${mb} MB: ratio to the floor`,
        value: `${(transfer / floor).toFixed(2)}×`,
        target: `≤ ${TARGETS.floorRatio}×`,
        met: transfer <= TARGETS.floorRatio * floor,
      },
      {
        measure: `deploy API upload ${mb} MB: step.sh wall time`,
        value: `${plain.wallMs.toFixed(0)} ms`,
        target: '',
        met: undefined,
      },
      {
        measure: `deploy API upload ${mb} MB: peak RSS`,
        value: `${plain.peakRssMb.toFixed(1)} MB`,
        target: `≤ ${TARGETS.peakRssMb} MB`,
        met: plain.peakRssMb <= TARGETS.peakRssMb,
      },
      {
        measure: `deploy API upload, ${FAILED_PARTS} failed parts: bytes sent`,
        value: `${(retry.sentBytes / fileBytes).toFixed(3)}×`,
        target: `≤ ${TARGETS.sentRatio}× file`,
        met: retry.sentBytes <= TARGETS.sentRatio * fileBytes,
      },
      {
        measure: `deploy API upload, ${FAILED_PARTS} failed parts: peak RSS`,
        value: `${retry.peakRssMb.toFixed(1)} MB`,
        target: `≤ ${TARGETS.peakRssMb} MB`,
        met: retry.peakRssMb <= TARGETS.peakRssMb,
      },
    );
    return figure;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
