import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactError, inspectIpa, inspectPkg, parsePlist } from '../src/artifact.ts';
import { ZipFile } from '../src/zip.ts';
import { binaryPlist, ipa, pkg, writeFile, xmlPlist, zip } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'deliver-artifact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (data: Buffer | string, ext = 'ipa') => writeFile(join(dir, `${n++}.${ext}`), data);

describe('zip reader', () => {
  it('lists entries and extracts stored and deflated ones', () => {
    const z = ZipFile.open(
      file(
        zip(
          [
            { name: 'a/' },
            { name: 'a/stored.txt', data: 'plain' },
            { name: 'a/deflated.txt', data: 'x'.repeat(5000), deflate: true },
          ],
          { comment: 'a trailing comment' },
        ),
      ),
    );
    try {
      const entries = z.entries();
      expect(entries.map((e) => [e.name, e.method, e.size])).toEqual([
        ['a/', 0, 0],
        ['a/stored.txt', 0, 5],
        ['a/deflated.txt', 8, 5000],
      ]);
      expect(z.extract(entries[1]!).toString()).toBe('plain');
      expect(z.extract(entries[2]!).toString()).toBe('x'.repeat(5000));
      expect(() => z.extract(entries[2]!, 100)).toThrow(/larger than 100 bytes/);
    } finally {
      z.close();
    }
  });

  it('reads ZIP64 end records and extra fields', () => {
    const z = ZipFile.open(
      file(zip([{ name: 'big.bin', data: 'zip64 content', deflate: true }], { zip64: true })),
    );
    try {
      const [entry] = z.entries();
      expect(entry).toMatchObject({ name: 'big.bin', size: 13, localHeaderOffset: 0 });
      expect(z.extract(entry!).toString()).toBe('zip64 content');
    } finally {
      z.close();
    }
  });

  it.skipIf(spawnSync('python3', ['--version']).status !== 0)('reads a zip written by Python zipfile', () => {
    const path = join(dir, 'python.ipa');
    const script = [
      'import sys, zipfile',
      'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:',
      '    z.writestr("Payload/Py.app/", "")',
      '    z.writestr("Payload/Py.app/Info.plist", sys.argv[2])',
    ].join('\n');
    const plist = xmlPlist({ CFBundleIdentifier: 'org.python.app', CFBundleVersion: '7' });
    expect(spawnSync('python3', ['-c', script, path, plist]).status).toBe(0);
    expect(inspectIpa(path)).toMatchObject({ app: 'Py.app', bundleId: 'org.python.app', build: '7' });
  });
});

describe('artifact inspection', () => {
  it('reads the bundle ID, version and build from an XML Info.plist', () => {
    expect(inspectIpa(file(ipa({ bundleId: 'com.example.xml', version: '2.0', build: '31' })))).toMatchObject(
      {
        kind: 'ipa',
        app: 'App.app',
        bundleId: 'com.example.xml',
        version: '2.0',
        build: '31',
        platformName: 'iphoneos',
      },
    );
  });

  it('reads a binary Info.plist', () => {
    const data = binaryPlist({
      CFBundleIdentifier: 'com.example.binary',
      CFBundleVersion: '9',
      Count: 300,
      On: true,
    });
    expect(parsePlist(data)).toEqual({
      CFBundleIdentifier: 'com.example.binary',
      CFBundleVersion: '9',
      Count: 300,
      On: true,
    });
    expect(inspectIpa(file(ipa({ bundleId: 'com.example.binary' }, 'binary')))).toMatchObject({
      bundleId: 'com.example.binary',
      version: '1.4.2',
      build: '187',
    });
  });

  it('rejects files that are not IPAs, saying why', () => {
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing.ipa'), /does not exist/],
      [dir, /is not a file/],
      [file('just text'), /is not an IPA: no end of central directory record/],
      [file(zip([{ name: 'App.app/Info.plist', data: 'x' }])), /no Payload\/<name>\.app\/ folder/],
      [file(zip([{ name: 'Payload/App.app/App', data: 'x' }])), /Payload\/App\.app\/Info\.plist is missing/],
      [file(zip([{ name: 'Payload/A.app/x' }, { name: 'Payload/B.app/x' }])), /2 apps in Payload\//],
      [
        file(zip([{ name: 'Payload/App.app/Info.plist', data: xmlPlist({ CFBundleVersion: '1' }) }])),
        /no CFBundleIdentifier/,
      ],
      [
        file(zip([{ name: 'Payload/App.app/Info.plist', data: '<plist><dict><key>' }])),
        /Info\.plist in .* cannot be read/,
      ],
    ];
    for (const [path, message] of cases) {
      expect(() => inspectIpa(path)).toThrow(ArtifactError);
      expect(() => inspectIpa(path)).toThrow(message);
    }
  });

  it('accepts a xar .pkg and rejects anything else', () => {
    expect(inspectPkg(file(pkg(), 'pkg'))).toMatchObject({ kind: 'pkg' });
    expect(() => inspectPkg(file(ipa(), 'pkg'))).toThrow(/is not a \.pkg: .* starting with "xar!"/);
    const empty = join(dir, 'empty.pkg');
    writeFileSync(empty, '');
    expect(() => inspectPkg(empty)).toThrow(/is not a \.pkg/);
  });
});
