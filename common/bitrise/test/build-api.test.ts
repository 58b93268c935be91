import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appleIdConnection } from '../../../testkit/fixtures/connections/index.ts';
import { connectionSecrets, leakedSecrets } from '../../../testkit/harness.ts';
import {
  type BuildApiSimulator,
  type Fault,
  refusedBuildUrl,
  startBuildApiSimulator,
} from '../../../testkit/simulators/build-api/index.ts';
import { loadConnection } from '../../apple/load-connection.ts';
import { stripAnsi } from '../../step/colors.ts';
import { Secret } from '../../step/secret.ts';
import { captureLogger } from '../../step/test/helpers.ts';
import { BuildApiError, ConnectionPayloadError, connectionUrl, fetchConnection } from '../index.ts';

let sim: BuildApiSimulator;
const payload = appleIdConnection();
beforeAll(async () => {
  sim = await startBuildApiSimulator({ payload, slowDelayMs: 2000 });
});
afterAll(() => sim.close());

// Retries wait 10, 20, 40, 80 ms here instead of 1, 2, 4, 8 s; the per-attempt timeout is 500 ms.
const fast = { retryBaseDelayMs: 10, attemptTimeoutMs: 500 };

async function fetchWith(faults: Fault[], options: { buildUrl?: string; token?: string } = {}) {
  sim.queueFaults(faults);
  const { logger, output } = captureLogger();
  const before = sim.requests.length;
  const started = Date.now();
  const result = await fetchConnection({
    buildUrl: options.buildUrl ?? sim.url,
    token: new Secret(options.token ?? sim.token),
    env: {},
    cwd: process.cwd(),
    logger,
    ...fast,
  }).then(
    (connection) => ({ connection, error: undefined }),
    (error: Error) => ({ connection: undefined, error }),
  );
  return {
    ...result,
    output: stripAnsi(output()),
    attempts: sim.requests.length - before,
    ms: Date.now() - started,
  };
}

describe('fetchConnection against the simulated build API', () => {
  it('sends the token header and reads the connection', async () => {
    const { connection, attempts } = await fetchWith([]);
    expect(connection!.appleId!.appleId).toBe('example@example.io');
    expect(attempts).toBe(1);
    expect(sim.requests.at(-1)!.token).toBe(sim.token);
    expect(sim.requests.at(-1)!.path).toMatch(/\/apple_developer_portal_data\.json$/);
  });

  it('tolerates a trailing slash on the build URL', async () => {
    expect(connectionUrl('https://app.bitrise.io/build/abc/')).toBe(
      'https://app.bitrise.io/build/abc/apple_developer_portal_data.json',
    );
    const { connection } = await fetchWith([], { buildUrl: `${sim.url}/` });
    expect(connection!.appleId).toBeDefined();
    expect(sim.requests.at(-1)!.path).not.toContain('//');
  });

  it.each([
    [['503', '503'], 3],
    [['500'], 2],
    [['429'], 2],
    [['reset'], 2],
    [['slow'], 2],
  ] as Array<[Fault[], number]>)('retries %j and succeeds after %i attempts', async (faults, attempts) => {
    const result = await fetchWith(faults);
    expect(result.error).toBeUndefined();
    expect(result.connection!.appleId).toBeDefined();
    expect(result.attempts).toBe(attempts);
    expect(result.output).toContain('Fetching the Apple Developer connection: attempt 1/5 failed');
  });

  it('honours Retry-After on 429', async () => {
    const result = await fetchWith([{ mode: '429', retryAfter: 1 }]);
    expect(result.connection).toBeDefined();
    expect(result.ms).toBeGreaterThanOrEqual(950);
    expect(result.output).toContain('retrying in 1 s (Retry-After)');
  });

  it.each([
    ['401', 401],
    ['403', 403],
    ['404', 404],
    ['501', 501],
  ] as const)('does not retry %s and keeps the status', async (fault, status) => {
    const result = await fetchWith([fault]);
    expect(result.error).toBeInstanceOf(BuildApiError);
    expect((result.error as BuildApiError).status).toBe(status);
    expect(result.error!.message).toBe(
      `failed to fetch authentication credentials: network request failed with status ${status}`,
    );
    expect(result.attempts).toBe(1);
  });

  it('gives up after 5 attempts', async () => {
    const result = await fetchWith(['500', '500', '500', '500', '500']);
    expect((result.error as BuildApiError).status).toBe(500);
    expect(result.attempts).toBe(5);
  });

  it('fails on a refused connection after retrying', async () => {
    const result = await fetchWith([], { buildUrl: await refusedBuildUrl() });
    expect(result.error).toBeInstanceOf(BuildApiError);
    expect(result.error!.message).toBe(
      'failed to fetch authentication credentials: failed to perform request: ECONNREFUSED',
    );
  });

  it.each([
    ['truncated', 'not valid JSON'],
    ['non-json', 'not valid JSON'],
  ] as const)('fails clearly on a %s body, without the body', async (fault, message) => {
    const result = await fetchWith([fault]);
    expect(result.error).toBeInstanceOf(ConnectionPayloadError);
    expect(result.error!.message).toContain(message);
    expect(leakedSecrets(result.error!.message, connectionSecrets(payload))).toEqual([]);
  });

  it('reads {} as not connected', async () => {
    const result = await fetchWith(['empty']);
    expect(result.connection!.appleId).toBeUndefined();
    expect(result.connection!.apiKey).toBeUndefined();
  });

  it('reads a file:// build URL from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conn-'));
    writeFileSync(join(dir, 'conn.json'), JSON.stringify(payload));
    const result = await fetchWith([], { buildUrl: `file://${join(dir, 'conn.json')}` });
    expect(result.connection!.appleId!.appleId).toBe('example@example.io');
    const missing = await fetchWith([], { buildUrl: `file://${join(dir, 'missing.json')}` });
    expect(missing.error!.message).toMatch(/could not read .*missing\.json: ENOENT/);
  });
});

describe('loadConnection outcomes', () => {
  async function load(
    fault: Fault | undefined,
    mode: 'automatic' | 'off' = 'automatic',
    buildUrl = sim.url,
    token = sim.token,
  ) {
    if (fault) sim.queueFaults([fault]);
    const { logger, output } = captureLogger();
    const connection = await loadConnection({
      mode,
      buildUrl,
      token: new Secret(token),
      env: {},
      cwd: '.',
      logger,
      ...fast,
    });
    return { connection, output: stripAnsi(output()) };
  }

  it("warns about a public app's PR build on 401 and goes on", async () => {
    const { connection, output } = await load('401');
    expect(connection.appleId).toBeUndefined();
    expect(output).toContain(
      "Unauthorized to query Connected Apple Developer Portal Account. This happens by design, with a public app's PR build, to protect secrets.",
    );
  });

  it('warns with the reason and the docs link on other failures', async () => {
    const { output } = await load('404');
    expect(output).toContain(
      'Failed to activate Bitrise Apple Developer Portal connection: failed to fetch authentication credentials: network request failed with status 404',
    );
    expect(output).toContain('Read more: https://devcenter.bitrise.io/');
  });

  it('warns when not running on Bitrise, but not with connection off', async () => {
    expect((await load(undefined, 'automatic', '', '')).output).toContain(
      'Step is not running on bitrise.io',
    );
    const before = sim.requests.length;
    expect((await load(undefined, 'off')).output).toBe('');
    expect(sim.requests.length).toBe(before);
  });
});
