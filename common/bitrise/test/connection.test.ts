import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactor } from '../../step/redactor.ts';
import { ConnectionPayloadError, IDMSA_ORIGIN, isConnected, parseConnection } from '../connection.ts';
import { dedupeDevices } from '../test-devices.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/reference/${name}`, import.meta.url), 'utf8');

describe('parseConnection', () => {
  it('reads {} as not connected', () => {
    const connection = parseConnection('{}');
    expect(isConnected(connection)).toBe(false);
    expect(connection.testDevices).toEqual([]);
  });

  it('reads the Apple ID fixture', () => {
    const { appleId, apiKey } = parseConnection(fixture('go-xcode-appleid-connection.json'));
    expect(apiKey).toBeUndefined();
    expect(appleId!.appleId).toBe('example@example.io');
    expect(appleId!.password.reveal()).toBe('highSecurityPassword');
    expect(appleId!.sessionExpiryDate!.toISOString()).toBe('2019-04-06T12:04:59.000Z');
    const cookies = appleId!.sessionCookies[IDMSA_ORIGIN]!;
    expect(cookies.map((c) => [c.key, c.domain, c.path, c.secure, c.httpOnly, c.hostOnly])).toEqual([
      ['DES58b0eba556d80ed2b98707e15ffafd344', 'idmsa.apple.com', '/', true, true, false],
      ['myacinfo', 'apple.com', '/', true, true, false],
    ]);
    expect(redactor.redact(cookies[1]!.value)).toBe('*****');
    expect(redactor.redact('highSecurityPassword')).toBe('*****');
  });

  it('reads the API key fixture and wraps a bare key into PEM', () => {
    const { apiKey } = parseConnection(fixture('go-xcode-apikey-connection.json'));
    expect(apiKey!.keyId).toBe('ASDF4H9LNQ');
    expect(apiKey!.issuerId).toBe('asdf1234-7325-47e3-e053-5b8c7c11a4d1');
    expect(apiKey!.privateKey.reveal()).toMatch(/^-----BEGIN PRIVATE KEY-----\nASdf/);
    const bare = parseConnection(JSON.stringify({ key_id: 'K', issuer_id: 'I', private_key: 'QUJD' }));
    expect(bare.apiKey!.privateKey.reveal()).toBe(
      '-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----',
    );
    expect(bare.apiKey!.isEnterpriseAccount).toBe(false);
  });

  it('reads Apple ID, API key and devices together', () => {
    const both = {
      ...JSON.parse(fixture('go-xcode-appleid-connection.json')),
      ...JSON.parse(fixture('go-xcode-apikey-connection.json')),
      ...JSON.parse(fixture('go-xcode-test-devices.json')),
    };
    const connection = parseConnection(JSON.stringify(both));
    expect(connection.appleId).toBeDefined();
    expect(connection.apiKey).toBeDefined();
    expect(connection.testDevices.map((d) => d.title)).toEqual(['iPhone 6', 'iPad mini 2 (Wi-Fi)']);
  });

  it.each([
    [{ issuer_id: '', key_id: 'K', private_key: 'P' }, 'empty issuer_id in response'],
    [{ issuer_id: 'I', key_id: '', private_key: '' }, 'empty key_id in response'],
    [{ issuer_id: 'I', key_id: 'K' }, 'empty private_key in response'],
    [{ apple_id: 'a', connection_expiry_date: '' }, 'connection_expiry_date is not an RFC 3339 date'],
    [{ apple_id: 'a', connection_expiry_date: 'tomorrow' }, 'connection_expiry_date is not an RFC 3339 date'],
    [
      { apple_id: 'a', session_cookies: { [IDMSA_ORIGIN]: [{ name: 'n', value: 5 }] } },
      'session_cookies["https://idmsa.apple.com"][0].value is not a string',
    ],
    [
      { test_devices: [{ device_identifier: 'x', created_at: 'never' }] },
      'test_devices[0].created_at is not an RFC 3339 date',
    ],
  ])('fails clearly, naming the field, for %j', (payload, message) => {
    expect(() => parseConnection(JSON.stringify(payload))).toThrow(message);
  });

  it('fails on malformed JSON without echoing the body', () => {
    const err = (() => {
      try {
        parseConnection('{"password": "leak-me-please", ');
      } catch (e) {
        return e as Error;
      }
    })()!;
    expect(err).toBeInstanceOf(ConnectionPayloadError);
    expect(err.message).toContain('not valid JSON');
    expect(err.message).not.toContain('leak-me-please');
  });

  it('accepts fractional seconds and a null expiry', () => {
    expect(
      parseConnection(
        '{"apple_id":"a","connection_expiry_date":"2030-01-02T03:04:05.123456+02:00"}',
      ).appleId!.sessionExpiryDate!.toISOString(),
    ).toBe('2030-01-02T01:04:05.123Z');
    expect(
      parseConnection('{"apple_id":"a","connection_expiry_date":null}').appleId!.sessionExpiryDate,
    ).toBeUndefined();
  });
});

describe('test devices', () => {
  it('cleans UDIDs and drops duplicates, keeping the first occurrence', () => {
    const { unique, duplicates } = dedupeDevices([
      { udid: ' 00008030-001A2B3C4D5E802E\n', title: 'a', deviceType: 'ios' },
      { udid: '00008030001a2b3c4d5e802e', title: 'b', deviceType: 'ios' },
      { udid: 'asdf12345ad9b298cb9a9f28555c49573d8bc322', title: 'c', deviceType: 'ios' },
    ]);
    expect(unique.map((d) => [d.udid, d.title])).toEqual([
      ['00008030-001A2B3C4D5E802E', 'a'],
      ['asdf12345ad9b298cb9a9f28555c49573d8bc322', 'c'],
    ]);
    expect(duplicates.map((d) => d.title)).toEqual(['b']);
  });
});
