import { type LoadedCertificate, normalizeSerial } from '../../../../common/codesign/index.ts';
import type { Certificate, CertificateType } from '../../../../common/portal/index.ts';
import { type Logger, StepError } from '../../../../common/step/index.ts';
import type { DistributionType } from '../config.ts';

/** Development profiles need a development certificate; every other type a distribution one. */
export type CertificateKind = 'development' | 'distribution';

export const certificateKind = (type: DistributionType): CertificateKind =>
  type === 'development' ? 'development' : 'distribution';

/** Upstream's certificate type names, used in its messages. */
const CERTIFICATE_TYPE_NAME: Record<CertificateKind, string> = {
  development: 'IOS_DEVELOPMENT',
  distribution: 'IOS_DISTRIBUTION',
};

/** Every portal certificate type a profile can contain: the team's signing certificates are listed once. */
export const SIGNING_CERTIFICATE_TYPES: CertificateType[] = [
  'DEVELOPMENT',
  'IOS_DEVELOPMENT',
  'MAC_APP_DEVELOPMENT',
  'DISTRIBUTION',
  'IOS_DISTRIBUTION',
  'MAC_APP_DISTRIBUTION',
  'DEVELOPER_ID_APPLICATION',
  'DEVELOPER_ID_APPLICATION_G2',
];

/** An uploaded certificate and the portal's record of it (same serial). */
export interface CertificateMatch {
  local: LoadedCertificate;
  portal: Certificate;
}

export interface CertificateMatchOptions {
  logger: Logger;
  certificates: readonly LoadedCertificate[];
  portalCertificates: readonly Certificate[];
  distribution: DistributionType;
  /** UITest targets are signed for development, so development certificates are required too. */
  signsUITests: boolean;
  /** Warn about certificates that expire within this many days (min_profile_days_valid, or 30). */
  warnDays: number;
  now: Date;
}

const DAY_MS = 86_400_000;
const day = (date: Date | string | undefined) =>
  date ? new Date(date).toISOString().slice(0, 10) : 'unknown';

/** go-xcode's DetailedError, rendered on one line: title, description, recommendation. */
function detailedError(title: string, description: string, recommendation: string): StepError {
  return new StepError(`${title}: ${description} ${recommendation}`);
}

/** The distribution types to provision: the chosen one, and development alongside it. */
export function distributionTypes(distribution: DistributionType): DistributionType[] {
  return distribution === 'development' ? ['development'] : [distribution, 'development'];
}

/**
 * The distribution types to provision, each with its uploaded certificates that are on the portal
 * (matched by serial). A type without such a certificate is dropped, or fails the Step when the
 * project needs it. Certificates that are not on the portal (revoked, or of another team), that
 * the portal has as expired, or that expire soon are reported with their serials and dates.
 */
export function matchCertificates(
  options: CertificateMatchOptions,
): Map<DistributionType, CertificateMatch[]> {
  const { logger, now } = options;
  logger.info('Checking the certificates');
  const byKind: Record<CertificateKind, LoadedCertificate[]> = { development: [], distribution: [] };
  for (const certificate of options.certificates) {
    if (certificate.info.type === 'unknown') {
      logger.warn(
        `${certificate.info.commonName} (serial ${certificate.info.serial}) is neither a development nor a distribution certificate: ignored`,
      );
      continue;
    }
    byKind[certificate.info.type].push(certificate);
  }

  const types = distributionTypes(options.distribution);
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

  if (logger.isDebug) {
    logger.debug(`Certificates on the Developer Portal (${options.portalCertificates.length}):`);
    for (const c of options.portalCertificates)
      logger.debug(
        `- ${c.attributes.name}: ${c.attributes.displayName} [${c.attributes.certificateType}] serial ${c.attributes.serialNumber}, expires ${day(c.attributes.expirationDate)}`,
      );
  }
  const bySerial = new Map(
    options.portalCertificates
      .filter((c) => c.attributes.serialNumber)
      .map((c) => [normalizeSerial(c.attributes.serialNumber!), c] as const),
  );
  const matched = new Map<DistributionType, CertificateMatch[]>();
  for (const type of types) {
    const kind = certificateKind(type);
    const found: CertificateMatch[] = [];
    for (const local of byKind[kind]) {
      const { info } = local;
      const remote = bySerial.get(normalizeSerial(info.serial));
      if (!remote) {
        logger.warn(
          `Certificate (${info.commonName}, serial ${info.serial}) not found on Developer Portal: it was revoked, or it is of another team than the connected account's (its team: ${info.teamName} ${info.teamId}); valid ${day(info.notBefore)} to ${day(info.notAfter)}`,
        );
        continue;
      }
      const portalExpiry = remote.attributes.expirationDate
        ? new Date(remote.attributes.expirationDate)
        : undefined;
      if (portalExpiry && portalExpiry.getTime() <= now.getTime()) {
        logger.warn(
          `Certificate (${info.commonName}, serial ${info.serial}) expired on ${day(portalExpiry)} on the Developer Portal: ignored`,
        );
        continue;
      }
      if (!found.some((m) => m.local === local)) found.push({ local, portal: remote });
    }
    for (const { local, portal } of found)
      logger.print(
        `- ${local.info.commonName}: on the Developer Portal (${portal.id}, ${portal.attributes.certificateType}), serial ${local.info.serial}, expires ${day(local.info.notAfter)}`,
      );
    if (found.length === 0) {
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
    matched.set(type, found);
  }
  warnExpiring([...matched.values()].flat(), options);
  return matched;
}

/** Certificates that stop working soon take every profile made with them along. */
function warnExpiring(matches: readonly CertificateMatch[], options: CertificateMatchOptions): void {
  const seen = new Set<string>();
  for (const { local } of matches) {
    const { info } = local;
    if (seen.has(info.sha1)) continue;
    seen.add(info.sha1);
    const left = Math.floor((info.notAfter.getTime() - options.now.getTime()) / DAY_MS);
    if (left <= options.warnDays)
      options.logger.warn(
        `Certificate (${info.commonName}, serial ${info.serial}) expires on ${day(info.notAfter)}, in ${left} day(s): create a new one and upload its .p12 before then; profiles made with it stop working when it expires`,
      );
  }
}
