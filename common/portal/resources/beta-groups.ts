import { type PortalContext, resourceUrl } from '../context.ts';
import type { BetaGroup } from '../models.ts';
import { listAll, PAGE_LIMIT } from '../paging.ts';

/** The app's TestFlight groups, internal and external. */
export function listBetaGroups(ctx: PortalContext, appId: string): Promise<BetaGroup[]> {
  return listAll<BetaGroup>(
    ctx.executor,
    ctx.logger,
    resourceUrl(ctx, `apps/${encodeURIComponent(appId)}/betaGroups`),
    { limit: String(PAGE_LIMIT) },
  );
}

/** Makes the build available to the groups; Apple answers 204. */
export async function addBuildToBetaGroups(
  ctx: PortalContext,
  buildId: string,
  groupIds: readonly string[],
): Promise<void> {
  await ctx.executor.send({
    method: 'POST',
    url: resourceUrl(ctx, `builds/${encodeURIComponent(buildId)}/relationships/betaGroups`),
    // Linking a build to a group it is already in leaves it there.
    idempotent: true,
    body: { data: groupIds.map((id) => ({ type: 'betaGroups', id })) },
  });
}
