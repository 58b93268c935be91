import { Worker } from 'node:worker_threads';

/** MD5, the algorithm Apple's asset uploads have always used and the one `composite` allows. */
export const CHECKSUM_ALGORITHM = 'MD5';

/**
 * Reads the file through one 1 MB buffer, again and again, so memory stays flat whatever the
 * file's size, and answers its MD5 as lower-case hex (Apple does not document the encoding; its
 * older asset API and the public clients use hex). A CommonJS script for a worker thread: the Step
 * is one bundled file, so the worker's code travels as text.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { closeSync, openSync, readSync } = require('node:fs');
const hash = createHash('md5');
const buffer = Buffer.allocUnsafe(1024 * 1024);
const fd = openSync(workerData.path, 'r');
try {
  for (let position = 0; ; ) {
    const bytes = readSync(fd, buffer, 0, buffer.length, position);
    if (bytes === 0) break;
    hash.update(buffer.subarray(0, bytes));
    position += bytes;
  }
} finally {
  closeSync(fd);
}
parentPort.postMessage(hash.digest('hex'));
`;

/**
 * The file's MD5, computed on a worker thread while the parts are sent: hashing is as much work as
 * reading the file, and on the main thread it would hold up the sending it runs beside. `signal`
 * stops it when the upload failed, so the Step does not wait for a checksum nobody needs.
 */
export function fileChecksum(path: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path } });
    let answered = false;
    signal?.addEventListener('abort', () => void worker.terminate(), { once: true });
    worker.once('message', (hash: string) => {
      answered = true;
      resolve(hash);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the checksum of ${path} was not computed (worker exit code ${code})`));
    });
  });
}
