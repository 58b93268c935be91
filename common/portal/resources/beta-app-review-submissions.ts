import { type PortalContext, resourceUrl } from '../context.ts';
import { resourceOf } from '../document.ts';
import type { BetaAppReviewSubmission } from '../models.ts';

/** Submits a processed build with its export compliance answered for TestFlight's external review. */
export async function submitForBetaReview(
  ctx: PortalContext,
  buildId: string,
): Promise<BetaAppReviewSubmission> {
  const url = resourceUrl(ctx, 'betaAppReviewSubmissions');
  const response = await ctx.executor.send({
    method: 'POST',
    url,
    // A second submission of the same build is refused, so a lost answer is not repeated blindly.
    idempotent: false,
    body: {
      data: {
        type: 'betaAppReviewSubmissions',
        relationships: { build: { data: { type: 'builds', id: buildId } } },
      },
    },
  });
  return resourceOf<BetaAppReviewSubmission>(response, 'POST', url);
}
