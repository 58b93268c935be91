import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { privateKeyPem } from '../formats/pem.ts';
import { redactor, type Secret, StepError } from '../step/index.ts';

const API_AUDIENCE = 'appstoreconnect-v1';
const ENTERPRISE_AUDIENCE = 'apple-developer-enterprise-v1';

// Apple accepts at most 20 minutes; go-xcode uses 18 so clock skew cannot push it over.
const LIFETIME_SECONDS = 18 * 60;
// Renew a little early so a token cannot expire between minting and Apple checking it.
const RENEW_BEFORE_SECONDS = 60;

export interface ApiKeyCredentials {
  keyId: string;
  issuerId: string;
  privateKey: Secret;
  isEnterprise?: boolean;
}

function loadPrivateKey(key: Secret): KeyObject {
  let parsed: KeyObject;
  try {
    parsed = createPrivateKey({ key: privateKeyPem(key.reveal()), format: 'pem' });
  } catch {
    // The parser's own message may quote key material, so it is not passed on.
    throw new StepError('failed to parse the App Store Connect API private key as a PEM format', {
      hint: 'use the content of the AuthKey_<KEY ID>.p8 file downloaded from App Store Connect',
    });
  }
  if (parsed.asymmetricKeyType !== 'ec' || parsed.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new StepError(
      'the App Store Connect API private key format is invalid: an ES256 (P-256) key is expected',
    );
  }
  return parsed;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Mints App Store Connect JWTs and reuses each one until shortly before it expires. */
export class TokenSource {
  private readonly key: KeyObject;
  private current?: { token: string; exp: number };

  constructor(
    private readonly credentials: ApiKeyCredentials,
    private readonly now: () => number = Date.now,
  ) {
    this.key = loadPrivateKey(credentials.privateKey);
  }

  get audience(): string {
    return this.credentials.isEnterprise ? ENTERPRISE_AUDIENCE : API_AUDIENCE;
  }

  /** `fresh` forces a new token, e.g. after Apple rejected the current one with 401. */
  token(fresh = false): string {
    const nowSeconds = Math.floor(this.now() / 1000);
    if (!fresh && this.current && nowSeconds < this.current.exp - RENEW_BEFORE_SECONDS)
      return this.current.token;
    const exp = nowSeconds + LIFETIME_SECONDS;
    const header = { alg: 'ES256', kid: this.credentials.keyId, typ: 'JWT' };
    const claims = { iss: this.credentials.issuerId, iat: nowSeconds, exp, aud: this.audience };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), { key: this.key, dsaEncoding: 'ieee-p1363' });
    const token = `${input}.${base64url(signature)}`;
    redactor.add(token);
    this.current = { token, exp };
    return token;
  }
}
