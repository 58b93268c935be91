import { type PortalContext, resourceUrl } from '../context.ts';
import { resourceOf } from '../document.ts';
import type { BetaBuildLocalization } from '../models.ts';
import { listAll, PAGE_LIMIT } from '../paging.ts';

/** The build's "What to Test" texts, one per locale. */
export function listBetaBuildLocalizations(
  ctx: PortalContext,
  buildId: string,
): Promise<BetaBuildLocalization[]> {
  return listAll<BetaBuildLocalization>(
    ctx.executor,
    ctx.logger,
    resourceUrl(ctx, `builds/${encodeURIComponent(buildId)}/betaBuildLocalizations`),
    { limit: String(PAGE_LIMIT) },
  );
}

export async function createBetaBuildLocalization(
  ctx: PortalContext,
  params: { buildId: string; locale: string; whatsNew: string },
): Promise<BetaBuildLocalization> {
  const url = resourceUrl(ctx, 'betaBuildLocalizations');
  const response = await ctx.executor.send({
    method: 'POST',
    url,
    idempotent: false,
    body: {
      data: {
        type: 'betaBuildLocalizations',
        attributes: { locale: params.locale, whatsNew: params.whatsNew },
        relationships: { build: { data: { type: 'builds', id: params.buildId } } },
      },
    },
  });
  return resourceOf<BetaBuildLocalization>(response, 'POST', url);
}

export async function updateBetaBuildLocalization(
  ctx: PortalContext,
  id: string,
  whatsNew: string,
): Promise<BetaBuildLocalization> {
  const url = resourceUrl(ctx, `betaBuildLocalizations/${encodeURIComponent(id)}`);
  const response = await ctx.executor.send({
    method: 'PATCH',
    url,
    idempotent: true,
    body: { data: { type: 'betaBuildLocalizations', id, attributes: { whatsNew } } },
  });
  return resourceOf<BetaBuildLocalization>(response, 'PATCH', url);
}
