import { type Logger, StepError } from '../step/index.ts';
import { isCursorInvalid, UNEXPECTED_ANSWER_HINT } from './errors.ts';
import type { Executor } from './executor.ts';
import type { CollectionPage } from './models.ts';

/** Apple's maximum page size for the provisioning resources. */
export const PAGE_LIMIT = 200;
const MAX_PAGES = 500;

export interface ListOptions {
  /** Retry with `sort=id` and `sort=-id` when Apple rejects its own cursor (go-xcode's workaround). */
  sortFallback?: boolean;
  /** Receives every page's JSON:API `included` resources (asked for with `include=`). */
  included?: unknown[];
}

/**
 * Fetches every page of a collection: the first request is built from `url` and `query`, each
 * further page is Apple's `links.next` as given.
 */
export async function listAll<T extends { id: string }>(
  executor: Executor,
  logger: Logger,
  url: string,
  query: Record<string, string>,
  options: ListOptions = {},
): Promise<T[]> {
  const first = await getPage<T>(executor, url, query);
  options.included?.push(...(first.included ?? []));
  const items = [...first.data];
  const total = first.meta?.paging.total;
  const seen = new Set<string>();
  let next = first.links.next;
  while (next) {
    if (total !== undefined && items.length >= total) {
      logger.warn(`All ${total} items of ${url} fetched, but the next page link is not empty: ignoring it`);
      break;
    }
    if (seen.has(next) || seen.size >= MAX_PAGES)
      throw new StepError(`${url}: the paging links loop (${next})`, { hint: UNEXPECTED_ANSWER_HINT });
    seen.add(next);
    let page: CollectionPage<T>;
    try {
      page = await getPage<T>(executor, next, {});
    } catch (err) {
      if (!options.sortFallback || !isCursorInvalid(err)) throw err;
      logger.warn(
        `Apple rejected its own paging cursor for ${url}: fetching the list sorted both ways instead`,
      );
      return sortedBothWays<T>(executor, logger, url, query);
    }
    items.push(...page.data);
    options.included?.push(...(page.included ?? []));
    next = page.links.next;
  }
  return items;
}

/** One page with `limit=200` in each direction: at most 400 items, merged by ID. */
async function sortedBothWays<T extends { id: string }>(
  executor: Executor,
  logger: Logger,
  url: string,
  query: Record<string, string>,
): Promise<T[]> {
  const pages = await Promise.all(
    ['id', '-id'].map((sort) => getPage<T>(executor, url, { ...query, limit: String(PAGE_LIMIT), sort })),
  );
  const merged = new Map<string, T>();
  for (const page of pages) for (const item of page.data) merged.set(item.id, item);
  const total = Math.max(...pages.map((p) => p.meta?.paging.total ?? 0));
  if (total > merged.size) {
    logger.warn(
      `Only ${merged.size} of ${total} items of ${url} could be fetched: the list may be incomplete`,
    );
  }
  return [...merged.values()];
}

async function getPage<T>(
  executor: Executor,
  url: string,
  query: Record<string, string>,
): Promise<CollectionPage<T>> {
  const response = await executor.send({ method: 'GET', url, query, idempotent: true });
  const body = response.body as CollectionPage<T> | undefined;
  if (!body || !Array.isArray(body.data))
    throw new StepError(`GET ${url}: the response is not a JSON:API collection`, {
      hint: UNEXPECTED_ANSWER_HINT,
    });
  return { data: body.data, links: body.links ?? { self: url }, meta: body.meta, included: body.included };
}

export async function getOne<T>(
  executor: Executor,
  url: string,
  query: Record<string, string> = {},
): Promise<T> {
  const response = await executor.send({ method: 'GET', url, query, idempotent: true });
  const data = (response.body as { data?: T } | undefined)?.data;
  if (!data)
    throw new StepError(`GET ${url}: the response carries no resource`, { hint: UNEXPECTED_ANSWER_HINT });
  return data;
}
