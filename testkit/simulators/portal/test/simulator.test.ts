import { sign } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../../common/step/index.ts';
import { type PortalSimulator, startPortalSimulator } from '../index.ts';

const API = 'https://api.appstoreconnect.apple.com';

function jwt(sim: PortalSimulator, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${encode({ alg: 'ES256', kid: sim.apiKey.keyId, typ: 'JWT' })}.${encode({
    iss: sim.apiKey.issuerId,
    iat: now,
    exp: now + 600,
    aud: 'appstoreconnect-v1',
    ...claims,
  })}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: sim.apiKey.privateKeyPem,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

describe('simulated Developer Portal', () => {
  let sim: PortalSimulator;
  let http: ReturnType<typeof createHttpClient>;
  beforeEach(async () => {
    sim = await startPortalSimulator({ seed: { devices: [{ udid: '00008030-001A0C3E0E92802E' }] } });
    http = createHttpClient({ env: sim.hostMapEnv, timeoutMs: 5000 });
  });
  afterEach(async () => {
    await sim.close();
  });

  const get = (path: string, token = jwt(sim), host = API) =>
    http(`${host}${path}`, { headers: { authorization: `Bearer ${token}` }, responseType: 'json' });

  it('accepts a correct JWT and refuses wrong audience, foreign signature and long lifetimes', async () => {
    expect((await get('/v1/devices')).statusCode).toBe(200);
    expect(
      (await get('/v1/devices', jwt(sim), 'https://api.enterprise.developer.apple.com')).statusCode,
    ).toBe(401);
    expect(
      (await get('/v1/devices', jwt(sim, { exp: Math.floor(Date.now() / 1000) + 21 * 60 }))).statusCode,
    ).toBe(401);
    const tampered = jwt(sim).replace(/\.[^.]+$/, `.${Buffer.alloc(64, 1).toString('base64url')}`);
    expect((await get('/v1/devices', tampered)).statusCode).toBe(401);
    expect(sim.requestLog.map((e) => e.problem)).toEqual([
      undefined,
      'aud is not apple-developer-enterprise-v1',
      'lifetime over 20 minutes',
      'bad signature',
    ]);
  });

  it("validates request bodies against Apple's generated schema", async () => {
    const response = await http.post(`${API}/v1/devices`, {
      headers: { authorization: `Bearer ${jwt(sim)}` },
      json: { data: { type: 'devices', attributes: { name: 'x', platform: 'IOS' } } },
      responseType: 'json',
    });
    expect(response.statusCode).toBe(400);
    expect(sim.schemaViolations).toEqual([
      expect.stringMatching(/^POST \/v1\/devices: zDeviceCreateRequest data\.attributes\.udid: /),
    ]);
    expect(sim.state.devices).toHaveLength(1);
  });

  it("validates its own responses against Apple's generated schema", async () => {
    (sim.state.devices[0] as { platform: string }).platform = 'TVOS';
    const response = await get('/v1/devices');
    expect(response.statusCode).toBe(500);
    expect(sim.schemaViolations).toEqual([
      expect.stringMatching(/zDevicesResponse data\.0\.attributes\.platform/),
    ]);
  });

  it("enforces Apple's page limit and binds cursors to their filters", async () => {
    expect((await get('/v1/devices?limit=201')).statusCode).toBe(400);
    sim.state.addDevice({ udid: '00008030-001A0C3E0E92802F' });
    const first = await get('/v1/devices?limit=1&filter[platform]=IOS');
    const next = (first.body as { links: { next: string } }).links.next;
    expect(next).toMatch(/^https:\/\/api\.appstoreconnect\.apple\.com\/v1\/devices\?.*cursor=/);
    expect((await get(next.replace(API, ''))).statusCode).toBe(200);
    const foreign = await get(`/v1/devices?limit=1&cursor=${new URL(next).searchParams.get('cursor')}`);
    expect(foreign.statusCode).toBe(400);
    expect(JSON.stringify(foreign.body)).toContain('is not a valid cursor for this request');
  });

  it('serves the web API only as POST with a session cookie', async () => {
    const session = sim.sessionCookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const url = 'https://developer.apple.com/services-account/v1/devices';
    expect((await http(url, { headers: { cookie: session } })).statusCode).toBe(405);
    expect((await http.post(url, { json: {} })).statusCode).toBe(401);
    const noTeam = await http.post(url, {
      headers: {
        cookie: session,
        'x-http-method-override': 'GET',
        'x-requested-with': 'XMLHttpRequest',
        'content-type': 'application/vnd.api+json',
      },
      body: JSON.stringify({ urlEncodedQueryParams: 'limit=1', teamId: 'OTHERTEAM1' }),
    });
    expect(noTeam.statusCode).toBe(403);
  });

  it('applies latency and queued faults in order, then serves normally', async () => {
    sim.setLatency(100);
    const started = performance.now();
    expect((await get('/v1/devices')).statusCode).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    sim.setLatency(0);

    sim.faults
      .add({ path: /^\/v1\/devices$/, times: 2, fault: { kind: 'status', status: 429, retryAfter: '3' } })
      .add({ path: '/v1/devices', fault: { kind: 'status', status: 503 } });
    const limited = await get('/v1/devices');
    expect([limited.statusCode, limited.headers['retry-after']]).toEqual([429, '3']);
    expect(limited.headers['x-rate-limit']).toMatch(/^user-hour-lim:3500;user-hour-rem:\d+;$/);
    expect((await get('/v1/devices')).statusCode).toBe(429);
    expect((await get('/v1/devices')).statusCode).toBe(503);
    expect(sim.faults.pending()).toEqual([]);
    expect((await get('/v1/devices')).statusCode).toBe(200);
    sim.faults.add({ path: '/v1/devices', fault: { kind: 'reset' } });
    await expect(get('/v1/devices')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(sim.requestLog.map((e) => e.status)).toEqual([200, 429, 429, 503, 200, -1]);
  });
});
