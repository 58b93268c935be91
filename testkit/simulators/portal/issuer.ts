import forge from 'node-forge';
import { build, type PlistValue } from 'plist';
import { signPlist } from '../../identities/index.ts';
import { createCa, generateRsaKeyPair, type Issuer, issueCertificate } from '../tls/index.ts';

/**
 * Real signing material for the simulated portal, made once per process: a stand-in for Apple's
 * WWDR CA that issues developer certificates, and the certificate that signs profiles.
 */
interface SigningMaterial {
  wwdr: Issuer;
  developerKeys: ReturnType<typeof generateRsaKeyPair>;
  profileSigner: Issuer;
}

let material: SigningMaterial | undefined;

// Never used for TLS, so small keys are fine: node-forge signs in JavaScript, and every
// certificate and profile the simulator issues costs one signature.
const BITS = 1024;

function signing(): SigningMaterial {
  if (!material) {
    const wwdr = createCa('Simulated Apple Worldwide Developer Relations Certification Authority', BITS);
    const signer = issueCertificate(wwdr, {
      bits: BITS,
      subject: [{ name: 'commonName', value: 'Simulated iPhone OS Provisioning Profile Signing' }],
    });
    material = {
      wwdr,
      developerKeys: generateRsaKeyPair(BITS),
      profileSigner: { cert: signer.cert, key: signer.key! },
    };
  }
  return material;
}

export interface DeveloperCertificateParams {
  serialHex: string;
  commonName: string;
  teamId: string;
  teamName: string;
  notAfter: Date;
}

/** DER of a developer certificate shaped like Apple's: CN, OU = team ID, O = team name. */
export function issueDeveloperCertificate(params: DeveloperCertificateParams): Buffer {
  const { wwdr, developerKeys } = signing();
  const { cert } = issueCertificate(wwdr, {
    serialHex: params.serialHex.toLowerCase(),
    publicKey: developerKeys.publicKey,
    notAfter: params.notAfter,
    subject: [
      { name: 'commonName', value: params.commonName },
      { shortName: 'OU', value: params.teamId },
      { name: 'organizationName', value: params.teamName },
      { name: 'countryName', value: 'US' },
    ],
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', codeSigning: true, critical: true },
    ],
  });
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}

export interface ProfilePlistParams {
  uuid: string;
  name: string;
  appIdName: string;
  teamId: string;
  teamName: string;
  /** Apple's `Platform` array: `iOS`, `xrOS`, `visionOS` for iOS profiles, `tvOS`, `OSX` for macOS and Catalyst. */
  platforms: string[];
  createdDate: Date;
  expirationDate: Date;
  entitlements: Record<string, PlistValue>;
  developerCertificates: Buffer[];
  provisionedDevices?: string[];
  provisionsAllDevices?: boolean;
}

/** A `.mobileprovision`: CMS SignedData (PKCS#7) around the profile's XML plist. */
export function issueMobileProvision(params: ProfilePlistParams): Buffer {
  const plist: Record<string, PlistValue> = {
    AppIDName: params.appIdName,
    ApplicationIdentifierPrefix: [params.teamId],
    CreationDate: params.createdDate,
    Platform: params.platforms,
    IsXcodeManaged: false,
    DeveloperCertificates: params.developerCertificates.map((der) => new Uint8Array(der)),
    Entitlements: params.entitlements,
    ExpirationDate: params.expirationDate,
    Name: params.name,
    TeamIdentifier: [params.teamId],
    TeamName: params.teamName,
    TimeToLive: Math.max(
      1,
      Math.round((params.expirationDate.getTime() - params.createdDate.getTime()) / 86_400_000),
    ),
    UUID: params.uuid,
    Version: 1,
  };
  if (params.provisionedDevices) plist.ProvisionedDevices = params.provisionedDevices;
  if (params.provisionsAllDevices) plist.ProvisionsAllDevices = true;
  const { profileSigner } = signing();
  return signPlist(build(plist), { certificate: profileSigner.cert, privateKey: profileSigner.key });
}
