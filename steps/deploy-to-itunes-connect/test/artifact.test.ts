import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs, { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parsePlist } from '../../../common/formats/plist.ts';
import { zip } from '../../../testkit/fixtures/zip.ts';
import { ArtifactError, inspectIpa, inspectPkg } from '../src/artifact.ts';
import { ZipFile } from '../src/zip.ts';
import { binaryPlist, ipa, pkg, writeFile, xmlPlist } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'deliver-artifact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (data: Buffer | string, ext = 'ipa') => writeFile(join(dir, `${n++}.${ext}`), data);

describe('zip reader', () => {
  it('lists entries and extracts stored and deflated ones', async () => {
    const z = await ZipFile.open(
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
      expect((await z.extract(entries[1]!)).toString()).toBe('plain');
      expect((await z.extract(entries[2]!)).toString()).toBe('x'.repeat(5000));
      await expect(z.extract(entries[2]!, 100)).rejects.toThrow(/larger than 100 bytes/);
    } finally {
      z.close();
    }
  });

  it('reads ZIP64 end records and extra fields', async () => {
    const z = await ZipFile.open(
      file(zip([{ name: 'big.bin', data: 'zip64 content', deflate: true }], { zip64: true })),
    );
    try {
      const [entry] = z.entries();
      expect(entry).toMatchObject({ name: 'big.bin', size: 13, localHeaderOffset: 0 });
      expect((await z.extract(entry!)).toString()).toBe('zip64 content');
    } finally {
      z.close();
    }
  });

  it('reads the central directory and the Info.plist, not the rest of the IPA', async () => {
    const size = 8 * 1024 * 1024;
    const path = file(
      zip([
        { name: 'Payload/App.app/App', data: randomBytes(size) },
        { name: 'Payload/App.app/Info.plist', data: xmlPlist({ CFBundleIdentifier: 'com.example.big' }) },
        { name: 'Payload/App.app/Assets.car', data: randomBytes(size) },
      ]),
    );
    const read = vi.spyOn(fs, 'read');
    try {
      expect(await inspectIpa(path)).toMatchObject({ bundleId: 'com.example.big' });
      // fs.read(fd, buffer, offset, length, position, callback), as yauzl calls it.
      const bytes = read.mock.calls.reduce((sum, call) => sum + Number((call as unknown[])[3]), 0);
      expect(read).toHaveBeenCalled();
      expect(bytes).toBeLessThan(256 * 1024);
    } finally {
      read.mockRestore();
    }
  });

  it.skipIf(spawnSync('python3', ['--version']).status !== 0)(
    'reads a zip written by Python zipfile',
    async () => {
      const path = join(dir, 'python.ipa');
      const script = [
        'import sys, zipfile',
        'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:',
        '    z.writestr("Payload/Py.app/", "")',
        '    z.writestr("Payload/Py.app/Info.plist", sys.argv[2])',
      ].join('\n');
      const plist = xmlPlist({ CFBundleIdentifier: 'org.python.app', CFBundleVersion: '7' });
      expect(spawnSync('python3', ['-c', script, path, plist]).status).toBe(0);
      expect(await inspectIpa(path)).toMatchObject({ app: 'Py.app', bundleId: 'org.python.app', build: '7' });
    },
  );
});

describe('artifact inspection', () => {
  it('reads the bundle ID, version and build from an XML Info.plist', async () => {
    expect(
      await inspectIpa(file(ipa({ bundleId: 'com.example.xml', version: '2.0', build: '31' }))),
    ).toMatchObject({
      kind: 'ipa',
      app: 'App.app',
      bundleId: 'com.example.xml',
      version: '2.0',
      build: '31',
      platformName: 'iphoneos',
    });
  });

  it('reads a binary Info.plist', async () => {
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
    expect(await inspectIpa(file(ipa({ bundleId: 'com.example.binary' }, 'binary')))).toMatchObject({
      bundleId: 'com.example.binary',
      version: '1.4.2',
      build: '187',
    });
  });

  it('rejects files that are not IPAs, saying why', async () => {
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
      await expect(inspectIpa(path)).rejects.toThrow(ArtifactError);
      await expect(inspectIpa(path)).rejects.toThrow(message);
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
