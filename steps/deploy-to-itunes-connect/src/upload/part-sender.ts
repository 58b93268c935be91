import { readSync } from 'node:fs';
import type { Got } from 'got';
import { StepError } from '../../../../common/step/index.ts';
import type { PartOperation } from './operations.ts';

/**
 * Each part is read in slices of this size into two buffers used in turn, whatever the part's size.
 * Larger slices send a little faster but make the TLS layer's allocations, and so the Step's memory,
 * grow (npm run bench).
 */
const SLICE_BYTES = 128 * 1024;

/** One attempt at a part failed; `retryable` says whether sending it again can help. */
export class PartFailure extends StepError {
  constructor(
    reason: string,
    readonly retryable: boolean,
    readonly status?: number,
    cause?: unknown,
  ) {
    super(reason, { cause });
    this.name = 'PartFailure';
  }
}

/** Server answers worth another attempt: timeouts, throttling, and the server's own failures. */
const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Sends one part: its bytes [offset, offset + length) of the file, read slice by slice into two
 * buffers that are used again once their write went out, so memory does not grow with the part or
 * the file. The request carries exactly the operation's headers (and its length), no credentials:
 * the URL is the authorisation. `onBytes` hears each slice handed to the connection.
 */
export async function sendPart(
  http: Got,
  /** The open file, read synchronously: a slice from the page cache takes microseconds. */
  fd: number,
  op: PartOperation,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const headers: Record<string, string> = { 'content-length': String(op.length), ...op.headers };
  // got's own user-agent may stay: only what Apple lists is required, nothing else is refused.
  const request = http.stream(op.url, { method: op.method as 'PUT', headers });
  let answer: { status: number; body: string } | undefined;
  let failure: unknown;
  const answered = new Promise<void>((resolve) => {
    let body = '';
    request.on('response', (response: { statusCode: number }) => {
      answer = { status: response.statusCode, body: '' };
    });
    request.on('data', (chunk: Buffer) => {
      if (body.length < 2000) body += chunk.toString('utf8');
    });
    request.on('end', () => {
      if (answer) answer.body = body;
      resolve();
    });
    request.on('error', (err: unknown) => {
      failure ??= err;
      resolve();
    });
    // Destroyed without an error (after a failed read, say): nothing else would end the wait.
    request.on('close', () => resolve());
  });

  const buffers = [Buffer.allocUnsafe(SLICE_BYTES), Buffer.allocUnsafe(SLICE_BYTES)];
  let writing: Promise<void> = Promise.resolve();
  const end = op.offset + op.length;
  try {
    for (let position = op.offset, turn = 0; position < end && !failure && !answer; turn++) {
      const buffer = buffers[turn % 2]!;
      const bytesRead = readSync(fd, buffer, 0, Math.min(SLICE_BYTES, end - position), position);
      if (bytesRead === 0)
        throw new PartFailure(
          `the file ended at byte ${position} while part ${op.partNumber} was read`,
          false,
        );
      // The other buffer's write must be out before this one is handed over (and later refilled).
      await writing;
      writing = new Promise<void>((resolve, reject) =>
        request.write(buffer.subarray(0, bytesRead), (err) => {
          if (err) return reject(err);
          onBytes(bytesRead);
          resolve();
        }),
      );
      position += bytesRead;
    }
    await writing;
    request.end();
  } catch (err) {
    if (err instanceof PartFailure) {
      request.destroy();
      throw err;
    }
    failure ??= err;
    request.destroy();
  }
  await answered;
  if (answer && (answer.status < 200 || answer.status >= 300)) {
    const said = answer.body.trim().split('\n')[0]?.slice(0, 200);
    throw new PartFailure(
      `${op.method} of part ${op.partNumber} answered ${answer.status}${said ? ` (${said})` : ''}`,
      retryableStatus(answer.status),
      answer.status,
    );
  }
  if (failure || !answer) {
    const code = (failure as { code?: string } | undefined)?.code;
    const message = failure instanceof Error ? failure.message : 'no answer';
    throw new PartFailure(
      `${op.method} of part ${op.partNumber} failed: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`,
      true,
      undefined,
      failure,
    );
  }
}
