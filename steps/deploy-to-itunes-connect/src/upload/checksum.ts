import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** MD5, the algorithm Apple's asset uploads have always used and the one `composite` allows. */
export const CHECKSUM_ALGORITHM = 'MD5';

const CHUNK_BYTES = 1024 * 1024;

/**
 * The file's MD5 as lower-case hex (Apple does not document the encoding; its older asset API and
 * the public clients use hex). One buffer is read into again and again, so memory stays flat
 * whatever the file's size; it runs while the parts are sent, reading what they read from the cache.
 */
export async function fileChecksum(path: string): Promise<string> {
  const hash = createHash('md5');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const file = await open(path, 'r');
  try {
    for (let position = 0; ; ) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}
