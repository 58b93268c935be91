import { type ZipFile as Archive, type Entry, openPromise } from 'yauzl';

/**
 * A look inside an .ipa without extracting it, through yauzl: the central directory (ZIP64
 * included, IPAs over 4 GB exist) and single entries, stored or deflated, streamed from the file.
 * Only the directory and the entries asked for are read, so a 2 GB IPA costs a few reads.
 */

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** The file is not a readable zip archive, or an entry cannot be extracted. */
export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export class ZipFile {
  private constructor(
    private readonly zip: Archive,
    private readonly listed: ZipEntry[],
    private readonly raw: Map<ZipEntry, Entry>,
  ) {}

  /**
   * Opens the archive and reads its central directory. A file the system cannot open fails with
   * the system's error; a file that is not a zip fails with a ZipError.
   */
  static async open(path: string): Promise<ZipFile> {
    let zip: Archive;
    try {
      // decodeStrings off: names are decoded below, yauzl would read unflagged names as CP437.
      zip = await openPromise(path, { autoClose: false, decodeStrings: false, validateEntrySizes: true });
    } catch (err) {
      if (typeof (err as NodeJS.ErrnoException).code === 'string') throw err;
      throw zipError(err);
    }
    const listed: ZipEntry[] = [];
    const raw = new Map<ZipEntry, Entry>();
    try {
      for await (const entry of zip.eachEntry()) {
        const item: ZipEntry = {
          name: entryName(entry.fileNameRaw, entry.generalPurposeBitFlag),
          method: entry.compressionMethod,
          flags: entry.generalPurposeBitFlag,
          compressedSize: entry.compressedSize,
          size: entry.uncompressedSize,
          localHeaderOffset: entry.relativeOffsetOfLocalHeader,
        };
        listed.push(item);
        raw.set(item, entry);
      }
    } catch (err) {
      zip.close();
      throw zipError(err);
    }
    return new ZipFile(zip, listed, raw);
  }

  /** Every entry of the central directory, in order. */
  entries(): ZipEntry[] {
    return this.listed;
  }

  /** The entry's content; refuses anything larger than `maxSize` (a zip bomb guard). */
  async extract(entry: ZipEntry, maxSize = 16 * 1024 * 1024): Promise<Buffer> {
    const raw = this.raw.get(entry);
    if (!raw) throw new ZipError(`${entry.name} is not an entry of this archive`);
    if (entry.flags & 0x1) throw new ZipError(`${entry.name} is encrypted`);
    if (entry.size > maxSize) throw new ZipError(`${entry.name} is larger than ${maxSize} bytes`);
    if (entry.method !== 0 && entry.method !== 8)
      throw new ZipError(`${entry.name} uses compression method ${entry.method}, which is not supported`);
    const chunks: Buffer[] = [];
    let length = 0;
    try {
      // yauzl checks the inflated length against the directory's size, so a lying size fails too.
      for await (const chunk of await this.zip.openReadStreamPromise(raw)) {
        length += (chunk as Buffer).length;
        if (length > maxSize) throw new ZipError(`${entry.name} is larger than ${maxSize} bytes`);
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      if (err instanceof ZipError) throw err;
      throw new ZipError(`${entry.name} cannot be extracted: ${(err as Error).message}`);
    }
    return Buffer.concat(chunks, length);
  }

  close(): void {
    this.zip.close();
  }
}

function zipError(err: unknown): ZipError {
  const message = (err as Error).message ?? String(err);
  if (message.startsWith('End of central directory record signature not found'))
    return new ZipError('no end of central directory record (not a zip file)');
  return new ZipError(message);
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
