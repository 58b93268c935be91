import { afterEach, describe, expect, it } from 'vitest';
import { StepError } from '../../step/index.ts';
import { PortalApiError } from '../index.ts';
import { apiRequests, connect, type Harness, startHarness, TRANSPORTS } from './harness.ts';

const UDID = '00008030-001A0C3E0E92802E';

describe.each(TRANSPORTS)('retries and errors over %s', (transport) => {
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
    expect(sim.faults.pending()).toEqual([]);
  });

  const statuses = (h: Harness) => apiRequests(h.sim).map((e) => e.status);

  it('retries reads on 5xx with backoff and succeeds', async () => {
    const harness = await start({ seed: { devices: [{ udid: UDID }] } });
    harness.sim.faults.add({ path: '/v1/devices', times: 2, fault: { kind: 'status', status: 503 } });
    expect(await harness.client.listDevices()).toHaveLength(1);
    expect(statuses(harness)).toEqual([503, 503, 200]);
    expect(harness.waits).toHaveLength(2);
    expect(harness.waits[1]!).toBeGreaterThan(harness.waits[0]!);
    expect(harness.output()).toContain('attempt 1/5 failed: GET https://');
  });

  it('honours Retry-After on 429 and logs X-Rate-Limit', async () => {
    const harness = await start({ seed: { devices: [{ udid: UDID }] } });
    harness.sim.faults.add({ path: '/v1/devices', fault: { kind: 'status', status: 429, retryAfter: '7' } });
    expect(await harness.client.listDevices()).toHaveLength(1);
    expect(statuses(harness)).toEqual([429, 200]);
    expect(harness.waits).toEqual([7000]);
    expect(harness.output()).toMatch(
      /attempt 1\/5 failed: GET \S+: 429 \(RATE_LIMIT_EXCEEDED\): rate limited \(X-Rate-Limit: user-hour-lim:3500;user-hour-rem:\d+;\); retrying in 7 s \(Retry-After\)/,
    );
    expect(harness.output()).toContain('(Retry-After)');
  });

  it('backs off on 429 without Retry-After, also for creates (nothing was applied)', async () => {
    const harness = await start();
    harness.sim.faults.add({ path: '/v1/devices', method: 'POST', fault: { kind: 'status', status: 429 } });
    await harness.client.registerDevice({ udid: UDID });
    expect(statuses(harness)).toEqual([429, 201]);
    expect(harness.waits).toHaveLength(1);
    expect(harness.output()).not.toContain('(Retry-After)');
  });

  it('retries a reset connection for reads', async () => {
    const harness = await start({ seed: { bundleIds: [{ identifier: 'io.bitrise.app' }] } });
    harness.sim.faults.add({ path: '/v1/bundleIds', fault: { kind: 'reset' } });
    expect(await harness.client.findBundleId('io.bitrise.app')).toBeDefined();
    expect(statuses(harness)).toEqual([-1, 200]);
  });

  it('retries a read that times out', async () => {
    const sim = (await start({ seed: { devices: [{ udid: UDID }] } })).sim;
    const { client, output } = await connect(sim, transport, { timeoutMs: 300 });
    sim.faults.add({ path: '/v1/devices', fault: { kind: 'delay', ms: 1000 } });
    expect(await client.listDevices()).toHaveLength(1);
    // The abandoned request is still unanswered (status 0) when the retry succeeds.
    expect(apiRequests(sim).map((e) => [e.fault, e.status])).toEqual([
      ['delay 1000 ms', 0],
      [undefined, 200],
    ]);
    expect(output()).toMatch(/attempt 1\/5 failed: GET \S+: Timeout awaiting 'request' for 300ms/);
  });

  it('does not repeat a create after a 5xx: it may have been applied', async () => {
    const harness = await start();
    harness.sim.faults.add({
      path: '/v1/devices',
      method: 'POST',
      fault: { kind: 'status', status: 503, detail: 'The service is down.' },
    });
    const err = await harness.client.registerDevice({ udid: UDID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortalApiError);
    expect((err as Error).message).toBe(
      `POST ${transport === 'api_key' ? 'https://api.appstoreconnect.apple.com' : 'https://developer.apple.com/services-account'}/v1/devices: 503\n- UNEXPECTED_ERROR: An unexpected error occurred.: The service is down.`,
    );
    expect(statuses(harness)).toEqual([503]);
    expect(harness.waits).toEqual([]);
  });

  it('gives up after the attempts run out and keeps the last error', async () => {
    const sim = (await start()).sim;
    const { client, waits } = await connect(sim, transport, { retryAttempts: 3 });
    sim.faults.add({ path: '/v1/certificates', times: 3, fault: { kind: 'status', status: 500 } });
    await expect(client.listCertificates(['DEVELOPMENT'])).rejects.toThrow(
      /GET https:\/\/\S+\/v1\/certificates\?\S+: 500/,
    );
    expect(apiRequests(sim).map((e) => e.status)).toEqual([500, 500, 500]);
    expect(waits).toHaveLength(2);
  });

  it('reports a missing agreement with what to do, without retrying', async () => {
    const harness = await start();
    harness.sim.faults.add({
      path: '/v1/bundleIds',
      fault: { kind: 'status', status: 403, code: 'FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED' },
    });
    const err = (await harness.client.findBundleId('io.bitrise.app').catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(StepError);
    expect(err.message).toContain('- FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED:');
    expect((err as StepError).hint).toContain('accept the new agreement in App Store Connect');
    expect(statuses(harness)).toEqual([403]);
  });

  it('renders Apple errors of a plain 4xx without retrying', async () => {
    const harness = await start();
    harness.sim.faults.add({
      path: '/v1/profiles',
      fault: {
        kind: 'status',
        status: 400,
        code: 'PARAMETER_ERROR.ILLEGAL',
        detail: 'The filter is not allowed.',
      },
    });
    const err = (await harness.client
      .findProfile('x', 'IOS_APP_STORE')
      .catch((e: unknown) => e)) as PortalApiError;
    expect(err).toBeInstanceOf(PortalApiError);
    expect(err.status).toBe(400);
    expect(err.message.split('\n')).toEqual([
      expect.stringMatching(
        /^GET https:\/\/\S+\/v1\/profiles\?filter%5Bname%5D=x&filter%5BprofileType%5D=IOS_APP_STORE&limit=200: 400$/,
      ),
      '- PARAMETER_ERROR.ILLEGAL: An unexpected error occurred.: The filter is not allowed.',
    ]);
    expect(statuses(harness)).toEqual([400]);
  });

  it('never puts credentials in errors or logs', async () => {
    const harness = await start();
    harness.sim.faults.add({ path: '/v1/devices', times: 5, fault: { kind: 'status', status: 502 } });
    const err = (await harness.client.listDevices().catch((e: unknown) => e)) as Error;
    const text = `${err.message}\n${String(err.cause ?? '')}\n${harness.output()}`;
    for (const cookie of harness.sim.sessionCookies) expect(text).not.toContain(cookie.value);
    expect(text).not.toContain(harness.sim.apiKey.privateKeyPem.split('\n')[1]);
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/);
    expect(text).not.toMatch(/Bearer|authorization|cookie:/i);
  });
});
