import { createPrivateKey } from 'node:crypto';
import got, { type Response } from 'got';
import { afterEach, describe, expect, it } from 'vitest';
import {
  API_KEY_PRIVATE_KEY_PEM,
  apiKeyConnection,
  appleIdConnection,
  bareApiPrivateKey,
  combinedConnection,
  daysFromNow,
  loadConnectionFixture,
} from '../../fixtures/connections/index.ts';
import {
  type BuildApiSimulator,
  type BuildApiSimulatorOptions,
  PORTAL_DATA_FILE,
  parseFault,
  refusedBuildUrl,
  startBuildApiSimulator,
} from './index.ts';

const started: BuildApiSimulator[] = [];

async function start(options: BuildApiSimulatorOptions = {}): Promise<BuildApiSimulator> {
  const sim = await startBuildApiSimulator(options);
  started.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.close()));
});

/** One plain attempt, like a single try of the steps' client: no retries, no status exceptions. */
function fetchPortalData(
  sim: BuildApiSimulator,
  token: string | null = sim.token,
): Promise<Response<string>> {
  return got(sim.endpointUrl, {
    headers: token === null ? {} : { BUILD_API_TOKEN: token },
    retry: { limit: 0 },
    throwHttpErrors: false,
  });
}

describe('build API simulator: normal answers', () => {
  it('serves the configured payload to a request with the right token and records it', async () => {
    const payload = appleIdConnection();
    const sim = await start({ payload, token: 'secret-token' });

    const res = await fetchPortalData(sim);

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual(payload);
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/build\/[0-9a-f]{16}$/);
    expect(sim.requests).toHaveLength(1);
    const [entry] = sim.requests;
    expect(entry).toMatchObject({
      method: 'GET',
      path: new URL(sim.endpointUrl).pathname,
      token: 'secret-token',
      fault: null,
      status: 200,
    });
    expect(entry!.headers['build_api_token']).toBe('secret-token');
    expect(entry!.at).toBeGreaterThan(Date.now() - 10_000);
  });

  it('defaults to {} (no connection configured)', async () => {
    const sim = await start();
    const res = await fetchPortalData(sim);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{}');
  });

  it('tolerates the double slash a trailing-slash build URL produces with a plain %s/%s join', async () => {
    const sim = await start({ payload: { test_devices: [] } });
    const res = await got(`${sim.url}//${PORTAL_DATA_FILE}`, {
      headers: { BUILD_API_TOKEN: sim.token },
      retry: { limit: 0 },
      throwHttpErrors: false,
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ test_devices: [] });
    expect(sim.requests[0]!.path).toBe(`${new URL(sim.url).pathname}//${PORTAL_DATA_FILE}`);
  });

  it('matches the token header case-insensitively, as Go sends it canonicalised (Build_api_token)', async () => {
    const sim = await start();
    const res = await got(sim.endpointUrl, {
      headers: { Build_api_token: sim.token },
      retry: { limit: 0 },
      throwHttpErrors: false,
    });
    expect(res.statusCode).toBe(200);
  });

  it('answers 401 with an error_msg body for a missing or wrong token', async () => {
    const sim = await start({ payload: appleIdConnection() });

    const missing = await fetchPortalData(sim, null);
    const wrong = await fetchPortalData(sim, 'not-the-token');

    for (const res of [missing, wrong]) {
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body)).toEqual({ error_msg: expect.any(String) });
      expect(res.body).not.toContain('example@example.io');
    }
    expect(sim.requests.map((r) => [r.token, r.status])).toEqual([
      [undefined, 401],
      ['not-the-token', 401],
    ]);
  });

  it('answers 404 for other paths without consuming a queued fault', async () => {
    const sim = await start({ payload: { ok: 1 } });
    sim.queueFaults(['500']);

    const other = await got(`${sim.url}/something_else.json`, {
      headers: { BUILD_API_TOKEN: sim.token },
      retry: { limit: 0 },
      throwHttpErrors: false,
    });
    const first = await fetchPortalData(sim);
    const second = await fetchPortalData(sim);

    expect([other.statusCode, first.statusCode, second.statusCode]).toEqual([404, 500, 200]);
  });

  it('serves a raw string payload verbatim, and setPayload changes later answers', async () => {
    const sim = await start({ payload: '{"apple_id": "a@b.c", "connection_expiry_date": ""}' });
    expect((await fetchPortalData(sim)).body).toBe('{"apple_id": "a@b.c", "connection_expiry_date": ""}');
    sim.setPayload({ test_devices: [] });
    expect(JSON.parse((await fetchPortalData(sim)).body)).toEqual({ test_devices: [] });
  });

  it('works with fetch too', async () => {
    const sim = await start({ payload: { a: 1 } });
    const res = await fetch(sim.endpointUrl, { headers: { BUILD_API_TOKEN: sim.token } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ a: 1 });
  });
});

describe('build API simulator: status faults', () => {
  it.each([
    ['401', 401],
    ['403', 403],
    ['404', 404],
    ['500', 500],
    ['501', 501],
    ['503', 503],
  ] as const)(
    'fault %s answers %i with a JSON error_msg even with the right token',
    async (fault, status) => {
      const sim = await start({ payload: appleIdConnection(), fault });

      const res = await fetchPortalData(sim);

      expect(res.statusCode).toBe(status);
      expect(JSON.parse(res.body)).toEqual({ error_msg: expect.any(String) });
      expect(res.headers['retry-after']).toBeUndefined();
      expect(sim.requests[0]).toMatchObject({ fault, status, token: sim.token });
    },
  );

  it('429 without Retry-After', async () => {
    const sim = await start({ fault: '429' });
    const res = await fetchPortalData(sim);
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(sim.requests[0]).toMatchObject({ fault: '429', status: 429 });
  });

  it('429 and 503 with a configurable Retry-After', async () => {
    const sim = await start();
    sim.queueFaults([
      { mode: '429', retryAfter: 7 },
      { mode: '503', retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' },
    ]);
    const first = await fetchPortalData(sim);
    const second = await fetchPortalData(sim);
    expect([first.statusCode, first.headers['retry-after']]).toEqual([429, '7']);
    expect([second.statusCode, second.headers['retry-after']]).toEqual([
      503,
      'Wed, 21 Oct 2015 07:28:00 GMT',
    ]);
  });

  it('queued faults apply one per request, then the payload is served (503, 503, then 200)', async () => {
    const sim = await start({ payload: apiKeyConnection() });
    sim.queueFaults(['503', '503']);

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetchPortalData(sim)).statusCode);

    expect(statuses).toEqual([503, 503, 200]);
    expect(sim.requests.map((r) => r.fault)).toEqual(['503', '503', null]);
  });

  it('queued faults take precedence over the persistent fault, which applies afterwards until cleared', async () => {
    const sim = await start({ fault: '500' });
    sim.queueFaults(['429']);
    const statuses = [(await fetchPortalData(sim)).statusCode, (await fetchPortalData(sim)).statusCode];
    sim.setFault(null);
    statuses.push((await fetchPortalData(sim)).statusCode);
    expect(statuses).toEqual([429, 500, 200]);
  });

  it('got retries through queued 503s and reaches the payload (the retry pattern the steps rely on)', async () => {
    const sim = await start({ payload: { test_devices: [] } });
    sim.queueFaults([
      { mode: '503', retryAfter: 0 },
      { mode: '503', retryAfter: 0 },
    ]);
    const res = await got(sim.endpointUrl, {
      headers: { BUILD_API_TOKEN: sim.token },
      retry: { limit: 4, calculateDelay: ({ computedValue }) => (computedValue ? 1 : 0) },
    });
    expect(res.statusCode).toBe(200);
    expect(sim.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });
});

describe('build API simulator: body and transport faults', () => {
  it('empty answers 200 {} regardless of the payload', async () => {
    const sim = await start({ payload: appleIdConnection(), fault: 'empty' });
    const res = await fetchPortalData(sim);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({});
    expect(sim.requests[0]).toMatchObject({ fault: 'empty', status: 200 });
  });

  it('non-json answers 200 with an HTML page', async () => {
    const sim = await start({ payload: appleIdConnection(), fault: 'non-json' });
    const res = await fetchPortalData(sim);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/^<!DOCTYPE html>/);
    expect(() => JSON.parse(res.body)).toThrow(SyntaxError);
  });

  it('truncated completes the response cleanly but with half of the JSON', async () => {
    const payload = appleIdConnection();
    const sim = await start({ payload, fault: 'truncated' });
    const res = await fetchPortalData(sim);
    const full = JSON.stringify(payload);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(full.slice(0, Math.floor(full.length / 2)));
    expect(() => JSON.parse(res.body)).toThrow(SyntaxError);
    expect(sim.requests[0]).toMatchObject({ fault: 'truncated', status: 200 });
  });

  it('reset sends headers and part of the body, then drops the connection (got)', async () => {
    const sim = await start({ payload: appleIdConnection(), fault: 'reset' });
    const error = await fetchPortalData(sim).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(Error);
    // got reports the body cut short as a ReadError (or a RequestError on some Node versions).
    expect((error as { name: string }).name).toMatch(/ReadError|RequestError/);
    expect(sim.requests[0]).toMatchObject({ fault: 'reset', status: 200 });
  });

  it('reset: fetch sees the 200 headers, then reading the body fails', async () => {
    const sim = await start({ payload: appleIdConnection(), fault: 'reset' });
    const res = await fetch(sim.endpointUrl, { headers: { BUILD_API_TOKEN: sim.token } });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('slow answers normally, no sooner than the given delay', async () => {
    const sim = await start({ payload: { a: 1 } });
    sim.queueFaults([{ mode: 'slow', delayMs: 300 }]);

    const res = await fetchPortalData(sim);
    const answeredAt = Date.now();

    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ a: 1 });
    // A lower bound only: a busy machine makes the answer later, never earlier.
    expect(answeredAt - sim.requests[0]!.at).toBeGreaterThanOrEqual(290);
    expect(sim.requests.map((r) => r.fault)).toEqual(['slow']);
  });

  it('slow does not block other requests: one is answered while the slow one is still unanswered', async () => {
    const sim = await start({ payload: { a: 1 } });
    // Far longer than the test runs: the slow request is cancelled below, never answered.
    sim.queueFaults([{ mode: 'slow', delayMs: 60_000 }]);
    const abort = new AbortController();
    let slowSettled = false;
    const slow = got(sim.endpointUrl, {
      headers: { BUILD_API_TOKEN: sim.token },
      retry: { limit: 0 },
      signal: abort.signal,
    }).finally(() => {
      slowSettled = true;
    });
    const slowOutcome = slow.then(
      () => 'answered',
      (err: unknown) => (err as { name: string }).name,
    );
    await sim.waitForRequests(1);

    const fast = await fetchPortalData(sim);

    expect(fast.statusCode).toBe(200);
    // State, not wall time: the server has not started the slow answer and the client still waits.
    expect(sim.requests.map((r) => [r.fault, r.status])).toEqual([
      ['slow', null],
      [null, 200],
    ]);
    expect(slowSettled).toBe(false);
    abort.abort();
    expect(await slowOutcome).toBe('AbortError');
    expect(sim.requests[0]!.status).toBeNull();
  });

  it('slow still checks the token once the delay is over', async () => {
    const sim = await start({ fault: { mode: 'slow', delayMs: 50 } });
    const res = await fetchPortalData(sim, 'wrong');
    expect(res.statusCode).toBe(401);
  });

  it('slow: a client timeout fires before the answer', async () => {
    const sim = await start({ fault: { mode: 'slow', delayMs: 60_000 } });
    const error = await got(sim.endpointUrl, {
      headers: { BUILD_API_TOKEN: sim.token },
      retry: { limit: 0 },
      timeout: { request: 200 },
    }).then(
      () => null,
      (err: unknown) => err,
    );
    expect((error as { name: string; code: string }).code).toBe('ETIMEDOUT');
    expect(sim.requests).toHaveLength(1);
  });

  it('close() returns promptly while a slow response is pending, and the client sees the connection drop', async () => {
    const sim = await start({ fault: { mode: 'slow', delayMs: 60_000 } });
    const pending = fetchPortalData(sim).then(
      () => null,
      (err: unknown) => err,
    );
    await sim.waitForRequests(1);
    const closingAt = Date.now();
    await sim.close();
    expect(Date.now() - closingAt).toBeLessThan(2_000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('refusedBuildUrl gives a URL where the connection is refused', async () => {
    const url = await refusedBuildUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/build\/refused$/);
    const error = await got(`${url}/${PORTAL_DATA_FILE}`, { retry: { limit: 0 } }).then(
      () => null,
      (err: unknown) => err,
    );
    expect((error as { code: string }).code).toBe('ECONNREFUSED');
  });

  it('waitForRequests rejects when the requests do not arrive in time', async () => {
    const sim = await start();
    await expect(sim.waitForRequests(1, 50)).rejects.toThrow(/expected 1 requests, got 0/);
  });
});

describe('connection fixtures', () => {
  it('the API key fixture is a real EC P-256 PKCS#8 key', () => {
    const key = createPrivateKey(API_KEY_PRIVATE_KEY_PEM);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(API_KEY_PRIVATE_KEY_PEM).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    // The bare form, re-armoured the way the steps do, is the same key.
    const rewrapped = `-----BEGIN PRIVATE KEY-----\n${bareApiPrivateKey()}\n-----END PRIVATE KEY-----`;
    expect(createPrivateKey(rewrapped).export({ format: 'der', type: 'pkcs8' })).toEqual(
      key.export({ format: 'der', type: 'pkcs8' }),
    );
  });

  it('appleIdConnection renders the expiry relative to now, or as given', () => {
    const now = new Date('2030-01-01T00:00:00.000Z');
    expect(appleIdConnection({ expiry: daysFromNow(20, now) })['connection_expiry_date']).toBe(
      '2030-01-21T00:00:00.000Z',
    );
    expect(appleIdConnection({ expiry: null })['connection_expiry_date']).toBeNull();
    expect('connection_expiry_date' in appleIdConnection({ expiry: undefined })).toBe(false);
    expect(appleIdConnection({ expiry: '' })['connection_expiry_date']).toBe('');
    const defaultExpiry = Date.parse(appleIdConnection()['connection_expiry_date'] as string);
    expect(defaultExpiry - Date.now()).toBeGreaterThan(19.9 * 24 * 3600 * 1000);
  });

  it('the static fixtures have the documented shapes', () => {
    expect(loadConnectionFixture('empty')).toEqual({});
    expect(Object.keys(loadConnectionFixture('test-devices'))).toEqual(['test_devices']);
    const apple = loadConnectionFixture('apple-id') as { session_cookies: Record<string, unknown[]> };
    expect(apple.session_cookies['https://idmsa.apple.com']).toHaveLength(2);
    const both = loadConnectionFixture('apple-id-and-api-key');
    expect(both).toMatchObject({ apple_id: 'example@example.io', key_id: 'ASDF4H9LNQ' });
    expect(Object.keys(combinedConnection())).toEqual(
      expect.arrayContaining(['apple_id', 'key_id', 'test_devices']),
    );
  });
});

describe('parseFault', () => {
  it('parses bare names and the parameterised forms', () => {
    expect(parseFault('503')).toBe('503');
    expect(parseFault('non-json')).toBe('non-json');
    expect(parseFault('429:5')).toEqual({ mode: '429', retryAfter: 5 });
    expect(parseFault('503:Wed, 21 Oct 2015 07:28:00 GMT')).toEqual({
      mode: '503',
      retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT',
    });
    expect(parseFault('slow:2500')).toEqual({ mode: 'slow', delayMs: 2500 });
  });

  it('rejects unknown faults and stray arguments', () => {
    expect(() => parseFault('418')).toThrow(/unknown build API fault "418"/);
    expect(() => parseFault('reset:3')).toThrow(/takes no argument/);
  });
});
