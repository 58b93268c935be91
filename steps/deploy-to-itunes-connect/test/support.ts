import { writeFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { type ZipOptions, zip } from '../../../testkit/fixtures/zip.ts';

/**
 * Test-only writers for the artifacts the Step inspects: an .ipa (through testkit's zip writer), a
 * binary plist and an XML plist, and a xar header. They are written from the format descriptions,
 * independently of the Step's readers.
 */

type PlistValue = string | number | boolean;

/** An XML plist of a flat dictionary. */
export function xmlPlist(dict: Record<string, PlistValue>): string {
  const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const value = (v: PlistValue) =>
    typeof v === 'boolean'
      ? `<${v}/>`
      : typeof v === 'number'
        ? `<integer>${v}</integer>`
        : `<string>${xmlEscape(v)}</string>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    ...Object.entries(dict).map(([k, v]) => `\t<key>${xmlEscape(k)}</key>\n\t${value(v)}`),
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

/**
 * A binary plist (bplist00) of a flat dictionary with ASCII strings, small non-negative
 * integers and booleans: 1-byte object references, 2-byte offsets.
 */
export function binaryPlist(dict: Record<string, PlistValue>): Buffer {
  const objects: Buffer[] = [];
  const add = (buffer: Buffer) => objects.push(buffer) - 1;
  const marker = (type: number, length: number) =>
    length < 15 ? Buffer.from([type | length]) : Buffer.from([type | 0xf, 0x10, length]);
  const encode = (v: PlistValue): Buffer => {
    if (typeof v === 'boolean') return Buffer.from([v ? 0x09 : 0x08]);
    if (typeof v === 'number')
      return v < 256 ? Buffer.from([0x10, v]) : Buffer.from([0x11, v >> 8, v & 0xff]);
    return Buffer.concat([marker(0x50, v.length), Buffer.from(v, 'ascii')]);
  };
  const entries = Object.entries(dict);
  const root = add(Buffer.alloc(0)); // filled in below, once the references are known
  const keyRefs = entries.map(([k]) => add(encode(k)));
  const valueRefs = entries.map(([, v]) => add(encode(v)));
  objects[root] = Buffer.concat([marker(0xd0, entries.length), Buffer.from(keyRefs), Buffer.from(valueRefs)]);
  const header = Buffer.from('bplist00', 'latin1');
  const offsets: number[] = [];
  let at = header.length;
  for (const object of objects) {
    offsets.push(at);
    at += object.length;
  }
  const table = Buffer.alloc(offsets.length * 2);
  for (const [i, o] of offsets.entries()) table.writeUInt16BE(o, i * 2);
  const trailer = Buffer.alloc(32);
  trailer.writeUInt8(2, 6);
  trailer.writeUInt8(1, 7);
  trailer.writeBigUInt64BE(BigInt(objects.length), 8);
  trailer.writeBigUInt64BE(BigInt(root), 16);
  trailer.writeBigUInt64BE(BigInt(at), 24);
  return Buffer.concat([header, ...objects, table, trailer]);
}

export interface AppInfo {
  bundleId?: string;
  version?: string;
  build?: string;
  platformName?: string;
}

function infoDict(info: AppInfo): Record<string, PlistValue> {
  return {
    CFBundleIdentifier: info.bundleId ?? 'io.bitrise.sample',
    CFBundleShortVersionString: info.version ?? '1.4.2',
    CFBundleVersion: info.build ?? '187',
    CFBundleExecutable: 'App',
    ...(info.platformName === '' ? {} : { DTPlatformName: info.platformName ?? 'iphoneos' }),
    LSRequiresIPhoneOS: true,
  };
}

/** An .ipa: `Payload/App.app/` with an Info.plist (XML or binary) and an executable. */
export function ipa(info: AppInfo = {}, format: 'xml' | 'binary' = 'xml', options: ZipOptions = {}): Buffer {
  const dict = infoDict(info);
  return zip(
    [
      { name: 'Payload/' },
      { name: 'Payload/App.app/' },
      { name: 'Payload/App.app/App', data: Buffer.alloc(4096, 0xcf), deflate: true },
      {
        name: 'Payload/App.app/Info.plist',
        data: format === 'xml' ? xmlPlist(dict) : binaryPlist(dict),
        deflate: true,
      },
      { name: 'Payload/App.app/_CodeSignature/CodeResources', data: xmlPlist({ files: 'none' }) },
    ],
    options,
  );
}

/** The start of a flat installer package: `xar!`, a 28-byte header, then a (fake) TOC. */
export function pkg(): Buffer {
  const header = Buffer.alloc(28);
  header.write('xar!', 0, 'latin1');
  header.writeUInt16BE(28, 4);
  header.writeUInt16BE(1, 6);
  return Buffer.concat([header, deflateRawSync(Buffer.from('<xar><toc/></xar>'))]);
}

export function writeFile(path: string, data: Buffer | string): string {
  writeFileSync(path, data);
  return path;
}
