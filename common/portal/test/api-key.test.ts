import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type PortalSimulator, startPortalSimulator } from '../../../testkit/simulators/portal/index.ts';
import { redactor, Secret, StepError } from '../../step/index.ts';
import { createPortalClient } from '../index.ts';
import { TokenSource } from '../jwt.ts';
import { apiRequests, captureLogger, connect } from './harness.ts';

const ecKeyPem = () =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

function decode(token: string) {
  const [header, claims] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, claims };
}

describe('App Store Connect JWT', () => {
  it('carries kid, iss, iat, exp under 20 minutes and the audience, and is registered with the redactor', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const source = new TokenSource(
      { keyId: 'KEY123', issuerId: 'issuer-1', privateKey: new Secret(ecKeyPem()) },
      () => now,
    );
    const token = source.token();
    const { header, claims } = decode(token);
    expect(header).toEqual({ alg: 'ES256', kid: 'KEY123', typ: 'JWT' });
    expect(claims).toEqual({
      iss: 'issuer-1',
      iat: now / 1000,
      exp: now / 1000 + 18 * 60,
      aud: 'appstoreconnect-v1',
    });
    expect(redactor.redact(`Bearer ${token}`)).toBe('Bearer *****');

    now += 10 * 60 * 1000;
    expect(source.token()).toBe(token);
    expect(source.token(true)).not.toBe(token);
    now += 17 * 60 * 1000 + 30_000;
    const renewed = source.token();
    expect(decode(renewed).claims.iat).toBe(now / 1000);
  });

  it('uses the enterprise audience for enterprise accounts', () => {
    const source = new TokenSource({
      keyId: 'K',
      issuerId: 'I',
      privateKey: new Secret(ecKeyPem()),
      isEnterprise: true,
    });
    expect(decode(source.token()).claims.aud).toBe('apple-developer-enterprise-v1');
  });

  it('accepts the bare base64 body of a .p8 key and rejects other keys without quoting them', () => {
    const body = ecKeyPem()
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('');
    expect(() =>
      new TokenSource({ keyId: 'K', issuerId: 'I', privateKey: new Secret(body) }).token(),
    ).not.toThrow();

    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => new TokenSource({ keyId: 'K', issuerId: 'I', privateKey: new Secret(rsa) })).toThrow(
      /ES256/,
    );
    const garbage = 'not-a-key-at-all-secret-material';
    const err = (() => {
      try {
        new TokenSource({ keyId: 'K', issuerId: 'I', privateKey: new Secret(garbage) });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(StepError);
    expect(err!.message).toContain('failed to parse the App Store Connect API private key as a PEM format');
    expect(err!.message).not.toContain(garbage);
  });
});

describe('API key transport against the simulator', () => {
  let sim: PortalSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    expect(sim?.schemaViolations ?? []).toEqual([]);
    sim = undefined;
  });

  it('reuses one JWT across requests', async () => {
    sim = await startPortalSimulator({ seed: { devices: [{ udid: '00008030-001A0C3E0E92802E' }] } });
    const { client } = await connect(sim, 'api_key');
    await client.listDevices();
    await client.listCertificates([]);
    const ids = apiRequests(sim).map((e) => e.tokenId);
    expect(ids[0]).toBeTruthy();
    expect(new Set(ids).size).toBe(1);
    expect(apiRequests(sim).every((e) => e.host === 'api.appstoreconnect.apple.com')).toBe(true);
  });

  it('retries one 401 with a freshly minted token', async () => {
    sim = await startPortalSimulator();
    const { client } = await connect(sim, 'api_key');
    sim.faults.add({ path: '/v1/certificates', fault: { kind: 'status', status: 401 } });
    await client.listCertificates(['DEVELOPMENT']);
    const log = apiRequests(sim);
    expect(log.map((e) => e.status)).toEqual([401, 200]);
    expect(log[0]!.tokenId).not.toBe(log[1]!.tokenId);
  });

  it('fails after the second 401 with a hint about the key', async () => {
    sim = await startPortalSimulator();
    const { logger } = captureLogger();
    const client = await createPortalClient({
      credentials: {
        kind: 'api_key',
        keyId: sim.apiKey.keyId,
        issuerId: sim.apiKey.issuerId,
        privateKey: new Secret(ecKeyPem()),
      },
      env: sim.hostMapEnv,
      logger,
      retryBaseDelayMs: 1,
    });
    const err = (await client.listDevices().catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(
      /^App Store Connect rejected the API key \(401 NOT_AUTHORIZED\): check the key ID and issuer ID/,
    );
    expect((err.cause as Error).message).toMatch(/: 401\n- NOT_AUTHORIZED: /);
    expect(apiRequests(sim).map((e) => [e.status, e.problem])).toEqual([
      [401, 'bad signature'],
      [401, 'bad signature'],
    ]);
  });

  it('talks to the enterprise host with the enterprise audience', async () => {
    sim = await startPortalSimulator({ seed: { bundleIds: [{ identifier: 'com.corp.app' }] } });
    const { client } = await connect(sim, 'api_key', { isEnterprise: true });
    const bundleId = (await client.findBundleId('com.corp.app'))!;
    await client.listBundleIdCapabilities(bundleId);
    expect(apiRequests(sim).map((e) => [e.host, e.status])).toEqual([
      ['api.enterprise.developer.apple.com', 200],
      ['api.enterprise.developer.apple.com', 200],
    ]);
  });
});
