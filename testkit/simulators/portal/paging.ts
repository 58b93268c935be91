import { createHash } from 'node:crypto';

export const APPLE_DEFAULT_LIMIT = 20;
export const APPLE_MAX_LIMIT = 200;

export interface PageRequest {
  /** Absolute URL (Apple host) of the collection, without query. */
  collectionUrl: string;
  /** The request's query: URL and, for Apple ID reads, the body's urlEncodedQueryParams. */
  params: URLSearchParams;
  /** Server-side cap below the requested limit; Apple's is 200, tests lower it to force paging. */
  pageSizeCap: number;
}

export type PageResult<T> =
  | { ok: true; items: T[]; next?: string; self: string; total: number; limit: number }
  | { ok: false; status: number; code: string; title: string; detail: string };

const invalidCursor = (cursor: string) =>
  ({
    ok: false,
    status: 400,
    code: 'PARAMETER_ERROR.INVALID',
    title: 'A parameter has an invalid value',
    detail: `'${cursor}' is not a valid cursor for this request.`,
  }) as const;

/** Binds a cursor to the collection and its filters, as Apple's cursors are. */
function fingerprint(request: PageRequest): string {
  const params = [...request.params.entries()].filter(([k]) => k !== 'cursor' && k !== 'limit').sort();
  return createHash('sha256')
    .update(request.collectionUrl + JSON.stringify(params))
    .digest('base64url')
    .slice(0, 8);
}

export function paginate<T extends { id: string }>(
  items: T[],
  request: PageRequest,
  options: { forceInvalidCursor?: boolean } = {},
): PageResult<T> {
  const rawLimit = request.params.get('limit');
  const limit = rawLimit === null ? APPLE_DEFAULT_LIMIT : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > APPLE_MAX_LIMIT) {
    return {
      ok: false,
      status: 400,
      code: 'PARAMETER_ERROR.INVALID',
      title: 'A parameter has an invalid value',
      detail: `'${rawLimit}' is not a valid value for 'limit'. The maximum is ${APPLE_MAX_LIMIT}.`,
    };
  }
  const pageSize = Math.min(limit, request.pageSizeCap);
  const sort = request.params.get('sort');
  const sorted =
    sort === 'id' || sort === '-id' ? [...items].sort((a, b) => a.id.localeCompare(b.id)) : items;
  if (sort === '-id') sorted.reverse();
  const print = fingerprint(request);
  let offset = 0;
  const cursor = request.params.get('cursor');
  if (cursor !== null) {
    if (options.forceInvalidCursor) return invalidCursor(cursor);
    try {
      const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
        o: number;
        f: string;
      };
      if (decoded.f !== print || !Number.isInteger(decoded.o) || decoded.o < 0) return invalidCursor(cursor);
      offset = decoded.o;
    } catch {
      return invalidCursor(cursor);
    }
  }
  const self = `${request.collectionUrl}${request.params.size ? `?${request.params}` : ''}`;
  let next: string | undefined;
  if (offset + pageSize < sorted.length) {
    const params = new URLSearchParams(request.params);
    params.set(
      'cursor',
      Buffer.from(JSON.stringify({ o: offset + pageSize, f: print })).toString('base64url'),
    );
    params.set('limit', String(limit));
    next = `${request.collectionUrl}?${params}`;
  }
  return {
    ok: true,
    items: sorted.slice(offset, offset + pageSize),
    next,
    self,
    total: sorted.length,
    limit: pageSize,
  };
}
