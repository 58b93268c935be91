import { type PortalContext, resourceUrl } from '../context.ts';
import type { App } from '../models.ts';
import { getOne, listAll, PAGE_LIMIT } from '../paging.ts';

/** Apple's bundleId filter matches like "contains", so the exact match happens here. */
export async function findApp(ctx: PortalContext, bundleId: string): Promise<App | undefined> {
  const apps = await listAll<App>(ctx.executor, ctx.logger, resourceUrl(ctx, 'apps'), {
    'filter[bundleId]': bundleId,
    limit: String(PAGE_LIMIT),
  });
  return apps.find((app) => app.attributes.bundleId === bundleId);
}

/** The app with this Apple ID (App Store Connect › App Information). */
export function getApp(ctx: PortalContext, id: string): Promise<App> {
  return getOne<App>(ctx.executor, resourceUrl(ctx, `apps/${encodeURIComponent(id)}`));
}
