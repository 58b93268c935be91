import { closeSync, openSync, writeSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { describeFault, type PortalFaults } from '../faults.ts';
import type { PortalRequestLogEntry } from '../server.ts';
import { UPLOAD_REQUEST_HEADERS } from './render.ts';
import type { AppStoreState, SimBuildUploadFile, SimUploadOperation } from './state.ts';
import { parseUploadPath, UPLOAD_HOST, UPLOAD_METHOD } from './upload-url.ts';

export interface UploadOperationDeps {
  appStore: AppStoreState;
  faults: PortalFaults;
  requestLog: PortalRequestLogEntry[];
}

/** Whether the request is for the upload host rather than the API or the portal. */
export function isUploadOperation(req: IncomingMessage): boolean {
  return (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase() === UPLOAD_HOST;
}

/**
 * The upload operations' end: each PUT carries the bytes [offset, offset + length) of the file,
 * which are written at their offset into the reservation's file, streamed, as they arrive. Apple's
 * rules are checked on the way: the URL's signature, no JWT (the URLs are unauthenticated), the
 * operation's headers, and exactly `length` bytes. Faults queued for `/itms-sim/<file>/<part>`
 * (PortalFaults) fail a part after its body arrived (`status`), halfway through it (`reset`), or
 * delay it; every body byte counts in `bytesReceived`, so repeated parts show.
 */
export function createUploadOperationHandler(deps: UploadOperationDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', `https://${UPLOAD_HOST}`);
    const entry: PortalRequestLogEntry = {
      at: Date.now(),
      transport: 'upload',
      host: UPLOAD_HOST,
      wireMethod: req.method ?? '',
      method: req.method ?? '',
      path: url.pathname,
      query: {},
      status: 0,
    };
    deps.requestLog.push(entry);
    const reply = (status: number, problem?: string) => {
      entry.status = status;
      entry.answeredAt = Date.now();
      if (problem) entry.problem = problem;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(problem ?? '');
    };

    const target = findOperation(deps.appStore, url);
    if ('status' in target) {
      await drain(req);
      return reply(target.status, target.problem);
    }
    const { file, op } = target;
    const problem = requestProblem(req, op);
    if (problem) {
      await drain(req);
      return reply(400, problem);
    }

    const fault = deps.faults.take({ path: entry.path, method: entry.method, hasCursor: false });
    if (fault) entry.fault = describeFault(fault);
    file.partAttempts.set(op.partNumber, (file.partAttempts.get(op.partNumber) ?? 0) + 1);
    if (fault?.kind === 'delay') await delay(fault.ms);
    if (fault?.kind === 'status' || fault?.kind === 'raw') {
      await drain(req, (bytes) => {
        file.bytesReceived += bytes;
      });
      return reply(fault.status, 'simulated failure');
    }
    if (fault?.kind === 'reset') {
      // The connection drops halfway through the part, without an answer.
      entry.status = -1;
      await new Promise<void>((resolve) => {
        let received = 0;
        req.on('data', (chunk: Buffer) => {
          received += chunk.length;
          file.bytesReceived += chunk.length;
          if (received >= op.length / 2) req.socket.destroy();
        });
        req.once('close', resolve);
      });
      return;
    }

    let written: number;
    try {
      written = await writePart(req, file, op);
    } catch (err) {
      // The client went away mid-part; the part stays missing.
      entry.status = -1;
      entry.problem = (err as Error).message;
      return;
    }
    if (written !== op.length)
      return reply(400, `part ${op.partNumber} has ${written} bytes, the operation asked for ${op.length}`);
    file.receivedParts.add(op.partNumber);
    reply(200);
  };
}

type Target = { file: SimBuildUploadFile; op: SimUploadOperation } | { status: number; problem: string };

function findOperation(appStore: AppStoreState, url: URL): Target {
  const parsed = parseUploadPath(url.pathname);
  const file = parsed && appStore.files.find((f) => f.id === parsed.fileId);
  const op = file?.operations.find((o) => o.partNumber === parsed!.partNumber);
  if (!file || !op) return { status: 404, problem: 'no such upload operation' };
  if (url.searchParams.get('sig') !== op.token) return { status: 403, problem: 'the signature is not valid' };
  if (file.uploaded) return { status: 409, problem: 'the file was already committed' };
  return { file, op };
}

/** What is wrong with how the part is sent, if anything. */
function requestProblem(req: IncomingMessage, op: SimUploadOperation): string | undefined {
  if (req.method !== UPLOAD_METHOD) return `the operation's method is ${UPLOAD_METHOD}, got ${req.method}`;
  if (req.headers.authorization) return 'upload operations are unauthenticated: no Authorization header';
  for (const header of UPLOAD_REQUEST_HEADERS) {
    const sent = req.headers[header.name.toLowerCase()];
    if (sent !== header.value) return `header ${header.name} must be ${header.value}, got ${String(sent)}`;
  }
  const length = req.headers['content-length'];
  if (length !== String(op.length))
    return `Content-Length must be the operation's length ${op.length}, got ${String(length)}`;
  return undefined;
}

/**
 * Writes the body at the part's offset, never past its end; returns how many bytes came. The
 * writes are synchronous, a TLS record's worth into the page cache at a time: far cheaper for the
 * simulator than a thread-pool round trip per chunk, so the benchmark measures the Step.
 */
async function writePart(
  req: IncomingMessage,
  file: SimBuildUploadFile,
  op: SimUploadOperation,
): Promise<number> {
  const fd = openSync(file.path, 'r+');
  let received = 0;
  try {
    for await (const chunk of req) {
      const bytes = chunk as Buffer;
      file.bytesReceived += bytes.length;
      const room = Math.max(0, op.length - received);
      if (room > 0) writeSync(fd, bytes, 0, Math.min(room, bytes.length), op.offset + received);
      received += bytes.length;
    }
  } finally {
    closeSync(fd);
  }
  return received;
}

/** Reads a body to its end, counting its bytes as they come (other parts arrive meanwhile). */
async function drain(req: IncomingMessage, onBytes: (bytes: number) => void = () => {}): Promise<void> {
  for await (const chunk of req) onBytes((chunk as Buffer).length);
}
