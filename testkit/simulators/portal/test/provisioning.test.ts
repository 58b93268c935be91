import { sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeProfile } from '../../../../common/codesign/index.ts';
import { ProfilesChangedError } from '../../../../common/portal/index.ts';
import { apiRequests, connect, TRANSPORTS } from '../../../../common/portal/test/harness.ts';
import { createHttpClient } from '../../../../common/step/index.ts';
import { type PortalSimulator, startPortalSimulator } from '../index.ts';

const IPHONE = '00008030-001A0C3E0E92802E';
const APPLE_TV = '00008110-000A1B2C3D4E5F60';
const MAC = '00008103-001C2D3E4F5A6B7C';

let sim: PortalSimulator | undefined;
afterEach(async () => {
  expect(sim?.schemaViolations ?? []).toEqual([]);
  await sim?.close();
  sim = undefined;
});

async function start() {
  sim = await startPortalSimulator({
    seed: {
      devices: [
        { udid: IPHONE, deviceClass: 'IPHONE' },
        { udid: APPLE_TV, deviceClass: 'APPLE_TV' },
        { udid: MAC, deviceClass: 'MAC', platform: 'MAC_OS' },
      ],
      certificates: [
        { certificateType: 'DEVELOPMENT' },
        { certificateType: 'DISTRIBUTION' },
        { certificateType: 'DEVELOPER_ID_APPLICATION' },
      ],
    },
  });
  return sim;
}

describe.each(TRANSPORTS)('App Store Connect include= over %s', (transport) => {
  it('lists App IDs with their capabilities and profiles in one request, exact identifiers only', async () => {
    const s = await start();
    const app = s.state.addBundleId({ identifier: 'io.example.app', capabilities: ['PUSH_NOTIFICATIONS'] });
    s.state.addBundleId({ identifier: 'io.example.app.widget' });
    s.state.addBundleId({ identifier: 'io.example.other' });
    s.state.addProfile({
      name: 'dev',
      profileType: 'IOS_APP_DEVELOPMENT',
      bundleIdentifier: 'io.example.app',
    });
    s.state.addProfile({
      name: 'old',
      profileType: 'IOS_APP_STORE',
      bundleIdentifier: 'io.example.app',
      expired: true,
    });
    const { client } = await connect(s, transport);
    s.requestLog.length = 0;
    const found = await client.listBundleIdsWithRelations(['io.example.app', 'io.example.app.widget']);
    expect(apiRequests(s)).toHaveLength(1);
    expect(apiRequests(s)[0]!.query).toMatchObject({
      include: 'bundleIdCapabilities,profiles',
      'limit[profiles]': '50',
      limit: '200',
    });
    const byId = Object.fromEntries(found.map((f) => [f.bundleId.attributes.identifier ?? '', f] as const));
    expect(Object.keys(byId).sort()).toEqual(['io.example.app', 'io.example.app.widget']);
    expect(byId['io.example.app']!.capabilities.map((c) => c.id)).toEqual(app.capabilities.map((c) => c.id));
    // Expired profiles are hidden from the profile list, not from the App ID's relationship.
    expect(byId['io.example.app']!.profiles.map((p) => p.attributes.name).sort()).toEqual(['dev', 'old']);
    expect(byId['io.example.app']!.profiles[0]!.attributes.profileContent).toBeTruthy();
    expect(byId['io.example.app.widget']!.profiles).toEqual([]);
  });

  it('takes a 404 on the rest of a relationship for profiles changed meanwhile', async () => {
    const s = await start();
    s.state.addBundleId({ identifier: 'io.example.gone' });
    for (let i = 0; i < 51; i++)
      s.state.addProfile({
        name: `p${i}`,
        profileType: 'IOS_APP_STORE',
        bundleIdentifier: 'io.example.gone',
      });
    s.faults.add({ path: /^\/v1\/bundleIds\/[^/]+\/profiles$/, fault: { kind: 'status', status: 404 } });
    const { client } = await connect(s, transport);
    await expect(client.listBundleIdsWithRelations(['io.example.gone'])).rejects.toBeInstanceOf(
      ProfilesChangedError,
    );
  });

  it('reads the rest of a relationship through its link when Apple cuts it at 50', async () => {
    const s = await start();
    s.state.addBundleId({ identifier: 'io.example.many' });
    for (let i = 0; i < 52; i++)
      s.state.addProfile({
        name: `p${i}`,
        profileType: 'IOS_APP_STORE',
        bundleIdentifier: 'io.example.many',
      });
    const { client } = await connect(s, transport);
    s.requestLog.length = 0;
    const [many] = await client.listBundleIdsWithRelations(['io.example.many']);
    expect(many!.profiles).toHaveLength(52);
    expect(apiRequests(s).map((e) => e.path.replace(/\/[A-Z0-9]{10}\//, '/{id}/'))).toEqual([
      '/v1/bundleIds',
      '/v1/bundleIds/{id}/profiles',
    ]);
  });
});

/** A JWT of the simulator's API key, for requests made by hand. */
function jwt(s: PortalSimulator): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${encode({ alg: 'ES256', kid: s.apiKey.keyId, typ: 'JWT' })}.${encode({
    iss: s.apiKey.issuerId,
    iat: now,
    exp: now + 600,
    aud: 'appstoreconnect-v1',
  })}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: s.apiKey.privateKeyPem,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

async function call(s: PortalSimulator, method: 'GET' | 'POST', path: string, json?: unknown) {
  const http = createHttpClient({ env: s.hostMapEnv, timeoutMs: 5000 });
  const response = await http(`https://api.appstoreconnect.apple.com${path}`, {
    method,
    headers: { authorization: `Bearer ${jwt(s)}` },
    ...(json ? { json } : {}),
    responseType: 'json',
    throwHttpErrors: false,
  });
  return {
    status: response.statusCode,
    body: response.body as { errors?: Array<{ code: string; detail: string }> },
  };
}

describe('include= is validated as App Store Connect does', () => {
  it.each([
    [{ include: 'devices' }, "'devices' is not a valid relationship name"],
    [{ include: 'profiles', 'limit[profiles]': '51' }, "'51' is not a valid value for 'limit[profiles]'"],
    [{ 'limit[profiles]': '5' }, "'limit[profiles]' can only be used together with include=profiles"],
    [{ include: 'profiles', 'fields[profiles]': 'name,nonsense' }, 'fields[profiles]'],
  ])('refuses %j', async (params, detail) => {
    const s = await start();
    const { status, body } = await call(s, 'GET', `/v1/bundleIds?${new URLSearchParams(params)}`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.code).toBe('PARAMETER_ERROR.INVALID');
    expect(body.errors?.[0]?.detail).toContain(detail);
  });

  it('includes at most 10 related resources per relationship without limit[…], with the total', async () => {
    const s = await start();
    s.state.addBundleId({ identifier: 'io.example.many' });
    for (let i = 0; i < 12; i++)
      s.state.addProfile({
        name: `p${i}`,
        profileType: 'IOS_APP_STORE',
        bundleIdentifier: 'io.example.many',
      });
    const { status, body } = await call(s, 'GET', '/v1/bundleIds?include=profiles');
    expect(status).toBe(200);
    const document = body as unknown as {
      data: Array<{ relationships: { profiles: { data: unknown[]; meta: { paging: { total: number } } } } }>;
      included: unknown[];
    };
    expect(document.data[0]!.relationships.profiles.data).toHaveLength(10);
    expect(document.data[0]!.relationships.profiles.meta.paging.total).toBe(12);
    expect(document.included).toHaveLength(10);
  });
});

describe('profiles Apple refuses to create', () => {
  async function attempt(options: {
    profileType: string;
    appIdPlatform?: 'IOS' | 'MAC_OS' | 'UNIVERSAL';
    certificate: string;
    devices: readonly string[];
  }) {
    const s = await start();
    const bundleId = s.state.addBundleId({
      identifier: 'io.example.app',
      platform: options.appIdPlatform ?? 'IOS',
    });
    const certificate = s.state.certificates.find((c) => c.certificateType === options.certificate)!;
    const deviceIds = options.devices.map((udid) => s.state.devices.find((d) => d.udid === udid)!.id);
    return call(s, 'POST', '/v1/profiles', {
      data: {
        type: 'profiles',
        attributes: { name: 'p', profileType: options.profileType },
        relationships: {
          bundleId: { data: { type: 'bundleIds', id: bundleId.id } },
          certificates: { data: [{ type: 'certificates', id: certificate.id }] },
          ...(deviceIds.length
            ? { devices: { data: deviceIds.map((id) => ({ type: 'devices', id })) } }
            : {}),
        },
      },
    });
  }

  it.each([
    [
      'an Apple TV in an iOS profile',
      { profileType: 'IOS_APP_DEVELOPMENT', certificate: 'DEVELOPMENT', devices: [IPHONE, APPLE_TV] },
      'Invalid deviceClass for profile type.',
    ],
    [
      'an iPhone in a Mac Catalyst profile',
      { profileType: 'MAC_CATALYST_APP_DEVELOPMENT', certificate: 'DEVELOPMENT', devices: [IPHONE] },
      'Invalid deviceClass for profile type.',
    ],
    [
      'a development profile without devices',
      { profileType: 'TVOS_APP_DEVELOPMENT', certificate: 'DEVELOPMENT', devices: [] },
      "The relationship 'devices' is required.",
    ],
    [
      'devices in an App Store profile',
      { profileType: 'IOS_APP_STORE', certificate: 'DISTRIBUTION', devices: [IPHONE] },
      "The relationship 'devices' is not allowed",
    ],
    [
      'a development certificate in an App Store profile',
      { profileType: 'IOS_APP_STORE', certificate: 'DEVELOPMENT', devices: [] },
      'cannot be used in a IOS_APP_STORE profile',
    ],
    [
      'an Apple Distribution certificate in a Developer ID profile',
      { profileType: 'MAC_APP_DIRECT', appIdPlatform: 'MAC_OS', certificate: 'DISTRIBUTION', devices: [] },
      'cannot be used in a MAC_APP_DIRECT profile',
    ],
    [
      'a macOS profile for an iOS App ID',
      { profileType: 'MAC_APP_STORE', certificate: 'DISTRIBUTION', devices: [] },
      "You are not allowed to create 'MAC_APP_STORE' profile with App ID 'io.example.app'",
    ],
  ] as const)('refuses %s with 409', async (_, options, detail) => {
    const { status, body } = await attempt(options);
    expect(status).toBe(409);
    expect(body.errors?.[0]?.detail).toContain(detail);
  });

  it.each([
    [
      'a Mac in a Mac Catalyst development profile for an iOS App ID',
      'MAC_CATALYST_APP_DEVELOPMENT',
      'IOS',
      'DEVELOPMENT',
      [MAC],
    ],
    [
      'a Developer ID profile for a universal App ID',
      'MAC_APP_DIRECT',
      'UNIVERSAL',
      'DEVELOPER_ID_APPLICATION',
      [],
    ],
    ['an Apple TV in a tvOS ad hoc profile', 'TVOS_APP_ADHOC', 'IOS', 'DISTRIBUTION', [APPLE_TV]],
  ] as const)('accepts %s', async (_, profileType, appIdPlatform, certificate, devices) => {
    const { status } = await attempt({ profileType, appIdPlatform, certificate, devices });
    expect(status).toBe(201);
    const profile = sim!.state.profiles.at(-1)!;
    const platforms = profileType.startsWith('MAC')
      ? ['OSX']
      : profileType.startsWith('TVOS')
        ? ['tvOS']
        : ['iOS'];
    expect(decodeProfile(profile.content).platforms.slice(0, 1)).toEqual(platforms);
  });
});
