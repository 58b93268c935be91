/**
 * PEM armour (RFC 7468): base64 between `-----BEGIN <label>-----` and `-----END <label>-----`,
 * 64 characters a line, the strict form every PEM reader accepts (older OpenSSL rejects longer lines).
 */

const LINE_LENGTH = 64;
const PEM_START = /^\s*-----BEGIN [^-\r\n]+-----/;

/** Whether the text already starts with PEM armour. */
export function isPem(text: string): boolean {
  return PEM_START.test(text);
}

/** Wraps base64 text (its whitespace ignored) or DER bytes in PEM armour, 64 characters a line. */
export function toPem(label: string, body: string | Uint8Array): string {
  const base64 = typeof body === 'string' ? body.replace(/\s+/g, '') : Buffer.from(body).toString('base64');
  const lines = base64.match(new RegExp(`.{1,${LINE_LENGTH}}`, 'g')) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join('\n');
}

/** The base64 body of the first PEM block, armour and line breaks removed; bare base64 as it is, minus whitespace. */
export function pemBody(text: string): string {
  const block = /-----BEGIN ([^-\r\n]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  return (block ? block[2]! : text).replace(/\s+/g, '');
}

/**
 * A PKCS#8 private key as PEM. App Store Connect API keys may arrive as the bare base64 body of the
 * `.p8` file (go-xcode accepts that); PEM text is kept exactly as given.
 */
export function privateKeyPem(key: string): string {
  return isPem(key) ? key : toPem('PRIVATE KEY', key);
}
