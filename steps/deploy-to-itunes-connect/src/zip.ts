import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/**
 * Just enough of a zip reader to look inside an .ipa without extracting it: the central
 * directory (ZIP64 included, IPAs over 4 GB exist) and single entries, stored or deflated.
 * Only the tail of the file and the entries asked for are read, so a 2 GB IPA costs a few reads.
 */

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MAX_EOCD_SEARCH = 22 + 0xffff;

export class ZipFile {
  private readonly fd: number;
  readonly size: number;

  private constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  static open(path: string): ZipFile {
    return new ZipFile(path);
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(position: number, length: number): Buffer {
    if (position < 0 || length < 0 || position + length > this.size)
      throw new ZipError('a record points outside the file (truncated zip?)');
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buffer, done, length - done, position + done);
      if (n === 0) throw new ZipError('unexpected end of file');
      done += n;
    }
    return buffer;
  }

  /** Every entry of the central directory, in order. */
  entries(): ZipEntry[] {
    const tailLength = Math.min(this.size, MAX_EOCD_SEARCH);
    const tail = this.read(this.size - tailLength, tailLength);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new ZipError('no end of central directory record (not a zip file)');
    const eocdOffset = this.size - tailLength + at;
    let count = tail.readUInt16LE(at + 10);
    let cdSize = tail.readUInt32LE(at + 12);
    let cdOffset = tail.readUInt32LE(at + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const locator = this.read(eocdOffset - 20, 20);
      if (locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw new ZipError('ZIP64 locator missing');
      const zip64 = this.read(Number(locator.readBigUInt64LE(8)), 56);
      if (zip64.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipError('ZIP64 end of central directory missing');
      count = Number(zip64.readBigUInt64LE(32));
      cdSize = Number(zip64.readBigUInt64LE(40));
      cdOffset = Number(zip64.readBigUInt64LE(48));
    }
    const cd = this.read(cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_HEADER)
        throw new ZipError(`central directory entry ${i + 1} is damaged`);
      const flags = cd.readUInt16LE(p + 8);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const name = entryName(cd.subarray(p + 46, p + 46 + nameLength), flags);
      const entry: ZipEntry = {
        name,
        method: cd.readUInt16LE(p + 10),
        flags,
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      };
      applyZip64Extra(entry, cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
      entries.push(entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  }

  /** The entry's content; refuses anything larger than `maxSize` (a zip bomb guard). */
  extract(entry: ZipEntry, maxSize = 16 * 1024 * 1024): Buffer {
    if (entry.flags & 0x1) throw new ZipError(`${entry.name} is encrypted`);
    if (entry.size > maxSize) throw new ZipError(`${entry.name} is larger than ${maxSize} bytes`);
    const header = this.read(entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL_HEADER) throw new ZipError(`${entry.name}: local header missing`);
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const data = this.read(start, entry.compressedSize);
    if (entry.method === 0) return data;
    if (entry.method === 8) {
      try {
        return inflateRawSync(data, { maxOutputLength: maxSize });
      } catch (err) {
        throw new ZipError(`${entry.name} cannot be inflated: ${(err as Error).message}`);
      }
    }
    throw new ZipError(`${entry.name} uses compression method ${entry.method}, which is not supported`);
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Flag bit 11 marks UTF-8 names; without it the format says CP437. Info-ZIP's zip 3.0 stores the
 * file system's UTF-8 bytes without setting the bit (measured on Linux), so `Payload/Café.app/` read
 * as `CafÃ©.app`. Names that are valid UTF-8 are taken as UTF-8, others as Latin-1.
 */
function entryName(bytes: Buffer, flags: number): string {
  if (flags & 0x800) return bytes.toString('utf8');
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** ZIP64 extended information (header 0x0001): the 64-bit values of fields saturated at 0xFFFFFFFF. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const next = () => {
        const value = Number(extra.readBigUInt64LE(q));
        q += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    p += 4 + length;
  }
}
