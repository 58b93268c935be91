import { forge } from '../forge.ts';

interface PbeModule {
  getCipherForPBES2: ((oid: string, params: unknown, password: unknown) => unknown) & { utf8?: true };
}

/**
 * Makes node-forge derive PBES2 keys from the passphrase's UTF-8 bytes, as OpenSSL does.
 *
 * PBES2 (PBKDF2 + AES: what `openssl pkcs12 -export` writes by default since OpenSSL 3) takes the
 * passphrase as octets, and PKCS#12 (RFC 7292 B.1) and OpenSSL use its UTF-8 encoding. forge hands
 * the JavaScript string to its PBKDF2, which reads every UTF-16 code unit as one byte
 * (digitalbazaar/forge#487, open): `ä` becomes 0xE4 instead of C3 A4 and `€` is truncated, so such a
 * p12 passes the MAC check (the PKCS#12 KDF uses UTF-16, which forge gets right) and then fails to
 * decrypt. Only the PBES2 entry point is wrapped; ASCII passphrases are the same bytes either way.
 * Installed once on the shared forge object, the only one this bundle has.
 */
export function useUtf8Pbes2Passphrases(): void {
  const pbe = (forge.pki as unknown as { pbe: PbeModule }).pbe;
  const original = pbe.getCipherForPBES2;
  if (original.utf8) return;
  const wrapped: PbeModule['getCipherForPBES2'] = (oid, params, password) =>
    original(oid, params, typeof password === 'string' ? forge.util.encodeUtf8(password) : password);
  wrapped.utf8 = true;
  pbe.getCipherForPBES2 = wrapped;
}
