import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Got } from 'got';
import { type Logger, redactor, retry, Secret, StepError } from '../../step/index.ts';
import type { CertificateInfo } from './certificate-info.ts';
import { decodeP12 } from './p12.ts';

/** A signing identity from a user's p12, with what is needed to import that p12 into a keychain. */
export interface LoadedCertificate {
  info: CertificateInfo;
  /** The original p12 bytes: imported as uploaded, like Keychain Access would. */
  p12: Buffer;
  passphrase: Secret;
  /** Where it came from, safe to print (no query string). */
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
  sleep?: (ms: number) => Promise<void>;
}

class DownloadError extends StepError {
  constructor(
    message: string,
    readonly retryable: boolean,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

const RETRYABLE_NETWORK =
  /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|EPIPE|ENOTFOUND|ENETUNREACH|ERR_GOT_REQUEST_ERROR)$/;

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
  // Pre-signed URLs (query string, user info) are credentials themselves.
  for (const url of plainUrls) if (/^https:\/\/.*[?@]/i.test(url)) redactor.add(url);
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
  let data: Buffer;
  if (/^https:\/\//i.test(url)) {
    data = await retry(() => download(url, source, options), {
      attempts: options.attempts ?? 3,
      baseDelayMs: 1000,
      maxDelayMs: 10_000,
      jitter: 0.2,
      classify: (err) => ({ retry: err instanceof DownloadError && err.retryable }),
      what: `Downloading ${source}`,
      logger: options.logger,
      sleep: options.sleep,
    });
  } else if (/^file:\/\//i.test(url) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const path = /^file:/i.test(url) ? fileURLToPath(url) : url;
    try {
      data = readFileSync(path);
    } catch (err) {
      throw new StepError(`failed to read ${source}`, { cause: err });
    }
  } else {
    throw new StepError(`${source}: unsupported URL scheme; use https://, file:// or a local path`);
  }
  if (data.length === 0) throw new StepError(`certificate is empty: ${displayUrl(url)}`);
  return data;
}

async function download(url: string, source: string, options: LoadCertificatesOptions): Promise<Buffer> {
  let response: { statusCode: number; body: Buffer };
  try {
    response = await options.http.get(url, {
      responseType: 'buffer',
      timeout: { request: options.timeoutMs ?? 5 * 60_000 },
    });
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    throw new DownloadError(
      `failed to download ${source}: ${code || String(err)}`,
      RETRYABLE_NETWORK.test(code),
      err,
    );
  }
  if (response.statusCode < 200 || response.statusCode >= 300) {
    const retryable =
      response.statusCode >= 500 || response.statusCode === 429 || response.statusCode === 408;
    throw new DownloadError(`failed to download ${source}: HTTP ${response.statusCode}`, retryable);
  }
  return response.body;
}

function toSecret(value: string | Secret): Secret {
  return typeof value === 'string' ? new Secret(value) : value;
}

/** Scheme, host and path only: query strings of pre-signed URLs are credentials. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'file:') return parsed.pathname;
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return url;
  }
}
