import { afterEach, describe, expect, it } from 'vitest';
import { type PortalSimulator, startPortalSimulator } from '../../../testkit/simulators/portal/index.ts';
import { IDMSA_ORIGIN, parseConnection } from '../../bitrise/index.ts';
import { describeFailure, StepError, systemClock } from '../../step/index.ts';
import { Secret } from '../../step/secret.ts';
import { captureLogger } from '../../step/test/helpers.ts';
import { ConnectionCheck, type ConnectionCheckOptions } from '../preflight/connection-check.ts';
import type { ApiKeyCredentials, AppleIdCredentials } from '../select.ts';

let sim: PortalSimulator;
afterEach(() => sim?.close());

const TEAMS = [
  { teamId: 'AAAAAAAAAA', name: 'Alpha Apps' },
  { teamId: 'BBBBBBBBBB', name: 'Beta Builds' },
];

function appleId(
  s: PortalSimulator,
  expiry = new Date(Date.now() + 3 * 86_400_000 + 90 * 60_000),
): AppleIdCredentials {
  const connection = parseConnection(
    JSON.stringify({
      apple_id: 'dev@example.com',
      password: 'pw-123456',
      connection_expiry_date: expiry.toISOString(),
      session_cookies: { [IDMSA_ORIGIN]: s.sessionCookies },
    }),
  );
  const apple = connection.appleId!;
  return {
    kind: 'apple_id',
    source: 'connection_apple_id',
    username: apple.appleId,
    password: apple.password,
    appSpecificPassword: new Secret(''),
    session: new Secret('unused'),
    sessionCookies: apple.sessionCookies[IDMSA_ORIGIN]!,
    sessionExpiryDate: apple.sessionExpiryDate,
  };
}

function apiKey(s: PortalSimulator): ApiKeyCredentials {
  return {
    kind: 'api_key',
    source: 'connection_api_key',
    keyId: s.apiKey.keyId,
    issuerId: s.apiKey.issuerId,
    privateKey: new Secret(s.apiKey.privateKeyPem),
    isEnterpriseAccount: false,
  };
}

function check(s: PortalSimulator, options: Partial<ConnectionCheckOptions>) {
  const { logger, output } = captureLogger();
  const connectionCheck = ConnectionCheck.start({
    enabled: true,
    credentials: undefined,
    apiKeyUse: { kind: 'read' },
    portalTeams: true,
    requireProvider: true,
    env: s.hostMapEnv,
    clock: systemClock(0.02),
    ...options,
  });
  return { connectionCheck, verdict: () => connectionCheck.verdict(logger), output };
}

async function failure(promise: Promise<unknown>): Promise<StepError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StepError);
  return err as StepError;
}

describe('connection check: Apple ID session', () => {
  it('asks olympus with only the cookies it would get, and reports the account, its teams and the days left', async () => {
    sim = await startPortalSimulator({ teams: TEAMS });
    const { verdict, output } = check(sim, { credentials: appleId(sim) });
    const access = await verdict();
    expect(access.account?.fullName).toBe('Sim Ulated');
    expect(access.account?.providers.map((p) => p.name)).toEqual(['Alpha Apps', 'Beta Builds']);
    expect(access.portalTeams?.map((t) => t.teamId)).toEqual(['AAAAAAAAAA', 'BBBBBBBBBB']);
    const olympus = sim.requestLog.find((e) => e.path === 'olympusSession')!;
    expect(olympus).toMatchObject({ wireMethod: 'GET', status: 200, cookieNames: ['myacinfo'] });
    const text = output();
    expect(text).toContain(
      'Apple accepts the connected Apple ID session of Sim Ulated (sim.ulated@example.com)',
    );
    expect(text).toMatch(/Session expiry: 3 days 1 hour left, by Bitrise's estimate/);
    expect(text).toContain('- Alpha Apps (provider ID 118000000), the session acts for it');
    expect(text).toContain('- Beta Builds (team ID BBBBBBBBBB)');
    for (const cookie of sim.sessionCookies) expect(text).not.toContain(cookie.value);
  });

  it('fails with one line saying Apple no longer accepts the session and how to re-authenticate', async () => {
    sim = await startPortalSimulator();
    sim.expireSession();
    const { verdict } = check(sim, { credentials: appleId(sim) });
    const err = await failure(verdict());
    expect(describeFailure(err).reason).toBe(
      'Apple no longer accepts the connected Apple ID session (GET /olympus/v1/session: 401): to renew it, re-authenticate the Apple ID on bitrise.io (Account settings › Apple Developer Account › Apple ID connection, with 2FA), then rebuild',
    );
  });

  it('keeps the verdict: a second call neither asks again nor prints again', async () => {
    sim = await startPortalSimulator();
    const { verdict, output } = check(sim, { credentials: appleId(sim), portalTeams: false });
    await verdict();
    const printed = output();
    await verdict();
    expect(output()).toBe(printed);
    expect(sim.requestLog.map((e) => e.path)).toEqual(['olympusSession']);
  });

  it('retries 5xx within the budget', async () => {
    sim = await startPortalSimulator();
    sim.faults.add({ path: 'listTeams', times: 2, fault: { kind: 'status', status: 503 } });
    const { verdict } = check(sim, { credentials: appleId(sim) });
    const access = await verdict();
    expect(access.portalTeams).toHaveLength(1);
    expect(sim.requestLog.filter((e) => e.path === 'listTeams').map((e) => e.status)).toEqual([
      503, 503, 200,
    ]);
  });
});

describe('connection check: API key', () => {
  it('makes the one read the Step needs and reports the key as accepted', async () => {
    sim = await startPortalSimulator();
    const { verdict, output } = check(sim, { credentials: apiKey(sim), apiKeyUse: { kind: 'provisioning' } });
    await verdict();
    expect(sim.requestLog.map((e) => `${e.method} ${e.path} ${e.query['limit']} ${e.status}`)).toEqual([
      'GET /v1/certificates 1 200',
    ]);
    expect(output()).toContain(`Apple accepts the App Store Connect API key ${sim.apiKey.keyId}`);
  });

  it('fails on 401 saying the key was revoked or its IDs are wrong, after one fresh-token retry', async () => {
    sim = await startPortalSimulator();
    sim.connection.apiKeyRevoked = true;
    const { verdict } = check(sim, { credentials: apiKey(sim) });
    const err = await failure(verdict());
    expect(describeFailure(err).reason).toMatch(
      /^Apple rejects the App Store Connect API key \w+ \(GET \/v1\/apps\?limit=1: 401 NOT_AUTHORIZED\): it was revoked, or its issuer ID or key ID is wrong: check the key in App Store Connect › Users and Access › Integrations › App Store Connect API, then fix the API key connected on bitrise.io/,
    );
    expect(sim.requestLog.map((e) => e.status)).toEqual([401, 401]);
  });

  it('names the key inputs as the place to fix a rejected key that came from them', async () => {
    sim = await startPortalSimulator();
    sim.connection.apiKeyRevoked = true;
    const { verdict } = check(sim, { credentials: { ...apiKey(sim), source: 'input_api_key' } });
    const err = await failure(verdict());
    expect(describeFailure(err).reason).toMatch(
      /then fix api_key_path \(its AuthKey_<KEY ID>\.p8 name gives the key ID\) and api_issuer$/,
    );
  });

  it('fails on 403 naming the role the Step needs', async () => {
    sim = await startPortalSimulator();
    sim.connection.apiKeyAccess.provisioning = false;
    const { verdict } = check(sim, { credentials: apiKey(sim), apiKeyUse: { kind: 'provisioning' } });
    const err = await failure(verdict());
    expect(describeFailure(err).reason).toMatch(
      /may not do what this Step needs \(GET \/v1\/certificates\?limit=1: 403 FORBIDDEN_ERROR\): this Step needs an API key with the Admin role, or App Manager or Developer with Access to Certificates, Identifiers & Profiles/,
    );
  });
});

describe('connection check: no answer, or not asked', () => {
  it('warns once and goes on when Apple cannot be reached within the budget', async () => {
    sim = await startPortalSimulator();
    sim.connection.unreachable = true;
    const { verdict, output } = check(sim, { credentials: appleId(sim) });
    const started = Date.now();
    expect(await verdict()).toEqual({});
    // 10 s at the test's time scale of 0.02, plus slack for the machine.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(sim.requestLog.filter((e) => e.path === 'olympusSession').length).toBeGreaterThan(1);
    const warnings = output()
      .split('\n')
      .filter((line) => line.includes('\x1b[33'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Apple could not be asked whether it accepts the connection within 10 s');
  });

  it('makes no request with check_connection off', async () => {
    sim = await startPortalSimulator();
    const { connectionCheck, verdict } = check(sim, { credentials: appleId(sim), enabled: false });
    expect(connectionCheck.asks).toBe(false);
    expect(await verdict()).toEqual({});
    expect(sim.requestLog).toEqual([]);
  });
});
