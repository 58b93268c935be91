import { parsePlist } from '../../formats/plist.ts';
import { StepError } from '../../step/index.ts';
import { type CertificateInfo, certificateInfoFromDer } from '../certificates/certificate-info.ts';
import { signedDataContent } from './cms.ts';

export type ExportMethod = 'development' | 'ad-hoc' | 'app-store' | 'enterprise';

export interface ProvisioningProfile {
  uuid: string;
  name: string;
  appIdName?: string;
  teamName?: string;
  teamIdentifier: string[];
  /** The first TeamIdentifier. */
  teamId: string;
  creationDate?: Date;
  expirationDate: Date;
  entitlements: Record<string, unknown>;
  /** `application-identifier` without the team prefix; may end in `*` for wildcard profiles. */
  bundleId: string;
  developerCertificates: CertificateInfo[];
  provisionedDevices: string[];
  provisionsAllDevices: boolean;
  /** Platform values as Apple writes them, e.g. `["iOS", "xrOS"]`. */
  platforms: string[];
  /** The first platform, lower-cased like upstream: `ios`, `osx`, `tvos`… */
  platform: string;
  exportMethod: ExportMethod;
  isXcodeManaged: boolean;
  /** The file's bytes, for installing it. */
  der: Buffer;
  /** Everything in the profile's plist, for keys not modelled here. */
  plist: Record<string, unknown>;
}

/** Decodes a `.mobileprovision` / `.provisionprofile`: CMS SignedData around a property list. */
export function decodeProfile(der: Buffer): ProvisioningProfile {
  let plist: Record<string, unknown>;
  try {
    plist = parsePlist(signedDataContent(der));
  } catch (err) {
    throw new StepError('failed to decode provisioning profile', { cause: err });
  }
  const uuid = str(plist['UUID']);
  if (!/^[0-9A-Fa-f-]{8,}$/.test(uuid))
    throw new StepError(`provisioning profile has an invalid UUID (${uuid})`);
  const expirationDate = plist['ExpirationDate'];
  if (!(expirationDate instanceof Date))
    throw new StepError(`provisioning profile ${uuid} has no ExpirationDate`);
  const entitlements = dict(plist['Entitlements']);
  const teamIdentifier = strings(plist['TeamIdentifier']);
  const prefixes = strings(plist['ApplicationIdentifierPrefix']);
  const appId = str(
    entitlements['application-identifier'] ?? entitlements['com.apple.application-identifier'],
  );
  const prefix = [...prefixes, ...teamIdentifier].find((p) => appId.startsWith(`${p}.`));
  const platforms = strings(plist['Platform']);
  const name = str(plist['Name']);
  const provisionedDevices = strings(plist['ProvisionedDevices']);
  const provisionsAllDevices = plist['ProvisionsAllDevices'] === true;
  const developerCertificates = arrayOf(plist['DeveloperCertificates']).flatMap((item) => {
    if (!(item instanceof Uint8Array)) return [];
    try {
      return [certificateInfoFromDer(Buffer.from(item))];
    } catch {
      return [];
    }
  });
  return {
    uuid,
    name,
    appIdName: str(plist['AppIDName']) || undefined,
    teamName: str(plist['TeamName']) || undefined,
    teamIdentifier,
    teamId: teamIdentifier[0] ?? '',
    creationDate: plist['CreationDate'] instanceof Date ? plist['CreationDate'] : undefined,
    expirationDate,
    entitlements,
    bundleId: prefix ? appId.slice(prefix.length + 1) : appId.replace(/^[A-Z0-9]{10}\./, ''),
    developerCertificates,
    provisionedDevices,
    provisionsAllDevices,
    platforms,
    platform: (platforms[0] ?? 'ios').toLowerCase(),
    exportMethod: exportMethod(provisionedDevices, provisionsAllDevices, entitlements),
    isXcodeManaged: plist['IsXcodeManaged'] === true || isXcodeManagedName(name),
    der,
    plist,
  };
}

/** Upstream's rule: devices → development (get-task-allow) or ad-hoc; none → enterprise or App Store. */
function exportMethod(
  devices: string[],
  allDevices: boolean,
  entitlements: Record<string, unknown>,
): ExportMethod {
  if (devices.length === 0) return allDevices ? 'enterprise' : 'app-store';
  return entitlements['get-task-allow'] === true ? 'development' : 'ad-hoc';
}

/** Names Xcode gives the profiles it manages. */
export function isXcodeManagedName(name: string): boolean {
  if (name.startsWith('XC')) return true;
  return (
    name.includes('Provisioning Profile') &&
    ['iOS Team', 'Mac Catalyst Team', 'tvOS Team', 'Mac Team'].some((prefix) => name.startsWith(prefix))
  );
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
  return arrayOf(value).filter((v): v is string => typeof v === 'string');
}

function dict(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
