/**
 * node-forge with only the parts signing needs (PKCS#12, X.509, ASN.1 and their ciphers and
 * digests; a profile's CMS envelope is read with ASN.1 alone, see profiles/cms.ts). The package's
 * index loads everything, TLS and SSH included, which more than doubles a Step's bundle and its
 * start-up time. The submodules register themselves on one shared object.
 */
import type Forge from 'node-forge';
// @ts-expect-error: the submodules have no type declarations; the shared object is typed below.
import forgeCore from 'node-forge/lib/forge.js';
import 'node-forge/lib/aes.js';
import 'node-forge/lib/asn1.js';
import 'node-forge/lib/des.js';
import 'node-forge/lib/hmac.js';
import 'node-forge/lib/md.all.js';
import 'node-forge/lib/pbe.js';
import 'node-forge/lib/pbkdf2.js';
import 'node-forge/lib/pem.js';
import 'node-forge/lib/pkcs12.js';
import 'node-forge/lib/pki.js';
import 'node-forge/lib/random.js';
import 'node-forge/lib/rc2.js';
import 'node-forge/lib/util.js';

export const forge = forgeCore as typeof Forge;
