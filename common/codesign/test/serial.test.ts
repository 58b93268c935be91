import { describe, expect, it } from 'vitest';
import { createTestIdentity, createTestProfile } from '../../../testkit/identities/index.ts';
import { certificateInfo } from '../certificates/certificate-info.ts';
import { checkProfile, decodeProfile, normalizeSerial } from '../index.ts';

describe('normalizeSerial', () => {
  it('writes every source’s notation as upper-case hex without leading zeros', () => {
    expect(normalizeSerial('00f1e2d3c4b5a6')).toBe('F1E2D3C4B5A6'); // forge, with the sign byte
    expect(normalizeSerial('F1:E2:D3:C4:B5:A6')).toBe('F1E2D3C4B5A6'); // openssl x509 -text
    expect(normalizeSerial(' 0x0A1B ')).toBe('A1B');
    expect(normalizeSerial(0x0a1b2c3d4e5f6071n)).toBe('A1B2C3D4E5F6071');
    expect(normalizeSerial('7766554433221100')).toBe('7766554433221100'); // the portal's serialNumber
    expect(normalizeSerial('000')).toBe('0');
  });

  it('refuses what is not hexadecimal', () => {
    expect(() => normalizeSerial('xyz')).toThrow('certificate serial "xyz" is not hexadecimal');
    expect(() => normalizeSerial('')).toThrow('is not hexadecimal');
  });

  it('lets a local certificate, the portal and a profile agree on one serial', () => {
    const identity = createTestIdentity({
      commonName: 'Apple Development: Dev (ABCDE12345)',
      serial: '00c0ffee01',
    });
    const info = certificateInfo(identity.certificate);
    expect(info.serial).toBe('C0FFEE01');
    // The portal may send the serial in lower case or with leading zeros; auto-provision matches both sides normalised.
    expect(normalizeSerial('00c0ffee01')).toBe(normalizeSerial(info.serial));
    const profile = decodeProfile(
      createTestProfile({ bundleId: 'com.example.app', certificates: [identity] }),
    );
    expect(profile.developerCertificates.map((c) => c.serial)).toEqual(['C0FFEE01']);
    expect(checkProfile(profile, { certificateSerials: ['0000c0ffee01'] }).problems).toEqual([]);
    expect(checkProfile(profile, { certificateSerials: ['beef', ''] }).problems).toEqual([
      'does not include certificate BEEF',
      'does not include certificate ',
    ]);
  });
});
