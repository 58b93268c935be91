// Reads a PKCS#12 file as `security import` does: the MAC is checked with the passphrase, each
// certificate that comes with its private key is one identity, the other certificates and keys
// are imported on their own.
import { createHash } from 'node:crypto';
import forge from 'node-forge';

/**
 * forge derives PBES2 keys from the passphrase's UTF-16 code units instead of its UTF-8 bytes
 * (digitalbazaar/forge#487); macOS uses UTF-8. The same fix as common/codesign/certificates/pbes2-utf8.ts.
 */
function useUtf8Pbes2Passphrases() {
  const pbe = forge.pki.pbe;
  if (pbe.getCipherForPBES2.utf8) return;
  const original = pbe.getCipherForPBES2;
  const wrapped = (oid, params, password) =>
    original(oid, params, typeof password === 'string' ? forge.util.encodeUtf8(password) : password);
  wrapped.utf8 = true;
  pbe.getCipherForPBES2 = wrapped;
}

function bagsOf(p12, type) {
  return p12.getBags({ bagType: type })[type] ?? [];
}

function commonName(certificate) {
  const attribute = certificate.subject.getField('CN');
  if (!attribute) return '';
  try {
    return forge.util.decodeUtf8(attribute.value);
  } catch {
    return attribute.value;
  }
}

function certificateSha1(certificate) {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes();
  return createHash('sha1').update(Buffer.from(der, 'binary')).digest('hex').toUpperCase();
}

/**
 * The items in a PKCS#12 file: `{ identities, certificates, keys }`, or `{ problem }` naming the
 * OSStatus (`unknownFormat` for something that is not PKCS#12, `pkcs12Verify` for a wrong passphrase).
 */
export function readP12(data, passphrase) {
  useUtf8Pbes2Passphrases();
  let p12;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(data.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (err) {
    return {
      problem: /MAC could not be verified|Invalid password/i.test(String(err))
        ? 'pkcs12Verify'
        : 'unknownFormat',
    };
  }
  const keys = [...bagsOf(p12, forge.pki.oids.pkcs8ShroudedKeyBag), ...bagsOf(p12, forge.pki.oids.keyBag)]
    .map((bag) => bag.key)
    .filter(Boolean);
  const identities = [];
  const certificates = [];
  const pairedKeys = new Set();
  for (const bag of bagsOf(p12, forge.pki.oids.certBag)) {
    if (!bag.cert) continue;
    const item = {
      sha1: certificateSha1(bag.cert),
      commonName: commonName(bag.cert),
      notAfter: bag.cert.validity.notAfter.toISOString(),
    };
    const key = keys.find((k) => k.n && bag.cert.publicKey.n && k.n.equals(bag.cert.publicKey.n));
    if (key) {
      pairedKeys.add(key);
      identities.push(item);
    } else {
      certificates.push(item);
    }
  }
  return { identities, certificates, keys: keys.filter((key) => !pairedKeys.has(key)).length };
}
