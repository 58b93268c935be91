/**
 * Issue 15, items 4 to 6: devices registered under their titles, from the connection and from
 * test_device_list_path, only for the platforms signed, with the slots left; certificates
 * reported with serials and dates, and what to upload when none can sign; the table before any
 * change, in dry runs too, and on the report page.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateProject } from '../../../testkit/fixtures/xcode-project.ts';
import {
  type BuildApiSimulator,
  startBuildApiSimulator,
} from '../../../testkit/simulators/build-api/index.ts';
import {
  failureReason,
  IPHONE,
  MAC,
  provision,
  startWorld,
  subdir,
  TRANSPORTS,
  tableRows,
  type World,
} from './support.ts';

let api: BuildApiSimulator;
beforeAll(async () => {
  api = await startBuildApiSimulator({ token: 'build-api-token-2b8f4c' });
});
afterAll(() => api.close());

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) {
    expect(w.sim.schemaViolations).toEqual([]);
    await w.sim.close();
  }
});
async function world(options: Parameters<typeof startWorld>[0] = {}): Promise<World> {
  const w = await startWorld(options);
  worlds.push(w);
  return w;
}

const CONNECTED = '00008120-000C1D2E3F405162';
const LISTED_1 = '00008101-00AA11BB22CC33DD';
const LISTED_2 = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const INTEL_MAC = '4A1B2C3D-5E6F-4789-9ABC-DEF012345678';
const DAY = 86_400_000;

const writes = (w: World) => w.sim.requestLog.filter((e) => e.method !== 'GET' && e.path !== 'listTeams');

describe.each(TRANSPORTS)('devices, certificates and the table over %s', (transport) => {
  function deviceInputs(w: World) {
    const list = join(w.dir, 'devices.txt');
    // Commas and newlines, a duplicate, a device the portal has, and a Mac.
    writeFileSync(list, `${LISTED_1}, ${LISTED_2}\n${IPHONE}\n${INTEL_MAC},${LISTED_1}\n`);
    return { register_test_devices: 'yes', test_device_list_path: list };
  }
  const connectionDevices = {
    test_devices: [
      { device_identifier: CONNECTED, title: "Ada's iPhone 15", device_type: 'ios' },
      { device_identifier: IPHONE, title: 'Known iPhone', device_type: 'ios' },
    ],
  };

  it('registers the connection devices under their titles and the listed ones, for the platforms signed only', async () => {
    const w = await world();
    const p = generateProject({ dir: subdir(w, 'devices') });
    const { run } = await provision(w, api, transport, p, deviceInputs(w), connectionDevices);
    expect(run.exitCode, run.output).toBe(0);
    const registered = w.sim.state.devices
      .filter((d) => d.udid !== IPHONE)
      .map((d) => [d.udid, d.name, d.platform]);
    expect(registered).toEqual([
      [CONNECTED, "Ada's iPhone 15", 'IOS'],
      [LISTED_1, 'Device 1', 'IOS'],
      [LISTED_2, 'Device 2', 'IOS'],
    ]);
    // An iOS app's profiles take no Mac: the listed Mac is left alone, saying so.
    expect(run.output).toContain(
      `${INTEL_MAC} (Device 4) is a Mac: not registered, no profile being made lists such devices`,
    );
    expect(run.output).toContain('Devices to be registered (3):');
    expect(run.output).toContain(`- ${CONNECTED} "Ada's iPhone 15" (iOS, from the connection)`);
    expect(run.output).toContain(`- ${LISTED_2} "Device 2" (iOS, from the test_device_list_path file)`);
    expect(run.output).toContain(
      'Device slots left this membership year: iPhone 99 of 100, and 3 iOS device(s) to register take a slot of their class',
    );
    expect(w.sim.state.profiles[0]!.deviceIds).toHaveLength(4);
  });

  it('lists the same devices and slots in a dry run, registering nothing', async () => {
    const w = await world();
    const p = generateProject({ dir: subdir(w, 'devices-dry') });
    const { run } = await provision(
      w,
      api,
      transport,
      p,
      { ...deviceInputs(w), dry_run: 'yes' },
      connectionDevices,
    );
    expect(run.exitCode, run.output).toBe(0);
    expect(writes(w)).toEqual([]);
    expect(w.sim.state.devices).toHaveLength(1);
    expect(run.output).toContain('Devices that would be registered (3):');
    expect(run.output).toContain(`[dry run] would register device ${CONNECTED} (Ada's iPhone 15)`);
    expect(run.output).toContain('Device slots left this membership year: iPhone 99 of 100');
    // The table, before any change, in the dry run too.
    expect(tableRows(run.output)).toEqual([
      [
        'App',
        'io.bitrise.autoprovision',
        'iOS',
        'IOS_APP_DEVELOPMENT',
        'Bitrise iOS development - (io.bitrise.autoprovision) (new)',
        expect.stringMatching(
          /^Apple Development: Simulated Team \(SIMTEAM001\) \(serial 6[0-9A-F]+, expires \d{4}-\d\d-\d\d\)$/,
        ),
      ],
    ]);
  });

  it('registers a listed Mac as a Mac when a Mac build is signed', async () => {
    const w = await world({ devices: ['iphone', 'mac'] });
    const p = generateProject({
      dir: subdir(w, 'catalyst'),
      settings: { app: { SUPPORTS_MACCATALYST: 'YES' } },
    });
    const list = join(w.dir, 'macs.txt');
    writeFileSync(list, `${INTEL_MAC}\n`);
    const { run } = await provision(w, api, transport, p, { test_device_list_path: list });
    expect(run.exitCode, run.output).toBe(0);
    const mac = w.sim.state.devices.find((d) => d.udid === INTEL_MAC)!;
    expect([mac.platform, mac.deviceClass, mac.name]).toEqual(['MAC_OS', 'MAC', 'Device 1']);
    const catalyst = w.sim.state.profiles.find((pr) => pr.profileType === 'MAC_CATALYST_APP_DEVELOPMENT')!;
    const macIds = w.sim.state.devices.filter((d) => d.platform === 'MAC_OS').map((d) => d.id);
    expect(catalyst.deviceIds.sort()).toEqual(macIds.sort());
    expect(w.sim.state.devices.find((d) => d.udid === MAC)).toBeDefined();
  });

  it('reports certificates missing from the portal and soon expiring, with serials and dates', async () => {
    const soon = new Date(Date.now() + 10 * DAY);
    const w = await world({
      certificates: [
        { type: 'DEVELOPMENT', notAfter: soon },
        { type: 'IOS_DEVELOPMENT', onPortal: false },
      ],
    });
    const [expiring, missing] = w.identities;
    const p = generateProject({ dir: subdir(w, 'certs') });
    const { run } = await provision(w, api, transport, p);
    expect(run.exitCode, run.output).toBe(0);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    expect(run.output).toContain(
      `Certificate (${missing!.commonName}, serial ${missing!.serial}) not found on Developer Portal: it was revoked, or it is of another team than the connected account's (its team: Simulated Team SIMTEAM001); valid `,
    );
    expect(run.output).toContain(`to ${day(missing!.notAfter)}`);
    expect(run.output).toMatch(
      new RegExp(
        `Certificate \\(${expiring!.commonName.replace(/[()]/g, '\\$&')}, serial ${expiring!.serial}\\) expires on ${day(soon)}, in (9|10) day\\(s\\): create a new one`,
      ),
    );
    // min_profile_days_valid, when set, is the warning's horizon instead of 30 days.
    const quiet = await provision(w, api, transport, p, { min_profile_days_valid: '5' });
    expect(quiet.run.exitCode, quiet.run.output).toBe(0);
    expect(quiet.run.output).not.toContain(`serial ${expiring!.serial}) expires on`);
  });

  it('says which certificate to upload when none can sign the profile type, in one red line', async () => {
    const w = await world({
      devices: ['mac'],
      certificates: [{ type: 'DEVELOPMENT' }, { type: 'DISTRIBUTION' }],
    });
    const p = generateProject({ dir: subdir(w, 'direct'), settings: { app: { SDKROOT: 'macosx' } } });
    const { run, pbxAfter, pbxBefore } = await provision(w, api, transport, p, {
      distribution_type: 'developer-id',
    });
    expect(failureReason(run)).toMatch(
      /^Automatic code signing failed: the main target \(App\) cannot be signed for developer-id: macOS: no uploaded certificate can sign MAC_APP_DIRECT profiles: upload a Developer ID Application certificate \(\.p12\) of team SIMTEAM001 on the Code Signing tab of the Workflow Editor/,
    );
    expect(writes(w)).toEqual([]);
    expect(pbxAfter).toBe(pbxBefore);
  });

  it('shows the table on the report page: every platform, skipped ones with the reason', async () => {
    const w = await world({ devices: ['iphone'] });
    const p = generateProject({
      dir: subdir(w, 'report'),
      settings: { app: { SUPPORTS_MACCATALYST: 'YES' } },
    });
    const reports = subdir(w, 'reports');
    const { run } = await provision(w, api, transport, p, {}, {}, { BITRISE_HTML_REPORT_DIR: reports });
    expect(run.exitCode, run.output).toBe(0);
    const page = readFileSync(join(reports, 'auto-provision', 'index.html'), 'utf8');
    expect(page).toContain('IOS_APP_DEVELOPMENT');
    expect(page).toContain('Mac Catalyst');
    expect(page).toContain(
      'not signed: Apple makes no development profile without a device, and no Mac is registered',
    );
  });
});
