import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { issueMobileProvision } from '../../../e2e/simulators/portal/issuer.ts';
import { decodeProfileContent } from '../index.ts';

const params = {
  uuid: '6c1f7f5e-1111-4222-8333-944445555666',
  name: 'Bitrise iOS ad-hoc - (io.bitrise.app)',
  appIdName: 'Bitrise io bitrise app',
  teamId: 'TEAM123456',
  teamName: 'Team',
  platform: 'iOS' as const,
  createdDate: new Date('2026-01-01T00:00:00Z'),
  expirationDate: new Date('2027-01-01T00:00:00Z'),
  entitlements: { 'application-identifier': 'TEAM123456.io.bitrise.app', 'get-task-allow': false },
  developerCertificates: [Buffer.from('not really DER')],
  provisionedDevices: ['00008030-001A0C3E0E92802E'],
};

describe('decodeProfileContent', () => {
  it('reads the plist out of a CMS SignedData profile', () => {
    const info = decodeProfileContent(issueMobileProvision(params).toString('base64'));
    expect(info).toMatchObject({
      uuid: params.uuid,
      name: params.name,
      teamIdentifier: 'TEAM123456',
      teamName: 'Team',
      appIdName: params.appIdName,
      bundleId: 'io.bitrise.app',
      platform: 'ios',
      expirationDate: params.expirationDate,
      creationDate: params.createdDate,
      provisionedDevices: params.provisionedDevices,
      provisionsAllDevices: false,
      isXcodeManaged: false,
      entitlements: params.entitlements,
    });
    expect(info.developerCertificates).toEqual(params.developerCertificates);
  });

  it('reads content split into BER octet-string chunks', () => {
    const der = issueMobileProvision(params);
    const p7 = forge.pkcs7.messageFromAsn1(
      forge.asn1.fromDer(der.toString('binary')),
    ) as forge.pkcs7.PkcsSignedData & {
      rawCapture: { content: forge.asn1.Asn1 };
    };
    expect(p7.rawCapture.content).toBeDefined();
    // Re-encode the encapsulated content as a constructed OCTET STRING of 100-byte chunks.
    const root = forge.asn1.fromDer(der.toString('binary'));
    const signedData = (root.value as forge.asn1.Asn1[])[1]!.value[0] as forge.asn1.Asn1;
    const explicit = ((signedData.value as forge.asn1.Asn1[])[2]!.value as forge.asn1.Asn1[])[1]!;
    const whole = (explicit.value as forge.asn1.Asn1[])[0]!.value as string;
    const chunks: forge.asn1.Asn1[] = [];
    for (let i = 0; i < whole.length; i += 100) {
      chunks.push(
        forge.asn1.create(
          forge.asn1.Class.UNIVERSAL,
          forge.asn1.Type.OCTETSTRING,
          false,
          whole.slice(i, i + 100),
        ),
      );
    }
    explicit.value = [
      forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OCTETSTRING, true, chunks),
    ];
    const chunked = Buffer.from(forge.asn1.toDer(root).getBytes(), 'binary');
    expect(decodeProfileContent(chunked).uuid).toBe(params.uuid);
  });

  it('rejects content that is not a signed profile', () => {
    expect(() => decodeProfileContent(Buffer.from('<plist/>'))).toThrow(/not a CMS|unexpected CMS/);
    const notSigned = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [
      forge.asn1.create(
        forge.asn1.Class.UNIVERSAL,
        forge.asn1.Type.OID,
        false,
        forge.asn1.oidToDer('1.2.840.113549.1.7.1').getBytes(),
      ),
    ]);
    expect(() => decodeProfileContent(Buffer.from(forge.asn1.toDer(notSigned).getBytes(), 'binary'))).toThrow(
      /not CMS SignedData/,
    );
  });
});
