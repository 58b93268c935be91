import { createHash, type KeyObject, verify } from 'node:crypto';

export interface JwtExpectation {
  keyId: string;
  issuerId: string;
  audience: string;
  publicKey: KeyObject;
  nowSeconds: number;
}

/** A short fingerprint of a token, so the request log can show reuse without holding the token. */
export function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

/** Checks an App Store Connect JWT as Apple documents it; returns the reason it is refused, if any. */
export function jwtProblem(token: string, expected: JwtExpectation): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return 'not a JWT';
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString('utf8'));
  } catch {
    return 'undecodable header or claims';
  }
  if (header.alg !== 'ES256') return `alg ${String(header.alg)} instead of ES256`;
  if (header.kid !== expected.keyId) return 'unknown kid';
  const signature = Buffer.from(signaturePart, 'base64url');
  const valid = verify(
    'sha256',
    Buffer.from(`${headerPart}.${claimsPart}`),
    { key: expected.publicKey, dsaEncoding: 'ieee-p1363' },
    signature,
  );
  if (!valid) return 'bad signature';
  if (claims.iss !== expected.issuerId) return 'wrong iss';
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(expected.audience)) return `aud is not ${expected.audience}`;
  if (typeof claims.exp !== 'number') return 'no exp';
  if (claims.exp <= expected.nowSeconds) return 'expired';
  const issuedAt = typeof claims.iat === 'number' ? claims.iat : expected.nowSeconds;
  if (issuedAt > expected.nowSeconds + 60) return 'iat in the future';
  if (claims.exp - Math.min(issuedAt, expected.nowSeconds) > 20 * 60) return 'lifetime over 20 minutes';
  return undefined;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) cookies.set(part.slice(0, index).trim(), part.slice(index + 1).trim());
  }
  return cookies;
}
