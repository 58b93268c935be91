import { writeFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';

/**
 * Test-only writers for the artifacts the Step inspects: a zip (stored or deflated entries,
 * optionally ZIP64 records), a binary plist and an XML plist, and a xar header. They are
 * written from the format descriptions, independently of the Step's readers.
 */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface ZipInput {
  name: string;
  /** Omit for a directory entry (name ending with `/`). */
  data?: Buffer | string;
  deflate?: boolean;
}

export interface ZipOptions {
  /** Write ZIP64 end records (and saturate the 32-bit fields), as zips over 4 GB have. */
  zip64?: boolean;
  comment?: string;
}

export function zip(entries: ZipInput[], options: ZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = Buffer.from(entry.data ?? '');
    const method = entry.deflate && raw.length > 0 ? 8 : 0;
    const stored = method === 8 ? deflateRawSync(raw) : raw;
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, stored);

    const extra = options.zip64 ? Buffer.alloc(28) : Buffer.alloc(0);
    if (options.zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(raw.length), 4);
      extra.writeBigUInt64LE(BigInt(stored.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);
    central.writeUInt16LE(options.zip64 ? 45 : 20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(options.zip64 ? 0xffffffff : stored.length, 20);
    central.writeUInt32LE(options.zip64 ? 0xffffffff : raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(options.zip64 ? 0xffffffff : offset, 42);
    centrals.push(central, name, extra);
    offset += local.length + name.length + stored.length;
  }
  const cd = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (options.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const comment = Buffer.from(options.comment ?? '');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(options.zip64 ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(options.zip64 ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(options.zip64 ? 0xffffffff : cd.length, 12);
  eocd.writeUInt32LE(options.zip64 ? 0xffffffff : offset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, cd, ...tail, eocd, comment]);
}

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
