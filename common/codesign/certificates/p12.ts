import type Forge from 'node-forge';
import { StepError } from '../../step/index.ts';
import { forge } from '../forge.ts';
import { type CertificateInfo, certificateInfo } from './certificate-info.ts';
import { useUtf8Pbes2Passphrases } from './pbes2-utf8.ts';

export interface P12Identity {
  info: CertificateInfo;
  certificate: Forge.pki.Certificate;
  privateKey: Forge.pki.PrivateKey;
}

/**
 * Every certificate in a PKCS#12 file that comes with its private key. Certificates without a key
 * (intermediate CAs) are not signing identities and are left out.
 */
export function decodeP12(data: Buffer, passphrase: string, source: string): P12Identity[] {
  let p12: Forge.pkcs12.Pkcs12Pfx;
  useUtf8Pbes2Passphrases();
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(data.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (err) {
    const reason = /MAC could not be verified|Invalid password/i.test(String(err))
      ? 'wrong passphrase'
      : 'not a valid PKCS#12 (.p12) file';
    throw new StepError(`failed to decode certificate ${source}: ${reason}`, { cause: err });
  }
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ].filter((bag) => bag.key);

  const identities: P12Identity[] = [];
  for (const bag of certBags) {
    const certificate = bag.cert;
    if (!certificate) continue;
    const key = keyBags.find((k) => sameLocalKeyId(k, bag) || samePublicKey(k.key!, certificate))?.key;
    if (!key) continue;
    identities.push({ info: certificateInfo(certificate), certificate, privateKey: key });
  }
  if (identities.length === 0) throw new StepError(`no certificate with a private key found in ${source}`);
  return identities;
}

function sameLocalKeyId(a: Forge.pkcs12.Bag, b: Forge.pkcs12.Bag): boolean {
  const x = a.attributes?.['localKeyId']?.[0];
  const y = b.attributes?.['localKeyId']?.[0];
  return x !== undefined && x === y;
}

function samePublicKey(key: Forge.pki.PrivateKey, certificate: Forge.pki.Certificate): boolean {
  const priv = key as Forge.pki.rsa.PrivateKey;
  const pub = certificate.publicKey as Forge.pki.rsa.PublicKey;
  return Boolean(priv.n && pub.n && priv.n.equals(pub.n));
}
