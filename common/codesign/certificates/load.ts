import type { Got } from 'got';
import {
  type Clock,
  displayUrl,
  type Logger,
  readLocation,
  registerUrlCredentials,
  Secret,
  StepError,
} from '../../step/index.ts';
import type { CertificateInfo } from './certificate-info.ts';
import { decodeP12 } from './p12.ts';

/** A signing identity from a user's p12, with what is needed to import that p12 into a keychain. */
export interface LoadedCertificate {
  info: CertificateInfo;
  /** The original p12 bytes: imported as uploaded, like Keychain Access would. */
  p12: Buffer;
  passphrase: Secret;
  /** Where it came from, safe to print (`displayUrl`: no user info, query or fragment). */
  source: string;
}

export interface LoadCertificatesOptions {
  /** From `createHttpClient`; used for https:// URLs. */
  http: Got;
  logger: Logger;
  /** For tests: the moment validity is judged at. */
  now?: Date;
  /** Per-attempt download timeout; 5 minutes like upstream. */
  timeoutMs?: number;
  /** Download attempts, the first included. */
  attempts?: number;
  /** The Step's clock, for the waits between attempts; default the real clock. */
  clock?: Clock;
}

/**
 * Downloads (https://), reads (file:// or a path) and decodes p12 certificates. Empty URL entries
 * are dropped; URLs and passphrases pair up by position. Expired and not-yet-valid certificates are
 * dropped with a warning; of two with the same name the one that expires last is kept.
 */
export async function loadCertificates(
  urls: readonly (string | Secret)[],
  passphrases: readonly (string | Secret)[],
  options: LoadCertificatesOptions,
): Promise<LoadedCertificate[]> {
  const plainUrls = urls.map((u) => (typeof u === 'string' ? u : u.reveal()).trim()).filter(Boolean);
  if (plainUrls.length !== passphrases.length) {
    throw new StepError(
      `certificate count (${plainUrls.length}) and passphrase count (${passphrases.length}) should match`,
    );
  }
  // Pre-signed URLs are credentials: all of them are registered before the first is printed or fetched.
  for (const url of plainUrls) registerUrlCredentials(url);
  const now = options.now ?? new Date();
  const loaded: LoadedCertificate[] = [];
  for (const [index, url] of plainUrls.entries()) {
    const passphrase = toSecret(passphrases[index]!);
    const source = `certificate ${index + 1} (${displayUrl(url)})`;
    options.logger.print(`Loading ${source}`);
    const p12 = await fetchCertificate(url, source, options);
    for (const identity of decodeP12(p12, passphrase.reveal(), source)) {
      const { info } = identity;
      const label = `${info.commonName} [${info.teamId}] serial ${info.serial}`;
      if (info.notAfter.getTime() <= now.getTime()) {
        options.logger.warn(`[X] ${label}: expired on ${info.notAfter.toISOString()}, skipping`);
        continue;
      }
      if (info.notBefore.getTime() > now.getTime()) {
        options.logger.warn(`[X] ${label}: not valid before ${info.notBefore.toISOString()}, skipping`);
        continue;
      }
      options.logger.print(`- ${label}, ${info.type}, expires ${info.notAfter.toISOString()}`);
      loaded.push({ info, p12, passphrase, source });
    }
  }
  return latestPerName(loaded, options.logger);
}

function latestPerName(certificates: LoadedCertificate[], logger: Logger): LoadedCertificate[] {
  const byName = new Map<string, LoadedCertificate>();
  for (const cert of certificates) {
    const seen = byName.get(cert.info.commonName);
    if (!seen || cert.info.notAfter > seen.info.notAfter) {
      if (seen) logger.warn(`${cert.info.commonName}: using serial ${cert.info.serial}, which expires later`);
      byName.set(cert.info.commonName, cert);
    }
  }
  return certificates.filter((cert) => byName.get(cert.info.commonName) === cert);
}

async function fetchCertificate(
  url: string,
  source: string,
  options: LoadCertificatesOptions,
): Promise<Buffer> {
  const data = await readLocation(url, {
    http: options.http,
    logger: options.logger,
    what: source,
    timeoutMs: options.timeoutMs ?? 5 * 60_000,
    attempts: options.attempts,
    clock: options.clock,
  });
  if (data.length === 0) throw new StepError(`certificate is empty: ${displayUrl(url)}`);
  return data;
}

function toSecret(value: string | Secret): Secret {
  return typeof value === 'string' ? new Secret(value) : value;
}
