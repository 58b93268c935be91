import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { build } from 'plist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../step/index.ts';
import { decodeP12, decodeProfile, loadCertificates, normalizeSerial } from '../index.ts';
import { signedDataContent } from '../profiles/cms.ts';
import { captureLogger } from './support/logger.ts';
import { OPENSSL_3, OPENSSL_LEGACY_PROVIDER, runTool, skipWithoutTools } from './support/referee-tools.ts';

/**
 * `openssl` as a referee: p12 files and signed profiles written by the real tool, not by our own
 * test writers, must decode to what OpenSSL says is in them.
 */

const COMMON_NAME = 'Apple Development: Jürgen Müller (ABCDE12345)';
const TEAM_ID = 'ABCDE12345';
const TEAM_NAME = 'Müller GmbH';

let dir: string;
const path = (name: string) => join(dir, name);
const openssl = (...args: string[]) => runTool('openssl', args, { cwd: dir }).stdout.toString('utf8');

/** What OpenSSL itself reports about the signing certificate. */
interface Expected {
  serial: string;
  sha1: string;
  notAfter: Date;
  der: Buffer;
  key: JsonWebKey;
}
let expected: Expected;

/** `name=value` lines of `openssl x509 -noout …`. */
function x509Fields(output: string): Record<string, string> {
  return Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe.skipIf(skipWithoutTools('openssl referee tests', [OPENSSL_3]))('files written by openssl', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'openssl-referee-'));
    openssl(
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem'],
      ...['-days', '30', '-utf8', '-subj', `/CN=${COMMON_NAME}/OU=${TEAM_ID}/O=${TEAM_NAME}/C=US`],
    );
    // An intermediate without its key in the p12, like the Apple WWDR certificate some exports carry.
    openssl(
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Test WWDR CA/O=Test'],
    );
    const fields = x509Fields(
      openssl(
        'x509',
        '-in',
        'cert.pem',
        '-noout',
        '-serial',
        '-fingerprint',
        '-sha1',
        '-enddate',
        '-dateopt',
        'iso_8601',
      ),
    );
    openssl('x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.der');
    expected = {
      serial: normalizeSerial(fields['serial']!),
      sha1: fields['sha1 Fingerprint']!.replace(/:/g, ''),
      notAfter: new Date(fields['notAfter']!.replace(' ', 'T')),
      der: readFileSync(path('cert.der')),
      key: createPrivateKey(readFileSync(path('key.pem'))).export({ format: 'jwk' }),
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('p12 from `openssl pkcs12 -export`', () => {
    const skipLegacy = skipWithoutTools('openssl pkcs12 -legacy referee tests', [OPENSSL_LEGACY_PROVIDER]);
    const cases: Array<{
      name: string;
      args: string[];
      passphrase: string;
      /** What `openssl pkcs12 -info` must report, so the case is what its name says. */
      info: RegExp[];
      legacy?: boolean;
    }> = [
      {
        name: "OpenSSL 3's defaults: PBES2/PBKDF2/AES-256-CBC, HMAC-SHA256 MAC",
        args: [],
        passphrase: 'pa55word',
        info: [
          /^MAC: sha256/m,
          /Encrypted data: PBES2, PBKDF2, AES-256-CBC/,
          /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/,
        ],
      },
      {
        // Failed before pbes2-utf8.ts: forge fed PBKDF2 one byte per UTF-16 code unit.
        name: "OpenSSL 3's defaults with a non-ASCII passphrase",
        args: [],
        passphrase: 'Pässwörd-€',
        info: [/Encrypted data: PBES2, PBKDF2, AES-256-CBC/],
      },
      {
        name: '-legacy: RC2-40 certificates, 3DES key, SHA-1 MAC',
        args: ['-legacy'],
        passphrase: 'pa55word',
        info: [
          /^MAC: sha1/m,
          /Encrypted data: pbeWithSHA1And40BitRC2-CBC/,
          /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/,
        ],
        legacy: true,
      },
      {
        name: '-legacy with a non-ASCII passphrase',
        args: ['-legacy'],
        passphrase: 'Pässwörd-€',
        info: [/Encrypted data: pbeWithSHA1And40BitRC2-CBC/],
        legacy: true,
      },
      {
        name: '3DES for certificates and key, SHA-1 MAC (no legacy provider needed)',
        args: ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
        passphrase: 'pa55word',
        info: [/^MAC: sha1/m, /Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC/],
      },
      {
        name: 'an empty passphrase (still encrypted and MACed)',
        args: [],
        passphrase: '',
        info: [/^MAC: sha256/m, /Shrouded Keybag: PBES2/],
      },
      {
        name: 'no passphrase at all: no MAC, nothing encrypted',
        args: ['-nomac', '-keypbe', 'NONE', '-certpbe', 'NONE'],
        passphrase: '',
        info: [/MAC is absent/, /^Key bag/m],
      },
      {
        name: 'a CA certificate without key alongside, a friendly name and a SHA-512 MAC',
        args: ['-certfile', 'ca.pem', '-name', 'Jürgen’s key', '-macalg', 'sha512'],
        passphrase: 'pa55word',
        info: [/^MAC: sha512/m, /Certificate bag\nCertificate bag/],
      },
    ];

    let fileCount = 0;
    function exportP12(args: string[], passphrase: string): string {
      const file = `export-${++fileCount}.p12`;
      openssl(
        ...['pkcs12', '-export', '-in', 'cert.pem', '-inkey', 'key.pem', '-out', file],
        ...['-passout', `pass:${passphrase}`, ...args],
      );
      return path(file);
    }

    async function checkExport({ args, passphrase, info, legacy }: (typeof cases)[number]): Promise<void> {
      const file = exportP12(args, passphrase);
      const { stderr: report } = runTool(
        'openssl',
        [
          ...['pkcs12', '-info', '-noout', '-in', file, '-passin', `pass:${passphrase}`],
          ...(legacy ? ['-legacy'] : []),
        ],
        { cwd: dir },
      );
      for (const pattern of info) expect(report).toMatch(pattern);

      const identities = decodeP12(readFileSync(file), passphrase, 'openssl.p12');
      expect(identities).toHaveLength(1);
      const [{ info: cert, privateKey }] = identities as [(typeof identities)[0]];
      expect(cert).toMatchObject({
        commonName: COMMON_NAME,
        teamId: TEAM_ID,
        teamName: TEAM_NAME,
        serial: expected.serial,
        sha1: expected.sha1,
        notAfter: expected.notAfter,
        type: 'development',
      });
      expect(cert.der.equals(expected.der)).toBe(true);
      const keyPem = forge.pki.privateKeyToPem(privateKey as forge.pki.rsa.PrivateKey);
      expect(createPrivateKey(keyPem).export({ format: 'jwk' })).toEqual(expected.key);

      const { logger } = captureLogger();
      const loaded = await loadCertificates([file], [passphrase], {
        http: createHttpClient({ env: {} }),
        logger,
      });
      expect(loaded.map((c) => [c.info.commonName, c.info.serial, c.info.notAfter])).toEqual([
        [COMMON_NAME, expected.serial, expected.notAfter],
      ]);
      expect(loaded[0]!.p12.equals(readFileSync(file))).toBe(true);
    }

    it.each(cases.filter((c) => !c.legacy))('$name', checkExport);
    it.skipIf(skipLegacy).each(cases.filter((c) => c.legacy))('$name', checkExport);

    it.skipIf(skipLegacy)('says "wrong passphrase" for default and -legacy files alike', () => {
      for (const args of [[], ['-legacy']]) {
        const file = exportP12(args, 'Pässwörd-€');
        expect(() => decodeP12(readFileSync(file), 'Passwort-€', 'openssl.p12')).toThrow(
          'failed to decode certificate openssl.p12: wrong passphrase',
        );
      }
    });
  });

  describe('.mobileprovision signed by `openssl cms` / `openssl smime`', () => {
    const devices = [
      '00008030-001A2B3C4D5E6F70',
      ...Array.from({ length: 199 }, (_, i) => i.toString(16).padStart(40, 'a')),
    ];
    const entitlements = {
      'application-identifier': `${TEAM_ID}.com.example.referee`,
      'com.apple.developer.team-identifier': TEAM_ID,
      'get-task-allow': true,
      'keychain-access-groups': [`${TEAM_ID}.*`],
      'aps-environment': 'development',
      'com.apple.security.application-groups': ['group.com.example.referee'],
    };
    const created = new Date('2026-01-02T03:04:05Z');
    const expires = new Date('2027-01-02T03:04:05Z');
    const uuid = '1B4E28BA-2FA1-11D2-883F-0016D3CCA427';

    beforeAll(() => {
      const plist = build({
        AppIDName: 'Referee App',
        ApplicationIdentifierPrefix: [TEAM_ID],
        CreationDate: created,
        DeveloperCertificates: [expected.der],
        Entitlements: entitlements,
        ExpirationDate: expires,
        Name: 'Referee Development Profile',
        Platform: ['iOS'],
        ProvisionedDevices: devices,
        TeamIdentifier: [TEAM_ID],
        TeamName: TEAM_NAME,
        TimeToLive: 365,
        UUID: uuid,
        Version: 1,
      });
      // Big enough that `-stream` splits the content into several BER chunks.
      expect(plist.length).toBeGreaterThan(3 * 4096);
      writeFileSync(path('profile.plist'), plist);
    });

    const signer = ['-signer', 'cert.pem', '-inkey', 'key.pem', '-in', 'profile.plist', '-outform', 'DER'];
    const cases: Array<{ name: string; args: string[]; asn1?: RegExp[]; crlf?: boolean }> = [
      { name: 'cms -sign -nodetach -binary (DER)', args: ['cms', '-sign', '-nodetach', '-binary'] },
      {
        name: 'cms -sign -nodetach -binary -stream (BER: indefinite lengths, chunked content)',
        args: ['cms', '-sign', '-nodetach', '-binary', '-stream'],
        asn1: [/l=inf/, /cons: OCTET STRING/],
      },
      {
        name: 'cms -sign without certificates or signed attributes',
        args: ['cms', '-sign', '-nodetach', '-binary', '-nocerts', '-noattr'],
      },
      {
        name: 'smime -sign -nodetach in text mode (CRLF line ends)',
        args: ['smime', '-sign', '-nodetach'],
        crlf: true,
      },
    ];

    it.each(cases)('$name', ({ args, asn1, crlf }) => {
      const file = `${args.join('')}.mobileprovision`.replace(/[^\w.]/g, '');
      openssl(...args, ...signer, '-out', file);
      const der = readFileSync(path(file));
      const structure = openssl('asn1parse', '-inform', 'DER', '-in', file);
      for (const pattern of asn1 ?? []) expect(structure).toMatch(pattern);

      // The signed content as OpenSSL extracts it (signature checked, chain not).
      const content = runTool(
        'openssl',
        [
          ...['cms', '-verify', '-noverify', '-binary', '-inform', 'DER', '-in', file],
          ...['-certfile', 'cert.pem'],
        ],
        { cwd: dir },
      ).stdout;
      expect(signedDataContent(der).equals(content)).toBe(true);
      expect(content.includes('\r\n')).toBe(crlf === true);

      const profile = decodeProfile(der);
      expect(profile).toMatchObject({
        uuid,
        name: 'Referee Development Profile',
        appIdName: 'Referee App',
        teamId: TEAM_ID,
        teamIdentifier: [TEAM_ID],
        teamName: TEAM_NAME,
        creationDate: created,
        expirationDate: expires,
        bundleId: 'com.example.referee',
        platform: 'ios',
        exportMethod: 'development',
        provisionsAllDevices: false,
      });
      expect(profile.entitlements).toEqual(entitlements);
      expect(profile.provisionedDevices).toEqual(devices);
      expect(profile.developerCertificates.map((c) => [c.commonName, c.serial, c.sha1])).toEqual([
        [COMMON_NAME, expected.serial, expected.sha1],
      ]);
    });
  });
});
