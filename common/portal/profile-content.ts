import type Forge from 'node-forge';
import { type PlistValue, parse } from 'plist';
import { forge } from '../codesign/forge.ts';

/** What a `.mobileprovision` says about itself (go-xcode profileutil). */
export interface ProvisioningProfileInfo {
  uuid: string;
  name: string;
  teamIdentifier: string;
  teamName: string;
  appIdName?: string;
  /** `application-identifier` without the team prefix, e.g. `io.bitrise.app` or `io.bitrise.*`. */
  bundleId: string;
  /** Lower-case `ios`, `tvos` or `osx`, from `Platform[0]`. */
  platform: string;
  creationDate?: Date;
  expirationDate: Date;
  provisionedDevices: string[];
  provisionsAllDevices: boolean;
  entitlements: Record<string, PlistValue>;
  /** DER of each certificate the profile allows to sign. */
  developerCertificates: Buffer[];
  isXcodeManaged: boolean;
  /** The whole plist, for keys not modelled here. */
  plist: Record<string, PlistValue>;
}

const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';

/**
 * Extracts the plist from a profile's CMS SignedData envelope. The signature is not checked:
 * the profile comes straight from Apple over TLS, and Xcode checks it again when signing.
 */
export function profilePlist(content: Buffer): string {
  let root: Forge.asn1.Asn1;
  try {
    root = forge.asn1.fromDer(forge.util.createBuffer(content.toString('binary')), false);
  } catch (err) {
    throw new Error(`the provisioning profile is not a CMS (PKCS#7) message: ${(err as Error).message}`);
  }
  const oid = Array.isArray(root.value) ? root.value[0] : undefined;
  if (
    root.type !== forge.asn1.Type.SEQUENCE ||
    oid?.type !== forge.asn1.Type.OID ||
    typeof oid.value !== 'string'
  ) {
    throw new Error('the provisioning profile is not a CMS (PKCS#7) message');
  }
  if (forge.asn1.derToOid(forge.util.createBuffer(oid.value)) !== SIGNED_DATA_OID) {
    throw new Error('the provisioning profile is not CMS SignedData');
  }
  const signedData = child(child(root, 1), 0);
  // SignedData: version, digestAlgorithms, encapContentInfo, ...
  const encapsulated = child(signedData, 2);
  const explicit = child(encapsulated, 1);
  return octets(child(explicit, 0)).toString('utf8');
}

function child(node: Forge.asn1.Asn1, index: number): Forge.asn1.Asn1 {
  const value = Array.isArray(node.value) ? node.value[index] : undefined;
  if (!value) throw new Error('the provisioning profile has an unexpected CMS structure');
  return value;
}

/** An OCTET STRING may be split into constructed chunks (BER), which are concatenated. */
function octets(node: Forge.asn1.Asn1): Buffer {
  if (typeof node.value === 'string') return Buffer.from(node.value, 'binary');
  return Buffer.concat(node.value.map(octets));
}

export function decodeProfileContent(content: string | Buffer): ProvisioningProfileInfo {
  const der = typeof content === 'string' ? Buffer.from(content, 'base64') : content;
  const parsed = parse(profilePlist(der));
  if (!isDict(parsed)) throw new Error('the provisioning profile plist is not a dictionary');
  const plist = parsed;
  const entitlements = isDict(plist.Entitlements) ? plist.Entitlements : {};
  const teamIdentifier = strings(plist.TeamIdentifier)[0] ?? '';
  const appId =
    typeof entitlements['application-identifier'] === 'string' ? entitlements['application-identifier'] : '';
  const prefix = strings(plist.ApplicationIdentifierPrefix)[0] ?? teamIdentifier;
  const expirationDate = plist.ExpirationDate;
  if (!(expirationDate instanceof Date)) throw new Error('the provisioning profile has no ExpirationDate');
  return {
    uuid: String(plist.UUID ?? ''),
    name: String(plist.Name ?? ''),
    teamIdentifier,
    teamName: String(plist.TeamName ?? ''),
    appIdName: typeof plist.AppIDName === 'string' ? plist.AppIDName : undefined,
    bundleId: appId.startsWith(`${prefix}.`)
      ? appId.slice(prefix.length + 1)
      : appId.replace(/^[A-Z0-9]{10}\./, ''),
    platform: (strings(plist.Platform)[0] ?? '').toLowerCase(),
    creationDate: plist.CreationDate instanceof Date ? plist.CreationDate : undefined,
    expirationDate,
    provisionedDevices: strings(plist.ProvisionedDevices),
    provisionsAllDevices: plist.ProvisionsAllDevices === true,
    entitlements,
    developerCertificates: Array.isArray(plist.DeveloperCertificates)
      ? plist.DeveloperCertificates.filter((c) => c instanceof Uint8Array).map((c) =>
          Buffer.from(c as Uint8Array),
        )
      : [],
    isXcodeManaged: plist.IsXcodeManaged === true,
    plist,
  };
}

function isDict(value: PlistValue | undefined): value is Record<string, PlistValue> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

function strings(value: PlistValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
