import { type PortalContext, resourceUrl } from '../context.ts';
import { resourceOf } from '../document.ts';
import type { BuildUpload } from '../models.ts';
import { getOne, listAll, PAGE_LIMIT } from '../paging.ts';
import type { BuildNumber } from './builds.ts';

/** Starts a build upload: its state is AWAITING_UPLOAD until its file is committed. */
export async function createBuildUpload(ctx: PortalContext, number: BuildNumber): Promise<BuildUpload> {
  const url = resourceUrl(ctx, 'buildUploads');
  const response = await ctx.executor.send({
    method: 'POST',
    url,
    idempotent: false,
    body: {
      data: {
        type: 'buildUploads',
        attributes: {
          cfBundleShortVersionString: number.version,
          cfBundleVersion: number.build,
          platform: number.platform,
        },
        relationships: { app: { data: { type: 'apps', id: number.appId } } },
      },
    },
  });
  return resourceOf<BuildUpload>(response, 'POST', url);
}

export interface BuildUploadStatus {
  upload: BuildUpload;
  /** The build's ID, once App Store Connect made one of the upload. */
  buildId?: string;
}

/** The upload with its build relationship (`include=build`), which appears once the build exists. */
export async function getBuildUpload(ctx: PortalContext, id: string): Promise<BuildUploadStatus> {
  const upload = await getOne<BuildUpload>(
    ctx.executor,
    resourceUrl(ctx, `buildUploads/${encodeURIComponent(id)}`),
    { include: 'build' },
  );
  return { upload, buildId: upload.relationships?.build?.data?.id };
}

/** The app's uploads of this build number, including those still in flight. */
export function listBuildUploads(ctx: PortalContext, number: BuildNumber): Promise<BuildUpload[]> {
  return listAll<BuildUpload>(
    ctx.executor,
    ctx.logger,
    resourceUrl(ctx, `apps/${encodeURIComponent(number.appId)}/buildUploads`),
    {
      'filter[cfBundleShortVersionString]': number.version,
      'filter[cfBundleVersion]': number.build,
      'filter[platform]': number.platform,
      limit: String(PAGE_LIMIT),
    },
  );
}
