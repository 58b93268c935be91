import type Forge from 'node-forge';
import { forge } from '../forge.ts';

const SIGNED_DATA = '1.2.840.113549.1.7.2';

/**
 * The signed content of a CMS/PKCS#7 SignedData blob (what a `.mobileprovision` is). The signature
 * is not verified: like upstream we only read what Apple signed; the bytes came from Apple or the user.
 *
 * Why not node-forge's own `pkcs7.messageFromAsn1`: it also decodes every certificate in the
 * envelope and throws on any whose key is not RSA ("OID is not RSA"), although reading the content
 * needs none of them. So this walks forge's ASN.1 tree to the content and nothing else.
 */
export function signedDataContent(der: Buffer): Buffer {
  const root = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')), false);
  const [contentType, explicit] = children(root);
  if (!contentType || forge.asn1.derToOid(contentType.value as string) !== SIGNED_DATA) {
    throw new Error('not a CMS SignedData structure');
  }
  const signedData = children(explicit)[0];
  // SignedData: version, digestAlgorithms, encapContentInfo, …
  const encapContentInfo = children(signedData)[2];
  const eContent = children(children(encapContentInfo)[1])[0];
  if (!eContent) throw new Error('the CMS SignedData has no content');
  return Buffer.from(octets(eContent), 'binary');
}

function children(node: Forge.asn1.Asn1 | undefined): Forge.asn1.Asn1[] {
  return node && Array.isArray(node.value) ? (node.value as Forge.asn1.Asn1[]) : [];
}

/** BER allows the content as a constructed OCTET STRING split into pieces. */
function octets(node: Forge.asn1.Asn1): string {
  if (typeof node.value === 'string') return node.value;
  return children(node).map(octets).join('');
}
