import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

/** A throwaway certificate authority and one server certificate it issued. Test use only. */
export interface TestTls {
  caCertPem: string;
  /** The CA written to a temp file, for `BITRISE_APPLE_STEPS_TEST_CA_FILE`. */
  caFile: string;
  certPem: string;
  keyPem: string;
  hosts: string[];
}

export interface Issuer {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

// Pure-JS RSA generation takes seconds; Node's native generator takes milliseconds.
export function generateRsaKeyPair(bits = 2048): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
} {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

/** A positive serial from random bytes (the high bit cleared, as DER integers are signed). */
export function randomSerialHex(bytes = 8): string {
  const raw = randomBytes(bytes);
  raw[0] = (raw[0]! & 0x7f) | 0x10;
  return raw.toString('hex');
}

export interface IssueOptions {
  subject: forge.pki.CertificateField[];
  serialHex?: string;
  notBefore?: Date;
  notAfter?: Date;
  extensions?: object[];
  publicKey?: forge.pki.rsa.PublicKey;
  /** Size of the key generated when no `publicKey` is given. */
  bits?: number;
}

/** Issues a certificate signed by `issuer`, or self-signed when `issuer` is undefined. */
export function issueCertificate(
  issuer: Issuer | undefined,
  options: IssueOptions,
): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey | undefined } {
  const own = options.publicKey ? undefined : generateRsaKeyPair(options.bits);
  const cert = forge.pki.createCertificate();
  cert.publicKey = options.publicKey ?? own!.publicKey;
  cert.serialNumber = options.serialHex ?? randomSerialHex();
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);
  cert.setSubject(options.subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : options.subject);
  if (options.extensions) cert.setExtensions(options.extensions);
  const signingKey = issuer?.key ?? own!.privateKey;
  cert.sign(signingKey, forge.md.sha256.create());
  return { cert, key: own?.privateKey };
}

export function createCa(commonName: string, bits = 2048): Issuer {
  const { cert, key } = issueCertificate(undefined, {
    bits,
    subject: [
      { name: 'commonName', value: commonName },
      { name: 'organizationName', value: 'bitrise-apple-steps tests' },
    ],
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  return { cert, key: key! };
}

const cache = new Map<string, TestTls>();

/**
 * A CA plus a server certificate for `hosts`, created once per process and host set, so
 * test files that start several simulators do not pay for key generation again.
 */
export function testTls(hosts: string[]): TestTls {
  const cacheKey = [...hosts].sort().join(',');
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  // A name of its own: a client trusting several test CAs (one bundle) picks the issuer by name.
  const ca = createCa(`bitrise-apple-steps throwaway test CA ${randomSerialHex(4)}`);
  const server = issueCertificate(ca, {
    subject: [{ name: 'commonName', value: hosts[0] ?? 'localhost' }],
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((value) => ({ type: 2, value })) },
    ],
  });
  const caCertPem = forge.pki.certificateToPem(ca.cert);
  const dir = mkdtempSync(join(tmpdir(), 'apple-steps-test-ca-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, caCertPem);
  const tls: TestTls = {
    caCertPem,
    caFile,
    certPem: forge.pki.certificateToPem(server.cert),
    keyPem: forge.pki.privateKeyToPem(server.key!),
    hosts,
  };
  cache.set(cacheKey, tls);
  return tls;
}
