import { randomUUID } from 'node:crypto';
import forge from 'node-forge';
import { build } from 'plist';
import { createTestIdentity, type TestIdentity } from './identity.ts';

export type TestProfileType = 'development' | 'ad-hoc' | 'app-store' | 'enterprise';

export interface TestProfileOptions {
  uuid?: string;
  name?: string;
  type?: TestProfileType;
  teamId?: string;
  teamName?: string;
  /** `com.example.app` or a wildcard `com.example.*`. */
  bundleId?: string;
  /** Certificates (identities or DER bytes) the profile allows to sign. */
  certificates?: ReadonlyArray<TestIdentity | Buffer>;
  /** Defaults to one device for development and ad-hoc profiles. */
  devices?: readonly string[];
  /** Added to (and overriding) the defaults: application-identifier, team identifier, get-task-allow. */
  entitlements?: Record<string, unknown>;
  platforms?: readonly string[];
  creationDate?: Date;
  expirationDate?: Date;
  isXcodeManaged?: boolean;
  /** Who signs the CMS envelope; a throwaway identity by default. */
  signer?: TestIdentity;
}

let defaultSigner: TestIdentity | undefined;

/**
 * A `.mobileprovision` in Apple's format: a CMS SignedData (signed by a throwaway certificate
 * instead of Apple's) around an XML plist with the usual keys.
 */
export function createTestProfile(options: TestProfileOptions = {}): Buffer {
  const type = options.type ?? 'development';
  const teamId = options.teamId ?? 'ABCDE12345';
  const bundleId = options.bundleId ?? 'com.example.app';
  const withDevices = type === 'development' || type === 'ad-hoc';
  const created = options.creationDate ?? new Date(Math.floor(Date.now() / 1000) * 1000);
  const expires = options.expirationDate ?? new Date(created.getTime() + 365 * 86_400_000);
  const entitlements: Record<string, unknown> = {
    'application-identifier': `${teamId}.${bundleId}`,
    'com.apple.developer.team-identifier': teamId,
    'get-task-allow': type === 'development',
    'keychain-access-groups': [`${teamId}.*`],
    ...options.entitlements,
  };
  const plist: Record<string, unknown> = {
    AppIDName: `Test ${bundleId}`,
    ApplicationIdentifierPrefix: [teamId],
    CreationDate: created,
    DeveloperCertificates: (options.certificates ?? []).map((c) => (Buffer.isBuffer(c) ? c : c.der)),
    Entitlements: entitlements,
    ExpirationDate: expires,
    IsXcodeManaged: options.isXcodeManaged ?? false,
    Name: options.name ?? `Test ${type} ${bundleId}`,
    Platform: [...(options.platforms ?? ['iOS'])],
    TeamIdentifier: [teamId],
    TeamName: options.teamName ?? 'Test Team',
    TimeToLive: Math.round((expires.getTime() - created.getTime()) / 86_400_000),
    UUID: options.uuid ?? randomUUID(),
    Version: 1,
  };
  if (withDevices) plist['ProvisionedDevices'] = [...(options.devices ?? ['00008030-001A2B3C4D5E6F70'])];
  if (type === 'enterprise') plist['ProvisionsAllDevices'] = true;
  return signPlist(build(plist as Parameters<typeof build>[0]), options.signer);
}

/** Wraps any XML text in a CMS SignedData the way Apple signs profiles. */
export function signPlist(xml: string, signer?: Pick<TestIdentity, 'certificate' | 'privateKey'>): Buffer {
  defaultSigner ??= createTestIdentity({
    commonName: 'Test Provisioning Profile Signing',
    teamId: 'APPLE00000',
  });
  const identity = signer ?? defaultSigner;
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(xml, 'utf8');
  p7.addCertificate(identity.certificate);
  p7.addSigner({
    key: identity.privateKey,
    certificate: identity.certificate,
    digestAlgorithm: forge.pki.oids.sha256!,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType!, value: forge.pki.oids.data },
      { type: forge.pki.oids.messageDigest! },
      { type: forge.pki.oids.signingTime!, value: new Date() as unknown as string },
    ],
  });
  p7.sign();
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
}
