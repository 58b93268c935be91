import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isPem, pemBody, privateKeyPem, toPem } from '../pem.ts';

const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const pem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
const der = key.export({ type: 'pkcs8', format: 'der' });

describe('PEM armour', () => {
  it('wraps DER bytes or base64 text in 64-character lines, as OpenSSL and Node write PEM', () => {
    expect(`${toPem('PRIVATE KEY', der)}\n`).toBe(pem);
    expect(toPem('PRIVATE KEY', der.toString('base64'))).toBe(pem.trimEnd());
    expect(
      toPem('PRIVATE KEY', der)
        .split('\n')
        .every((line) => line.length <= 64),
    ).toBe(true);
  });

  it('unwraps to the base64 body, from PEM or from bare base64 with line breaks', () => {
    expect(pemBody(pem)).toBe(der.toString('base64'));
    expect(pemBody(`${der.toString('base64').slice(0, 40)}\n${der.toString('base64').slice(40)}\n`)).toBe(
      der.toString('base64'),
    );
    expect(pemBody(toPem('CERTIFICATE', Buffer.from('abc')))).toBe(Buffer.from('abc').toString('base64'));
  });

  it('tells PEM from bare base64', () => {
    expect(isPem(pem)).toBe(true);
    expect(isPem(`\n  ${pem}`)).toBe(true);
    expect(isPem('-----BEGIN EC PRIVATE KEY-----\nQUJD\n-----END EC PRIVATE KEY-----')).toBe(true);
    expect(isPem(pemBody(pem))).toBe(false);
  });
});

describe('privateKeyPem', () => {
  it('wraps the bare body of a .p8 key into PEM that parses as the same key', () => {
    const wrapped = privateKeyPem(pemBody(pem));
    expect(wrapped).toBe(pem.trimEnd());
    expect(createPrivateKey(wrapped).export({ type: 'pkcs8', format: 'der' })).toEqual(der);
    expect(privateKeyPem('QUJD')).toBe('-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----');
  });

  it('keeps PEM text exactly as given, whatever its label', () => {
    expect(privateKeyPem(pem)).toBe(pem);
    const ec = '-----BEGIN EC PRIVATE KEY-----\nQUJD\n-----END EC PRIVATE KEY-----\n';
    expect(privateKeyPem(ec)).toBe(ec);
  });
});
