import { type LoadedCertificate, normalizeSerial } from '../../../../common/codesign/index.ts';
import type { Certificate, PortalClient } from '../../../../common/portal/index.ts';
import { type Logger, StepError } from '../../../../common/step/index.ts';
import type { DistributionType } from '../config.ts';
import { type CertificateKind, certificateKind } from './distribution.ts';

/** Upstream's certificate type names, used in its messages. */
const CERTIFICATE_TYPE_NAME: Record<CertificateKind, string> = {
  development: 'IOS_DEVELOPMENT',
  distribution: 'IOS_DISTRIBUTION',
};

/** The portal's certificate types of each kind: the current names and the legacy iOS ones. */
const PORTAL_CERTIFICATE_TYPES = {
  development: ['DEVELOPMENT', 'IOS_DEVELOPMENT'],
  distribution: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
} as const;

/** The uploaded certificates of one distribution type that the portal knows, in the same order. */
export interface MatchedCertificates {
  local: LoadedCertificate[];
  portal: Certificate[];
}

export interface CertificateMatchOptions {
  portal: PortalClient;
  logger: Logger;
  certificates: readonly LoadedCertificate[];
  distribution: DistributionType;
  /** UITest targets are signed for development, so development certificates are required too. */
  signsUITests: boolean;
}

/** go-xcode's DetailedError, rendered on one line: title, description, recommendation. */
function detailedError(title: string, description: string, recommendation: string): StepError {
  return new StepError(`${title}: ${description} ${recommendation}`);
}

/**
 * The distribution types to provision (the chosen one, and development alongside it), each with
 * its uploaded certificates that are on the portal, matched by serial. A type that has no such
 * certificate is dropped, or fails the Step when the project needs it.
 */
export async function matchCertificates(
  options: CertificateMatchOptions,
): Promise<Map<DistributionType, MatchedCertificates>> {
  const { logger, portal } = options;
  logger.info('Checking the certificates');
  const byKind: Record<CertificateKind, LoadedCertificate[]> = { development: [], distribution: [] };
  for (const certificate of options.certificates) {
    if (certificate.info.type === 'unknown') {
      logger.warn(
        `${certificate.info.commonName} is neither a development nor a distribution certificate: ignored`,
      );
      continue;
    }
    byKind[certificate.info.type].push(certificate);
  }

  const types: DistributionType[] = [options.distribution];
  if (options.distribution !== 'development') types.push('development');
  const required = (type: DistributionType) => type === options.distribution || options.signsUITests;
  for (const type of [...types]) {
    const kind = certificateKind(type);
    if (byKind[kind].length > 0) continue;
    if (required(type)) {
      const name = CERTIFICATE_TYPE_NAME[kind];
      throw detailedError(
        `No valid ${name} type certificates uploaded`,
        `Maybe you forgot to provide a(n) ${name} type certificate.`,
        `Upload a ${name} type certificate (.p12) on the Code Signing tab of the Workflow Editor.`,
      );
    }
    types.splice(types.indexOf(type), 1);
  }

  // One list of every signing certificate of the team; local ones are matched by serial.
  const portalCertificates = await portal.listCertificates([
    ...PORTAL_CERTIFICATE_TYPES.development,
    ...PORTAL_CERTIFICATE_TYPES.distribution,
  ]);
  if (logger.isDebug) {
    logger.debug(`Certificates on the Developer Portal (${portalCertificates.length}):`);
    for (const c of portalCertificates)
      logger.debug(
        `- ${c.attributes.name}: ${c.attributes.displayName} [${c.attributes.certificateType}] serial ${c.attributes.serialNumber}`,
      );
  }
  const bySerial = new Map(
    portalCertificates
      .filter((c) => c.attributes.serialNumber)
      .map((c) => [normalizeSerial(c.attributes.serialNumber!), c] as const),
  );
  const matched = new Map<DistributionType, MatchedCertificates>();
  for (const type of types) {
    const kind = certificateKind(type);
    const wantedTypes: readonly string[] = PORTAL_CERTIFICATE_TYPES[kind];
    const result: MatchedCertificates = { local: [], portal: [] };
    for (const local of byKind[kind]) {
      const remote = bySerial.get(normalizeSerial(local.info.serial));
      if (!remote || !wantedTypes.includes(remote.attributes.certificateType ?? '')) {
        logger.warn(
          `Certificate (${local.info.commonName}, serial ${local.info.serial}) not found on Developer Portal`,
        );
        continue;
      }
      logger.print(`- ${local.info.commonName}: on the Developer Portal (${remote.id})`);
      result.local.push(local);
      result.portal.push(remote);
    }
    if (result.local.length === 0) {
      if (required(type)) {
        const listing = byKind[kind].map((c) => `${c.info.commonName} (serial ${c.info.serial})`).join(', ');
        throw new StepError(
          `not found any of the following ${CERTIFICATE_TYPE_NAME[kind]} certificates on Developer Portal: ${listing}`,
          {
            hint: "upload the .p12 of a certificate of this team, or check that the connected account belongs to the certificate's team",
          },
        );
      }
      continue;
    }
    if (result.local.length > 1)
      logger.warn(
        `${result.local.length} ${kind} certificates match: ${result.local[0]!.info.commonName} signs, profiles include all of them`,
      );
    matched.set(type, result);
  }
  return matched;
}
