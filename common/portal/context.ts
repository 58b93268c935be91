import type { Logger } from '../step/index.ts';
import type { Executor } from './executor.ts';

/** What the resource functions share. */
export interface PortalContext {
  executor: Executor;
  logger: Logger;
  /** The transport's resource root, ending in `/v1/`. */
  baseUrl: string;
}

export function resourceUrl(ctx: PortalContext, path: string): string {
  return new URL(path, ctx.baseUrl).toString();
}

/** Apple's `links.related` when the resource carries it, else the documented path. */
export function relatedUrl(ctx: PortalContext, related: string | undefined, fallbackPath: string): string {
  return related ?? resourceUrl(ctx, fallbackPath);
}
