import { afterEach, describe, expect, it } from 'vitest';
import type { PortalSimulator } from '../../../testkit/simulators/portal/index.ts';
import { DeviceRegistrationError, mapConcurrent, ProfilesChangedError } from '../index.ts';
import { apiRequests, type Harness, startHarness, TRANSPORTS } from './harness.ts';

const UDID_A = '00008030-001A0C3E0E92802E';
const UDID_B = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const UDID_NEW = '00008101-000A1B2C3D4E5F60';

describe.each(TRANSPORTS)('Developer Portal contract over %s', (transport) => {
  let h: Harness | undefined;
  const start = async (options: Parameters<typeof startHarness>[1] = {}) => {
    h = await startHarness(transport, options);
    return h;
  };
  afterEach(async () => {
    if (!h) return;
    const { sim } = h;
    h = undefined;
    await sim.close();
    expect(sim.schemaViolations).toEqual([]);
  });

  const expectTransport = (sim: PortalSimulator) => {
    for (const entry of apiRequests(sim)) {
      expect(entry.transport).toBe(transport);
      if (transport === 'apple_id') {
        expect(entry.wireMethod).toBe('POST');
        expect(entry.teamId).toBe(sim.teams[0]!.teamId);
        expect(entry.csrfSent).toBe(true);
      } else {
        expect(entry.wireMethod).toBe(entry.method);
      }
    }
  };

  it('finds a bundle ID by exact identifier although Apple filters like LIKE, and creates one', async () => {
    const { sim, client } = await start({
      seed: { bundleIds: [{ identifier: 'io.bitrise.app.widget' }, { identifier: 'io.bitrise.app' }] },
    });
    const found = await client.findBundleId('io.bitrise.app');
    expect(found?.attributes.identifier).toBe('io.bitrise.app');
    expect(await client.findBundleId('io.bitrise')).toBeUndefined();

    const created = await client.createBundleId({
      identifier: 'io.bitrise.new',
      name: 'Bitrise io bitrise new',
    });
    expect(created.attributes).toMatchObject({
      identifier: 'io.bitrise.new',
      platform: 'IOS',
      seedId: sim.teams[0]!.teamId,
    });
    expect(sim.state.bundleIds.map((b) => b.identifier)).toContain('io.bitrise.new');
    expect((await client.findBundleId('io.bitrise.new'))?.id).toBe(created.id);

    const log = apiRequests(sim);
    expect(log[0]).toMatchObject({
      method: 'GET',
      path: '/v1/bundleIds',
      query: { 'filter[identifier]': 'io.bitrise.app', limit: '200' },
      status: 200,
    });
    expect(log.find((e) => e.method === 'POST')).toMatchObject({ path: '/v1/bundleIds', status: 201 });
    expectTransport(sim);
  });

  it('lists and enables bundle ID capabilities through the related link', async () => {
    const { sim, client } = await start({
      seed: { bundleIds: [{ identifier: 'io.bitrise.app', capabilities: ['IN_APP_PURCHASE'] }] },
    });
    const bundleId = (await client.findBundleId('io.bitrise.app'))!;
    expect((await client.listBundleIdCapabilities(bundleId)).map((c) => c.attributes.capabilityType)).toEqual(
      ['IN_APP_PURCHASE'],
    );
    const enabled = await client.enableCapability(bundleId.id, 'DATA_PROTECTION', [
      { key: 'DATA_PROTECTION_PERMISSION_LEVEL', options: [{ key: 'COMPLETE_PROTECTION', enabled: true }] },
    ]);
    expect(enabled.attributes.capabilityType).toBe('DATA_PROTECTION');
    expect((await client.listBundleIdCapabilities(bundleId)).map((c) => c.attributes.capabilityType)).toEqual(
      ['IN_APP_PURCHASE', 'DATA_PROTECTION'],
    );
    const capabilityPost = apiRequests(sim).find((e) => e.path === '/v1/bundleIdCapabilities');
    expect(capabilityPost).toMatchObject({ method: 'POST', status: 201 });
    expect(
      apiRequests(sim).filter((e) => e.path === `/v1/bundleIds/${bundleId.id}/bundleIdCapabilities`),
    ).toHaveLength(2);
    expectTransport(sim);
  });

  it('finds certificates by serial and lists them by type', async () => {
    const { sim, client } = await start({
      seed: {
        certificates: [
          { serialHex: '0A1B2C3D4E5F6071', certificateType: 'DEVELOPMENT' },
          { serialHex: '7766554433221100', certificateType: 'DISTRIBUTION' },
        ],
      },
    });
    const dev = sim.state.certificates[0]!;
    expect((await client.findCertificateBySerial('a1b2c3d4e5f6071'))?.id).toBe(dev.id);
    expect((await client.findCertificateBySerial(0x0a1b2c3d4e5f6071n))?.id).toBe(dev.id);
    expect(await client.findCertificateBySerial('123456')).toBeUndefined();
    const distribution = await client.listCertificates(['DISTRIBUTION', 'IOS_DISTRIBUTION']);
    expect(distribution.map((c) => c.attributes.serialNumber)).toEqual(['7766554433221100']);
    expect(Buffer.from(distribution[0]!.attributes.certificateContent!, 'base64')).toEqual(
      sim.state.certificates[1]!.der,
    );
    expect(apiRequests(sim)[0]!.query).toEqual({ 'filter[serialNumber]': 'a1b2c3d4e5f6071', limit: '200' });
    expect(apiRequests(sim).at(-1)!.query['filter[certificateType]']).toBe('DISTRIBUTION,IOS_DISTRIBUTION');
    expectTransport(sim);
  });

  it('lists devices by platform and status, registers one, and reports 409s as DeviceRegistrationError', async () => {
    const { sim, client } = await start({
      seed: { devices: [{ udid: UDID_A }, { udid: UDID_B, status: 'DISABLED' }] },
    });
    expect(
      (await client.listDevices({ platform: 'IOS', status: 'ENABLED' })).map((d) => d.attributes.udid),
    ).toEqual([UDID_A]);
    const registered = await client.registerDevice({ udid: UDID_NEW });
    expect(registered.attributes).toMatchObject({
      udid: UDID_NEW,
      name: 'Bitrise test device',
      platform: 'IOS',
    });

    const duplicate = await client.registerDevice({ udid: UDID_A.toLowerCase() }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(DeviceRegistrationError);
    expect(String((duplicate as Error).cause)).toContain('already exists on this team');
    const invalid = await client.registerDevice({ udid: 'not-a-udid' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(DeviceRegistrationError);

    const posts = apiRequests(sim).filter((e) => e.method === 'POST');
    expect(posts.map((e) => e.status)).toEqual([201, 409, 409]);
    expect(apiRequests(sim)[0]!.query).toMatchObject({
      'filter[platform]': 'IOS',
      'filter[status]': 'ENABLED',
    });
    expectTransport(sim);
  });

  it('creates a profile whose decoded content matches what the portal issued', async () => {
    const { sim, client } = await start({
      seed: {
        certificates: [{ certificateType: 'DEVELOPMENT' }],
        devices: [{ udid: UDID_A }, { udid: UDID_B }],
        bundleIds: [{ identifier: 'io.bitrise.app', capabilities: ['PUSH_NOTIFICATIONS'] }],
      },
    });
    const bundleId = (await client.findBundleId('io.bitrise.app'))!;
    const [cert] = await client.listCertificates(['DEVELOPMENT']);
    const devices = await client.listDevices({ platform: 'IOS' });
    const name = 'Bitrise iOS development - (io.bitrise.app)';
    const profile = await client.createProfile({
      name,
      profileType: 'IOS_APP_DEVELOPMENT',
      bundleIdId: bundleId.id,
      certificateIds: [cert!.id],
      deviceIds: devices.map((d) => d.id),
    });
    const issued = sim.state.profiles.find((p) => p.id === profile.id)!;
    const info = client.decodeProfile(profile);
    expect(info.uuid).toBe(issued.uuid);
    expect(info.uuid).toBe(profile.attributes.uuid);
    expect(info.name).toBe(name);
    expect(info.teamId).toBe(sim.teams[0]!.teamId);
    expect(info.bundleId).toBe('io.bitrise.app');
    expect(info.platform).toBe('ios');
    expect(info.provisionedDevices.sort()).toEqual([UDID_A, UDID_B].sort());
    expect(info.entitlements).toEqual(issued.entitlements);
    expect(info.entitlements['aps-environment']).toBe('development');
    expect(info.entitlements['get-task-allow']).toBe(true);
    expect(info.developerCertificates.map((c) => c.der)).toEqual([sim.state.certificates[0]!.der]);
    expect(info.expirationDate.toISOString()).toBe(profile.attributes.expirationDate);

    expect((await client.findProfile(name, 'IOS_APP_DEVELOPMENT'))?.id).toBe(profile.id);
    expect(await client.findProfile(name, 'IOS_APP_ADHOC')).toBeUndefined();
    expect((await client.listProfileCertificates(profile)).map((c) => c.id)).toEqual([cert!.id]);
    expect((await client.getProfileBundleId(profile)).id).toBe(bundleId.id);

    const post = apiRequests(sim).find((e) => e.method === 'POST' && e.path === '/v1/profiles');
    const body = post!.body as { data: { relationships: Record<string, { data: unknown }> } };
    expect(body.data.relationships.devices!.data).toHaveLength(2);
    expectTransport(sim);
  });

  it('omits devices for App Store profiles', async () => {
    const { sim, client } = await start({
      seed: {
        certificates: [{ certificateType: 'DISTRIBUTION' }],
        devices: [{ udid: UDID_A }],
        bundleIds: [{ identifier: 'io.bitrise.app' }],
      },
    });
    const profile = await client.createProfile({
      name: 'Bitrise iOS app-store - (io.bitrise.app)',
      profileType: 'IOS_APP_STORE',
      bundleIdId: sim.state.bundleIds[0]!.id,
      certificateIds: [sim.state.certificates[0]!.id],
      deviceIds: [],
    });
    const info = client.decodeProfile(profile);
    expect(info.provisionedDevices).toEqual([]);
    expect(info.entitlements['get-task-allow']).toBe(false);
    const body = apiRequests(sim).at(-1)!.body as { data: { relationships: Record<string, unknown> } };
    expect(Object.keys(body.data.relationships).sort()).toEqual(['bundleId', 'certificates']);
  });

  it('deletes profiles, ignores a second delete, and reports relationships of a deleted profile as changed', async () => {
    const { sim, client } = await start({
      seed: {
        certificates: [{}],
        profiles: [
          { name: 'Old profile', profileType: 'IOS_APP_DEVELOPMENT', bundleIdentifier: 'io.bitrise.app' },
        ],
      },
    });
    const profile = (await client.findProfile('Old profile', 'IOS_APP_DEVELOPMENT'))!;
    await client.deleteProfile(profile.id);
    await client.deleteProfile(profile.id);
    expect(sim.state.profiles).toHaveLength(0);
    await expect(client.getProfileBundleId(profile)).rejects.toBeInstanceOf(ProfilesChangedError);
    await expect(client.listProfileCertificates(profile)).rejects.toBeInstanceOf(ProfilesChangedError);
    const deletes = apiRequests(sim).filter((e) => e.method === 'DELETE');
    expect(deletes.map((e) => [e.path, e.status])).toEqual([
      [`/v1/profiles/${profile.id}`, 204],
      [`/v1/profiles/${profile.id}`, 404],
    ]);
    expectTransport(sim);
  });

  it('replaces an expired, unlisted profile that blocks the name ("Multiple profiles found")', async () => {
    const name = 'Bitrise iOS development - (io.bitrise.app)';
    const { sim, client } = await start({
      seed: {
        certificates: [{}],
        // Apple makes no development profile without a device.
        devices: [{ udid: '00008030-001A2B3C4D5E6F70' }],
        profiles: [
          { name, profileType: 'IOS_APP_DEVELOPMENT', bundleIdentifier: 'io.bitrise.app', expired: true },
        ],
      },
    });
    const expired = sim.state.profiles[0]!;
    expect(await client.findProfile(name, 'IOS_APP_DEVELOPMENT')).toBeUndefined();
    const profile = await client.createProfile({
      name,
      profileType: 'IOS_APP_DEVELOPMENT',
      bundleIdId: sim.state.bundleIds[0]!.id,
      certificateIds: [sim.state.certificates[0]!.id],
      deviceIds: [sim.state.devices[0]!.id],
    });
    expect(profile.attributes.profileState).toBe('ACTIVE');
    expect(sim.state.profiles.map((p) => p.id)).toEqual([profile.id]);
    expect(h!.output()).toContain(`A profile named "${name}" already exists`);
    expect(apiRequests(sim).map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      'GET /v1/profiles 200',
      'POST /v1/profiles 409',
      `GET /v1/bundleIds/${sim.state.bundleIds[0]!.id}/profiles 200`,
      `DELETE /v1/profiles/${expired.id} 204`,
      'POST /v1/profiles 201',
    ]);
    expectTransport(sim);
  });

  it('follows links.next as given until the last page', async () => {
    const udids = Array.from({ length: 5 }, (_, i) => `0000810${i}-000A1B2C3D4E5F60`);
    const { sim, client } = await start({
      pageSizeCap: 2,
      seed: { devices: udids.map((udid) => ({ udid })) },
    });
    expect((await client.listDevices({ platform: 'IOS' })).map((d) => d.attributes.udid)).toEqual(udids);
    const pages = apiRequests(sim);
    expect(pages).toHaveLength(3);
    expect(pages[0]!.query).toEqual({ 'filter[platform]': 'IOS', limit: '200' });
    expect(pages[1]!.query.cursor).toBeTruthy();
    expect(pages[2]!.query.cursor).toBeTruthy();
    expect(pages[2]!.query['filter[platform]']).toBe('IOS');
    expectTransport(sim);
  });

  it('falls back to sorting both ways when Apple rejects its own cursor', async () => {
    const udids = Array.from({ length: 3 }, (_, i) => `0000810${i}-000A1B2C3D4E5F60`);
    const { sim, client, output } = await start({
      pageSizeCap: 2,
      seed: { devices: udids.map((udid) => ({ udid })) },
    });
    sim.faults.add({ path: '/v1/devices', fault: { kind: 'invalid-cursor' } });
    const devices = await client.listDevices();
    expect(devices.map((d) => d.attributes.udid).sort()).toEqual([...udids].sort());
    const log = apiRequests(sim);
    expect(log.map((e) => e.status)).toEqual([200, 400, 200, 200]);
    expect(
      log
        .slice(2)
        .map((e) => e.query.sort)
        .sort(),
    ).toEqual(['-id', 'id']);
    expect(output()).toContain('rejected its own paging cursor');
    expect(sim.faults.pending()).toEqual([]);
  });

  it('warns when the sort fallback cannot reach every item', async () => {
    const udids = Array.from({ length: 5 }, (_, i) => `0000810${i}-000A1B2C3D4E5F60`);
    const { sim, client, output } = await start({
      pageSizeCap: 2,
      seed: { devices: udids.map((udid) => ({ udid })) },
    });
    sim.faults.add({ path: '/v1/devices', fault: { kind: 'invalid-cursor' } });
    expect(await client.listDevices()).toHaveLength(4);
    expect(output()).toContain('Only 4 of 5 items');
  });

  it('runs independent requests with bounded concurrency under per-request latency', async () => {
    const { sim, client } = await start({
      latencyMs: 100,
      seed: { bundleIds: [{ identifier: 'io.bitrise.app' }] },
    });
    const bundleId = sim.state.bundleIds[0]!.id;
    const types = ['PUSH_NOTIFICATIONS', 'APP_GROUPS', 'ICLOUD', 'HEALTHKIT', 'HOMEKIT', 'MAPS'] as const;
    const enabled = await mapConcurrent(types, 3, (type) => client.enableCapability(bundleId, type));
    expect(enabled.map((c) => c.attributes.capabilityType)).toEqual([...types]);
    const posts = apiRequests(sim).filter((e) => e.path === '/v1/bundleIdCapabilities');
    const peak = Math.max(
      ...posts.map((p) => posts.filter((q) => q.at <= p.at && q.answeredAt! > p.at).length),
    );
    expect(peak).toBeLessThanOrEqual(3);
    // Concurrency happened at all (a sequential client would peak at 1).
    expect(peak).toBeGreaterThanOrEqual(2);
  });
});
