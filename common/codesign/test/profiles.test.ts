import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { build } from 'plist';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestIdentity, createTestProfile } from '../../../testkit/identities/index.ts';
import { checkProfile, decodeProfile, installProfile, isXcodeManagedName, PROFILE_DIRS } from '../index.ts';

const DAY = 86_400_000;
const dev = createTestIdentity({ commonName: 'Apple Development: Dev (ABCDE12345)', serial: '00c0ffee01' });
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('decodeProfile', () => {
  it('reads the plist inside the CMS envelope into the typed model', () => {
    const expirationDate = new Date('2031-02-03T04:05:06Z');
    const der = createTestProfile({
      uuid: '0A1B2C3D-1111-2222-3333-444455556666',
      name: 'Bitrise iOS development - (com.example.app)',
      bundleId: 'com.example.app',
      certificates: [dev],
      devices: ['00008030-001A2B3C4D5E6F70', 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2'],
      entitlements: { 'aps-environment': 'development' },
      expirationDate,
    });
    const profile = decodeProfile(der);
    expect(profile).toMatchObject({
      uuid: '0A1B2C3D-1111-2222-3333-444455556666',
      name: 'Bitrise iOS development - (com.example.app)',
      teamId: 'ABCDE12345',
      teamIdentifier: ['ABCDE12345'],
      teamName: 'Test Team',
      bundleId: 'com.example.app',
      expirationDate,
      provisionedDevices: ['00008030-001A2B3C4D5E6F70', 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2'],
      provisionsAllDevices: false,
      platforms: ['iOS'],
      platform: 'ios',
      exportMethod: 'development',
      isXcodeManaged: false,
    });
    expect(profile.entitlements).toMatchObject({ 'aps-environment': 'development', 'get-task-allow': true });
    expect(profile.developerCertificates.map((c) => [c.serial, c.sha1, c.commonName])).toEqual([
      ['C0FFEE01', createHash(dev.der), 'Apple Development: Dev (ABCDE12345)'],
    ]);
    expect(profile.der).toBe(der);
  });

  it.each([
    ['development', 'development'],
    ['ad-hoc', 'ad-hoc'],
    ['app-store', 'app-store'],
    ['enterprise', 'enterprise'],
  ] as const)('derives the %s export method the way upstream does', (type, method) => {
    expect(decodeProfile(createTestProfile({ type })).exportMethod).toBe(method);
  });

  it('recognises Xcode-managed profiles', () => {
    expect(decodeProfile(createTestProfile({ isXcodeManaged: true })).isXcodeManaged).toBe(true);
    expect(isXcodeManagedName('XC iOS: com.example.app')).toBe(true);
    expect(isXcodeManagedName('iOS Team Provisioning Profile: com.example.app')).toBe(true);
    expect(isXcodeManagedName('Bitrise iOS app-store - (com.example.app)')).toBe(false);
  });

  it('reads content split into a constructed OCTET STRING (BER)', () => {
    const xml = build({
      UUID: 'AAAA-BBBB-CCCC',
      Name: 'Split',
      ExpirationDate: new Date('2030-01-01T00:00:00Z'),
    });
    const { asn1 } = forge;
    const U = asn1.Class.UNIVERSAL;
    const half = Math.floor(xml.length / 2);
    const content = asn1.create(U, asn1.Type.OCTETSTRING, true, [
      asn1.create(U, asn1.Type.OCTETSTRING, false, forge.util.encodeUtf8(xml.slice(0, half))),
      asn1.create(U, asn1.Type.OCTETSTRING, false, forge.util.encodeUtf8(xml.slice(half))),
    ]);
    const cms = asn1.create(U, asn1.Type.SEQUENCE, true, [
      asn1.create(U, asn1.Type.OID, false, asn1.oidToDer('1.2.840.113549.1.7.2').getBytes()),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
        asn1.create(U, asn1.Type.SEQUENCE, true, [
          asn1.create(U, asn1.Type.INTEGER, false, String.fromCharCode(1)),
          asn1.create(U, asn1.Type.SET, true, []),
          asn1.create(U, asn1.Type.SEQUENCE, true, [
            asn1.create(U, asn1.Type.OID, false, asn1.oidToDer('1.2.840.113549.1.7.1').getBytes()),
            asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [content]),
          ]),
        ]),
      ]),
    ]);
    const profile = decodeProfile(Buffer.from(asn1.toDer(cms).getBytes(), 'binary'));
    expect(profile.uuid).toBe('AAAA-BBBB-CCCC');
    expect(profile.exportMethod).toBe('app-store');
  });

  it('rejects files that are not profiles, and unsafe UUIDs', () => {
    expect(() => decodeProfile(Buffer.from('<plist/>'))).toThrow('failed to decode provisioning profile');
    expect(() => decodeProfile(createTestProfile({ uuid: '../../evil' }))).toThrow('invalid UUID');
  });
});

describe('checkProfile', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const profile = decodeProfile(
    createTestProfile({
      certificates: [dev],
      devices: ['00008030-001A2B3C4D5E6F70'],
      entitlements: { 'aps-environment': 'production' },
      bundleId: 'com.example.*',
      expirationDate: new Date(now.getTime() + 30 * DAY),
    }),
  );

  it('accepts a profile meeting every requirement (serials and UDIDs in any notation)', () => {
    expect(
      checkProfile(profile, {
        now,
        minDaysValid: 29,
        certificateSerials: ['0000C0FFEE01'],
        deviceUdids: ['00008030001a2b3c4d5e6f70'],
        entitlementKeys: ['aps-environment'],
        bundleId: 'com.example.app',
      }),
    ).toEqual({ valid: true, problems: [] });
  });

  it('lists every unmet requirement', () => {
    const result = checkProfile(profile, {
      now,
      minDaysValid: 31,
      certificateSerials: ['BEEF'],
      deviceUdids: ['ffff'],
      entitlementKeys: ['com.apple.developer.icloud-services'],
      bundleId: 'org.other.app',
    });
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([
      'expires 2030-01-31T00:00:00.000Z, less than 31 days from now',
      'does not include certificate BEEF',
      'does not include device ffff',
      'does not have the com.apple.developer.icloud-services entitlement',
      'is for com.example.*, not org.other.app',
    ]);
  });

  it('treats ProvisionsAllDevices as including every device', () => {
    const enterprise = decodeProfile(createTestProfile({ type: 'enterprise' }));
    expect(checkProfile(enterprise, { deviceUdids: ['anything'] }).valid).toBe(true);
  });
});

describe('installProfile', () => {
  const home = mkdtempSync(join(tmpdir(), 'home-'));
  dirs.push(home);

  it('writes <UUID>.mobileprovision 0600 into the legacy and the Xcode 16 folders', () => {
    const der = createTestProfile({ uuid: 'AAAAAAAA-0000-0000-0000-000000000001' });
    const legacy = join(home, PROFILE_DIRS[0], 'AAAAAAAA-0000-0000-0000-000000000001.mobileprovision');
    mkdirSync(join(home, PROFILE_DIRS[0]), { recursive: true });
    writeFileSync(legacy, 'stale', { mode: 0o644 });
    const paths = installProfile(der, { homeDir: home });
    expect(paths).toEqual([
      legacy,
      join(
        home,
        'Library/Developer/Xcode/UserData/Provisioning Profiles/AAAAAAAA-0000-0000-0000-000000000001.mobileprovision',
      ),
    ]);
    for (const path of paths) {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path).equals(der)).toBe(true);
    }
  });

  it('uses .provisionprofile for macOS profiles', () => {
    const profile = decodeProfile(createTestProfile({ uuid: 'BBBBBBBB-0000', platforms: ['OSX'] }));
    expect(
      installProfile(profile, { homeDir: home }).every((p) => p.endsWith('/BBBBBBBB-0000.provisionprofile')),
    ).toBe(true);
  });
});

function createHash(der: Buffer): string {
  return forge.md.sha1.create().update(der.toString('binary')).digest().toHex().toUpperCase();
}
