import { generateKeyPairSync } from 'node:crypto';
import { IDMSA_ORIGIN } from '../../bitrise/connection.ts';

export const NOW = new Date('2026-11-23T12:00:00Z');

export function ecPrivateKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

export function appleIdPayload(overrides: Record<string, unknown> = {}) {
  return {
    apple_id: 'dev@example.com',
    password: 'conn-password-123',
    connection_expiry_date: '2026-12-20T12:00:00Z',
    session_cookies: {
      [IDMSA_ORIGIN]: [
        {
          name: 'DES5c148586dfd451e55afb0175f62418f91',
          value: 'HSARMTKNSRVXconnsessionvalue==SRVX',
          domain: 'idmsa.apple.com',
          path: '/',
          secure: true,
          httponly: true,
        },
        {
          name: 'myacinfo',
          value: 'DAWTKNV2myacinfovalue',
          domain: 'apple.com',
          path: '/',
          secure: true,
          httponly: true,
        },
      ],
    },
    ...overrides,
  };
}

export function apiKeyPayload(key = 'MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQgconnkey') {
  return { key_id: 'CONNKEY123', issuer_id: '69a6de70-0000-47e3-e053-5b8c7c11a4d1', private_key: key };
}
