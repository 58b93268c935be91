import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * Throwaway signing identities for tests and simulators. RSA key generation in pure JS is slow, so
 * one native-generated key is shared by every identity of the process unless a test passes its own.
 */
let sharedKey: forge.pki.rsa.KeyPair | undefined;

export function testKeyPair(): forge.pki.rsa.KeyPair {
  if (!sharedKey) sharedKey = newTestKeyPair();
  return sharedKey;
}

export function newTestKeyPair(bits = 2048): forge.pki.rsa.KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

export interface TestIdentityOptions {
  /** e.g. `Apple Development: Jane Doe (ABCDE12345)`. */
  commonName?: string;
  /** Subject OU, Apple's team ID. */
  teamId?: string;
  /** Subject O, the team name. */
  teamName?: string;
  /** Hex serial; random when omitted. */
  serial?: string;
  notBefore?: Date;
  notAfter?: Date;
  keyPair?: forge.pki.rsa.KeyPair;
}

export interface TestIdentity {
  certificate: forge.pki.Certificate;
  privateKey: forge.pki.rsa.PrivateKey;
  /** The certificate's DER bytes, as Apple hands them out. */
  der: Buffer;
}

const DAY = 24 * 60 * 60 * 1000;

/** A self-signed certificate shaped like Apple's signing certificates (CN, OU = team, O = team name). */
export function createTestIdentity(options: TestIdentityOptions = {}): TestIdentity {
  const keys = options.keyPair ?? testKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  // A positive serial: DER integers are signed, so keep the top bit clear.
  cert.serialNumber = options.serial ?? `1${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 365 * DAY);
  const teamId = options.teamId ?? 'ABCDE12345';
  // forge encodes UTF8String values itself; Apple uses them for names with umlauts.
  const attrs = [
    {
      name: 'commonName',
      value: options.commonName ?? `Apple Development: Test User (${teamId})`,
      valueTagClass: forge.asn1.Type.UTF8,
    },
    { shortName: 'OU', value: teamId },
    { name: 'organizationName', value: options.teamName ?? 'Test Team', valueTagClass: forge.asn1.Type.UTF8 },
    { name: 'countryName', value: 'US' },
  ] as forge.pki.CertificateField[];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return { certificate: cert, privateKey: keys.privateKey, der };
}

export interface TestP12Options {
  /** `3des` is what Keychain Access reads everywhere; `aes256` is OpenSSL 3's default. */
  algorithm?: '3des' | 'aes256';
  friendlyName?: string;
}

/** A PKCS#12 file holding the identity's certificate and key. */
export function createTestP12(
  identity: TestIdentity,
  passphrase: string,
  options: TestP12Options = {},
): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(identity.privateKey, [identity.certificate], passphrase, {
    algorithm: options.algorithm ?? '3des',
    generateLocalKeyId: true,
    // forge writes an undefined friendlyName into the file and then fails, so only pass a real one.
    ...(options.friendlyName ? { friendlyName: options.friendlyName } : {}),
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
