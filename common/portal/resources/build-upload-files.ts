import { type PortalContext, resourceUrl } from '../context.ts';
import { resourceOf } from '../document.ts';
import type { BuildUploadFile, BuildUploadUti, Checksums } from '../models.ts';

export interface ReserveFileParams {
  buildUploadId: string;
  fileName: string;
  /** Bytes; the commit fails unless exactly this many arrive. */
  fileSize: number;
  uti: BuildUploadUti;
}

/** Reserves the build's file: the answer's `uploadOperations` say where each part of it goes. */
export async function reserveBuildUploadFile(
  ctx: PortalContext,
  params: ReserveFileParams,
): Promise<BuildUploadFile> {
  const url = resourceUrl(ctx, 'buildUploadFiles');
  const response = await ctx.executor.send({
    method: 'POST',
    url,
    idempotent: false,
    body: {
      data: {
        type: 'buildUploadFiles',
        attributes: {
          assetType: 'ASSET',
          fileName: params.fileName,
          fileSize: params.fileSize,
          uti: params.uti,
        },
        relationships: { buildUpload: { data: { type: 'buildUploads', id: params.buildUploadId } } },
      },
    },
  });
  return resourceOf<BuildUploadFile>(response, 'POST', url);
}

/** Marks the file uploaded, with the checksums App Store Connect compares the received bytes with. */
export async function commitBuildUploadFile(
  ctx: PortalContext,
  id: string,
  checksums: Checksums,
): Promise<BuildUploadFile> {
  const url = resourceUrl(ctx, `buildUploadFiles/${encodeURIComponent(id)}`);
  const response = await ctx.executor.send({
    method: 'PATCH',
    url,
    // Committing the same file with the same checksums twice is the same commit.
    idempotent: true,
    body: {
      data: { type: 'buildUploadFiles', id, attributes: { uploaded: true, sourceFileChecksums: checksums } },
    },
  });
  return resourceOf<BuildUploadFile>(response, 'PATCH', url);
}
