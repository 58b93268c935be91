import { type PortalContext, resourceUrl } from '../context.ts';
import { resourceOf } from '../document.ts';
import type { Build, Platform } from '../models.ts';
import { getOne, listAll, PAGE_LIMIT } from '../paging.ts';

/** One build number of one version of an app: what App Store Connect keeps unique. */
export interface BuildNumber {
  appId: string;
  /** CFBundleShortVersionString: the pre-release version. */
  version: string;
  /** CFBundleVersion: what Apple calls the build's `version`. */
  build: string;
  platform: Platform;
}

/** The app's builds with this number for this version; any hit means the number is taken. */
export function findBuilds(ctx: PortalContext, number: BuildNumber): Promise<Build[]> {
  return listAll<Build>(ctx.executor, ctx.logger, resourceUrl(ctx, 'builds'), {
    'filter[app]': number.appId,
    'filter[version]': number.build,
    'filter[preReleaseVersion.version]': number.version,
    'filter[preReleaseVersion.platform]': number.platform,
    limit: String(PAGE_LIMIT),
  });
}

export function getBuild(ctx: PortalContext, id: string): Promise<Build> {
  return getOne<Build>(ctx.executor, resourceUrl(ctx, `builds/${encodeURIComponent(id)}`));
}

export interface BuildChanges {
  /** The export compliance answer; Apple keeps it null until someone answers. */
  usesNonExemptEncryption?: boolean;
}

export async function updateBuild(ctx: PortalContext, id: string, changes: BuildChanges): Promise<Build> {
  const url = resourceUrl(ctx, `builds/${encodeURIComponent(id)}`);
  const response = await ctx.executor.send({
    method: 'PATCH',
    url,
    // Setting the same attributes twice leaves the same build.
    idempotent: true,
    body: { data: { type: 'builds', id, attributes: { ...changes } } },
  });
  return resourceOf<Build>(response, 'PATCH', url);
}
