import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIdentity, createTestP12 } from '../../../testkit/identities/index.ts';
import { Secret } from '../../step/index.ts';
import { recordingClock } from '../../step/test/helpers.ts';
import { certificateType, decodeP12, loadCertificates, normalizeSerial } from '../index.ts';
import { startHttpsServer, type TestHttpsServer } from './support/https-server.ts';
import { captureLogger } from './support/logger.ts';

const DAY = 86_400_000;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeP12(name: string, data: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

describe('decodeP12', () => {
  it('reads name, team, serial and SHA-1 the way Apple and OpenSSL show them', () => {
    const identity = createTestIdentity({
      commonName: 'Apple Development: Jürgen Müller (ABCDE12345)',
      teamId: 'ABCDE12345',
      teamName: 'Müller GmbH',
      serial: '00f1e2d3c4b5a6',
    });
    const [decoded] = decodeP12(createTestP12(identity, 'pa55word'), 'pa55word', 'test.p12');
    const x509 = new X509Certificate(identity.der);
    expect(decoded!.info).toMatchObject({
      commonName: 'Apple Development: Jürgen Müller (ABCDE12345)',
      teamId: 'ABCDE12345',
      teamName: 'Müller GmbH',
      serial: x509.serialNumber.replace(/^0+/, ''),
      serialDecimal: BigInt('0xF1E2D3C4B5A6').toString(),
      sha1: x509.fingerprint.replace(/:/g, ''),
      type: 'development',
    });
    expect(decoded!.info.serial).toBe('F1E2D3C4B5A6');
    // Independent check that the fixture really holds UTF-8 names.
    expect(x509.subject).toContain('CN=Apple Development: Jürgen Müller (ABCDE12345)');
    expect(decoded!.info.notAfter.toISOString()).toBe(new Date(x509.validTo).toISOString());
  });

  it('reads AES-256 (OpenSSL 3 default) as well as 3DES files', () => {
    const identity = createTestIdentity();
    const decoded = decodeP12(
      createTestP12(identity, 'secret', { algorithm: 'aes256' }),
      'secret',
      'aes.p12',
    );
    expect(decoded).toHaveLength(1);
    expect(decoded[0]!.info.serial).toBe(normalizeSerial(identity.certificate.serialNumber));
  });

  it('says when the passphrase is wrong, or when there is no private key', () => {
    const identity = createTestIdentity();
    expect(() => decodeP12(createTestP12(identity, 'right'), 'wrong', 'cert.p12')).toThrow(
      'failed to decode certificate cert.p12: wrong passphrase',
    );
    const certOnly = forge.pkcs12.toPkcs12Asn1(null, [identity.certificate], 'pw', { algorithm: '3des' });
    const data = Buffer.from(forge.asn1.toDer(certOnly).getBytes(), 'binary');
    expect(() => decodeP12(data, 'pw', 'ca.p12')).toThrow(
      'no certificate with a private key found in ca.p12',
    );
    expect(() => decodeP12(Buffer.from('not a p12'), 'pw', 'junk.p12')).toThrow('not a valid PKCS#12');
  });
});

describe('certificateType', () => {
  it.each([
    ['Apple Development: A (T)', 'development'],
    ['iPhone Developer: A (T)', 'development'],
    ['Mac Developer: A (T)', 'development'],
    ['Apple Distribution: Team (T)', 'distribution'],
    ['iPhone Distribution: Team (T)', 'distribution'],
    ['Mac App Distribution: Team (T)', 'distribution'],
    ['3rd Party Mac Developer Application: Team (T)', 'distribution'],
    ['Developer ID Application: Team (T)', 'distribution'],
    ['Some Other Cert', 'unknown'],
  ])('%s is %s', (name, type) => {
    expect(certificateType(name)).toBe(type);
  });
});

describe('loadCertificates', () => {
  let server: TestHttpsServer;
  const responses: Array<{ status: number; body: Buffer }> = [];
  const devIdentity = createTestIdentity({ commonName: 'Apple Development: Dev (ABCDE12345)' });
  const devP12 = createTestP12(devIdentity, 'dev-pass-123');

  beforeAll(async () => {
    server = await startHttpsServer(dir, (_req, res) => {
      const next = responses.shift() ?? { status: 404, body: Buffer.alloc(0) };
      res.writeHead(next.status).end(next.body);
    });
  });
  afterAll(() => server.close());

  const options = (logger = captureLogger().logger) => ({
    http: server.http,
    logger,
    clock: recordingClock(),
  });

  it('requires as many passphrases as non-empty URLs', async () => {
    await expect(loadCertificates(['a.p12', '', 'b.p12'], ['x'], options())).rejects.toThrow(
      'certificate count (2) and passphrase count (1) should match',
    );
  });

  it('downloads over https with retries, and reads file:// URLs and plain paths', async () => {
    responses.push({ status: 503, body: Buffer.alloc(0) }, { status: 200, body: devP12 });
    const distIdentity = createTestIdentity({ commonName: 'Apple Distribution: Team (ABCDE12345)' });
    const distPath = writeP12('dist.p12', createTestP12(distIdentity, ''));
    const plainPath = writeP12(
      'plain.p12',
      createTestP12(createTestIdentity({ commonName: 'iPhone Developer: Old' }), 'p'),
    );
    const { logger, output } = captureLogger();
    const loaded = await loadCertificates(
      [
        `https://${server.host}/dev.p12?X-Amz-Signature=abcdef0123456789`,
        '',
        pathToFileURL(distPath).href,
        new Secret(plainPath),
      ],
      [new Secret('dev-pass-123'), '', 'p'],
      options(logger),
    );
    expect(loaded.map((c) => [c.info.commonName, c.info.type])).toEqual([
      ['Apple Development: Dev (ABCDE12345)', 'development'],
      ['Apple Distribution: Team (ABCDE12345)', 'distribution'],
      ['iPhone Developer: Old', 'development'],
    ]);
    expect(loaded[0]!.p12.equals(devP12)).toBe(true);
    expect(loaded[0]!.passphrase.reveal()).toBe('dev-pass-123');
    expect(server.requests.slice(-2)).toEqual([
      '/dev.p12?X-Amz-Signature=abcdef0123456789',
      '/dev.p12?X-Amz-Signature=abcdef0123456789',
    ]);
    const log = output();
    expect(log).toContain('attempt 1/3 failed');
    expect(log).toContain(`certificate 1 (https://${server.host}/dev.p12?*****)`);
    expect(log).not.toContain('abcdef0123456789');
    expect(log).not.toContain('dev-pass-123');
  });

  it('does not retry a 404 and rejects an empty download', async () => {
    const before = server.requests.length;
    responses.push({ status: 404, body: Buffer.alloc(0) });
    await expect(loadCertificates([`https://${server.host}/missing.p12`], ['x'], options())).rejects.toThrow(
      'HTTP 404',
    );
    expect(server.requests.length - before).toBe(1);
    responses.push({ status: 200, body: Buffer.alloc(0) });
    await expect(loadCertificates([`https://${server.host}/empty.p12`], ['x'], options())).rejects.toThrow(
      `certificate is empty: https://${server.host}/empty.p12`,
    );
  });

  it('drops expired certificates with a warning and keeps the latest of a name', async () => {
    const now = new Date();
    const name = 'Apple Distribution: Team (ABCDE12345)';
    const expired = createTestIdentity({
      commonName: 'Apple Development: Gone',
      notAfter: new Date(now.getTime() - DAY),
    });
    const older = createTestIdentity({
      commonName: name,
      serial: '0a01',
      notAfter: new Date(now.getTime() + 10 * DAY),
    });
    const newer = createTestIdentity({
      commonName: name,
      serial: '0a02',
      notAfter: new Date(now.getTime() + 20 * DAY),
    });
    const { logger, output } = captureLogger();
    const loaded = await loadCertificates(
      [
        writeP12('expired.p12', createTestP12(expired, 'a')),
        writeP12('newer.p12', createTestP12(newer, 'b')),
        writeP12('older.p12', createTestP12(older, 'c')),
      ],
      ['a', 'b', 'c'],
      { ...options(logger), now },
    );
    expect(loaded.map((c) => c.info.serial)).toEqual(['A02']);
    expect(output()).toMatch(/\[X\] Apple Development: Gone .* expired on/);
  });

  it('rejects unsupported URL schemes', async () => {
    await expect(loadCertificates(['ftp://host/c.p12'], ['x'], options())).rejects.toThrow(
      'unsupported URL scheme',
    );
  });
});
