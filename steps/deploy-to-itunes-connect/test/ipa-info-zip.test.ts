import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INFO_UNZIP,
  INFO_ZIP,
  runTool,
  skipWithoutTools,
} from '../../../common/codesign/test/support/referee-tools.ts';
import { inspectIpa } from '../src/artifact.ts';
import { ZipFile } from '../src/zip.ts';
import { binaryPlist, xmlPlist } from './support.ts';

/**
 * Info-ZIP `zip` as a referee for the IPA zip reader (yauzl, entry names decoded by us): IPAs the
 * real tool writes, in each layout it can produce, must yield the Info.plist it was given.
 * `unzip -Z -v` confirms each archive really has the layout its case is named after.
 */

const INFO = {
  CFBundleIdentifier: 'com.example.infozip',
  CFBundleShortVersionString: '2.3.4',
  CFBundleVersion: '567',
  CFBundleExecutable: 'Referee',
  DTPlatformName: 'iphoneos',
  // Compressible, so the default run deflates the Info.plist instead of storing it.
  NSHumanReadableCopyright: 'Copyright (c) Example Corp. All rights reserved. '.repeat(4),
  LSRequiresIPhoneOS: true,
};
const EXPECTED = {
  kind: 'ipa',
  bundleId: 'com.example.infozip',
  version: '2.3.4',
  build: '567',
  platformName: 'iphoneos',
};

let dir: string;

/** `<root>/Payload/<app>/` with the Info.plist, an incompressible executable and a signature folder. */
function stageApp(root: string, app: string, infoPlist: Buffer | string): void {
  const bundle = join(root, 'Payload', app);
  mkdirSync(join(bundle, '_CodeSignature'), { recursive: true });
  writeFileSync(join(bundle, 'Info.plist'), infoPlist);
  writeFileSync(join(bundle, 'Referee'), randomBytes(4096));
  writeFileSync(join(bundle, '_CodeSignature', 'CodeResources'), xmlPlist({ files: 'none' }));
}

/** Runs `zip` in `root`; with `-` as the archive it streams to a pipe, as `zip - … | …` does. */
function zipInto(root: string, out: string, args: string[]): string {
  const target = join(dir, out);
  if (args.includes('-')) writeFileSync(target, runTool('zip', args, { cwd: root }).stdout);
  else runTool('zip', [...args.slice(0, -1), target, args.at(-1)!], { cwd: root });
  return target;
}

/** `unzip -Z -v` (zipinfo) fields of one entry, e.g. `compression method` → `deflated`. */
function zipinfo(archive: string, entry: string): Record<string, string> {
  const text = runTool('unzip', ['-Z', '-v', archive, entry]).stdout.toString('utf8');
  return Object.fromEntries(
    [...text.matchAll(/^ {2}([a-z][\w ,/]+?):\s+(.+)$/gm)].map((m) => [m[1]!, m[2]!.trim()]),
  );
}

/** The central directory offset in the (comment-less) end record; all ones sends readers to ZIP64. */
function eocdDirectoryOffset(archive: string): number {
  const data = readFileSync(archive);
  expect(data.readUInt32LE(data.length - 22)).toBe(0x06054b50);
  return data.readUInt32LE(data.length - 6);
}

describe.skipIf(skipWithoutTools('Info-ZIP referee tests', [INFO_ZIP, INFO_UNZIP]))(
  'IPAs written by Info-ZIP zip',
  () => {
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'ipa-info-zip-'));
      stageApp(join(dir, 'xml'), 'Referee.app', xmlPlist(INFO));
      stageApp(join(dir, 'binary'), 'Referee.app', binaryPlist(INFO));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const layouts: Array<{
      name: string;
      /** zip's arguments; the archive goes before the last one (`Payload`), or `-` streams. */
      args: string[];
      method: 'deflated' | 'none (stored)';
      dataDescriptor: boolean;
      zip64?: boolean;
    }> = [
      { name: 'deflated (zip -r)', args: ['-r', '-X', 'Payload'], method: 'deflated', dataDescriptor: false },
      {
        name: 'stored (zip -0)',
        args: ['-r', '-X', '-0', 'Payload'],
        method: 'none (stored)',
        dataDescriptor: false,
      },
      {
        name: 'ZIP64 records (zip -fz)',
        args: ['-r', '-X', '-fz', 'Payload'],
        method: 'deflated',
        dataDescriptor: false,
        zip64: true,
      },
      {
        name: 'data descriptors (zip -fd)',
        args: ['-r', '-X', '-fd', 'Payload'],
        method: 'deflated',
        dataDescriptor: true,
      },
      {
        name: 'streamed to a pipe (zip -r - Payload | …)',
        args: ['-r', '-X', '-', 'Payload'],
        method: 'deflated',
        dataDescriptor: true,
      },
      {
        name: 'stored and streamed to a pipe (zip -0 -r - Payload | …)',
        args: ['-r', '-X', '-0', '-', 'Payload'],
        method: 'none (stored)',
        dataDescriptor: true,
      },
    ];
    const cases = layouts.flatMap((layout) =>
      (['xml', 'binary'] as const).map((plist) => ({ ...layout, plist })),
    );

    let count = 0;
    it.each(cases)('$name, $plist Info.plist', async ({ args, plist, method, dataDescriptor, zip64 }) => {
      const archive = zipInto(join(dir, plist), `${++count}.ipa`, args);
      runTool('unzip', ['-tq', archive]);
      const entry = zipinfo(archive, 'Payload/Referee.app/Info.plist');
      expect(entry['compression method']).toBe(method);
      expect(entry['extended local header']).toBe(dataDescriptor ? 'yes' : 'no');
      if (zip64) {
        expect(entry['minimum software version required to extract']).toBe('4.5');
        expect(eocdDirectoryOffset(archive)).toBe(0xffffffff);
      }

      expect(await inspectIpa(archive)).toEqual({ ...EXPECTED, path: archive, app: 'Referee.app' });
    });

    it('reads a UTF-8 app name, which zip stores without the UTF-8 flag', async () => {
      // Failed before: unflagged names were read as Latin-1, so the app showed as `CafÃ©.app`.
      const root = join(dir, 'utf8');
      stageApp(root, 'Café Référence.app', xmlPlist(INFO));
      const archive = zipInto(root, 'utf8.ipa', ['-r', '-X', 'Payload']);
      const names = runTool('unzip', ['-Z1', archive]).stdout.toString('utf8').split('\n');
      expect(names).toContain('Payload/Café Référence.app/Info.plist');
      const zip = await ZipFile.open(archive);
      try {
        expect(zip.entries().every((e) => (e.flags & 0x800) === 0)).toBe(true);
      } finally {
        zip.close();
      }

      expect(await inspectIpa(archive)).toEqual({ ...EXPECTED, path: archive, app: 'Café Référence.app' });
    });

    // APFS refuses file names that are not UTF-8, so this layout cannot be staged on macOS.
    it.skipIf(process.platform === 'darwin')(
      'falls back to Latin-1 for a name that is not UTF-8',
      async () => {
        const root = join(dir, 'latin1');
        // Linux file names are bytes: `Caf\xe9.app` is Latin-1 and invalid as UTF-8.
        const bundle = Buffer.concat([
          Buffer.from(`${root}/Payload/Caf`),
          Buffer.from([0xe9]),
          Buffer.from('.app'),
        ]);
        mkdirSync(bundle, { recursive: true });
        writeFileSync(Buffer.concat([bundle, Buffer.from('/Info.plist')]), xmlPlist(INFO));
        const archive = zipInto(root, 'latin1.ipa', ['-r', '-X', 'Payload']);

        expect(await inspectIpa(archive)).toEqual({ ...EXPECTED, path: archive, app: 'Café.app' });
      },
    );
  },
);
