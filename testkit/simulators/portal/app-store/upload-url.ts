import type { SimBuildUploadFile, SimUploadOperation } from './state.ts';

/**
 * Where the simulator's upload operations point. Apple's asset uploads go to another host than
 * the API (`*.blobstore.apple.com`), unauthenticated and signed in the URL; the simulator answers
 * for this host too, through the same host map.
 */
export const UPLOAD_HOST = 'sim-upload.blobstore.apple.com';
export const UPLOAD_METHOD = 'PUT';
const UPLOAD_PATH = /^\/itms-sim\/([^/]+)\/(\d+)$/;

export function uploadOperationUrl(file: SimBuildUploadFile, op: SimUploadOperation): string {
  return `https://${UPLOAD_HOST}/itms-sim/${file.id}/${op.partNumber}?sig=${op.token}`;
}

/** The file ID and part number of an upload operation's path, when it is one. */
export function parseUploadPath(path: string): { fileId: string; partNumber: number } | undefined {
  const match = UPLOAD_PATH.exec(path);
  return match ? { fileId: match[1]!, partNumber: Number(match[2]) } : undefined;
}
