import { createHash } from 'node:crypto';
import type Forge from 'node-forge';
import { forge } from '../forge.ts';
import { normalizeSerial } from './serial.ts';

export type CertificateType = 'development' | 'distribution' | 'unknown';

export interface CertificateInfo {
  commonName: string;
  /** Subject OU: the Apple team ID. */
  teamId: string;
  /** Subject O: the team name. */
  teamName: string;
  /** Upper-case hex without leading zeros, as Apple shows it (portal, Keychain Access). */
  serial: string;
  serialDecimal: string;
  /** Upper-case hex SHA-1 of the DER certificate: what `security find-identity` prints and CODE_SIGN_IDENTITY accepts. */
  sha1: string;
  notBefore: Date;
  notAfter: Date;
  type: CertificateType;
  der: Buffer;
}

const DEVELOPMENT = /^(Apple Development|iPhone Developer|iOS Developer|Mac Developer)\b/;
const DISTRIBUTION =
  /^(Apple Distribution|iPhone Distribution|iOS Distribution|Mac App Distribution|3rd Party Mac Developer (Application|Installer)|Mac Installer Distribution|Developer ID (Application|Installer))\b/;

/** Development or distribution, judged by the common name's prefix as Apple names them. */
export function certificateType(commonName: string): CertificateType {
  if (DEVELOPMENT.test(commonName)) return 'development';
  if (DISTRIBUTION.test(commonName)) return 'distribution';
  return 'unknown';
}

export function certificateInfoFromDer(der: Buffer): CertificateInfo {
  const cert = forge.pki.certificateFromAsn1(
    forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))),
  );
  return certificateInfo(cert, der);
}

export function certificateInfo(cert: Forge.pki.Certificate, der?: Buffer): CertificateInfo {
  const bytes = der ?? Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  const serial = normalizeSerial(cert.serialNumber);
  const commonName = field(cert, 'CN');
  return {
    commonName,
    teamId: field(cert, 'OU'),
    teamName: field(cert, 'O'),
    serial,
    serialDecimal: BigInt(`0x${serial}`).toString(10),
    sha1: createHash('sha1').update(bytes).digest('hex').toUpperCase(),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    type: certificateType(commonName),
    der: bytes,
  };
}

/** forge keeps UTF8String values as raw bytes; Apple uses them for names with umlauts. */
function field(cert: Forge.pki.Certificate, shortName: string): string {
  const attr = cert.subject.getField(shortName) as { value: string; valueTagClass?: number } | null;
  if (!attr) return '';
  if (attr.valueTagClass !== forge.asn1.Type.UTF8) return attr.value;
  try {
    return forge.util.decodeUtf8(attr.value);
  } catch {
    return attr.value;
  }
}
