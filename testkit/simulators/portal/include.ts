/**
 * JSON:API `include=` the way App Store Connect answers it (GET /v1/bundleIds with
 * `include=bundleIdCapabilities,profiles`): each resource's relationship carries `data` (the first
 * `limit[<relationship>]` related IDs) and `meta.paging` (how many there are), and the related
 * resources themselves come once each in the document's top-level `included`. A client that needs
 * more than the limit reads the rest through the relationship's `related` link.
 *
 * The request is validated as Apple validates it: only relationships the resource has may be
 * included, `limit[x]` needs `include=x` and lies in 1…50, `fields[…]` name real fields
 * (checked against the OpenAPI query schema of the endpoint, from appstore-connect-sdk).
 */
import type { RouteResult } from './routes.ts';

/** Apple's largest `limit[<relationship>]`. */
export const MAX_INCLUDED_LIMIT = 50;
/** What Apple includes per relationship when no `limit[<relationship>]` is given. */
export const DEFAULT_INCLUDED_LIMIT = 10;

export interface IncludeRequest {
  /** Relationship names asked for, e.g. `profiles`. */
  relationships: string[];
  limits: Record<string, number>;
}

type Parsed = { ok: true; request: IncludeRequest } | { ok: false; error: RouteResult };

const parameterError = (detail: string): Parsed => ({
  ok: false,
  error: {
    status: 400,
    schema: 'zErrorResponse',
    body: {
      errors: [
        {
          id: crypto.randomUUID(),
          status: '400',
          code: 'PARAMETER_ERROR.INVALID',
          title: 'A parameter has an invalid value',
          detail,
        },
      ],
    },
  },
});

interface QueryValidator {
  safeParse(value: unknown): {
    success: boolean;
    error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
  };
}

let querySchemas: Promise<Record<string, QueryValidator | undefined>> | undefined;
const loadQuerySchemas = () => {
  querySchemas ??= import('appstore-connect-sdk/openapi').then(
    (module) => module as unknown as Record<string, QueryValidator | undefined>,
  );
  return querySchemas;
};
// Loaded as the module loads, so that validation can stay synchronous in the routes.
let loaded: Record<string, QueryValidator | undefined> | undefined;
void loadQuerySchemas().then((schemas) => {
  loaded = schemas;
});

/** Reads and checks `include`, `limit[…]` and `fields[…]` against the relationships `allowed`. */
export function parseInclude(
  params: URLSearchParams,
  allowed: readonly string[],
  querySchema?: string,
): Parsed {
  const relationships = (params.get('include') ?? '').split(',').filter(Boolean);
  for (const name of relationships)
    if (!allowed.includes(name))
      return parameterError(
        `'${name}' is not a valid relationship name. Allowed values: ${allowed.join(', ')}.`,
      );
  const limits: Record<string, number> = {};
  for (const [key, raw] of params) {
    const limit = /^limit\[(.+)\]$/.exec(key);
    if (!limit) continue;
    const name = limit[1]!;
    if (!relationships.includes(name))
      return parameterError(`The parameter '${key}' can only be used together with include=${name}.`);
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > MAX_INCLUDED_LIMIT)
      return parameterError(
        `'${raw}' is not a valid value for '${key}'. The maximum is ${MAX_INCLUDED_LIMIT}.`,
      );
    limits[name] = value;
  }
  if (querySchema) {
    // startPortalSimulator awaits the same module before it listens, so this is set by now.
    const validator = loaded?.[querySchema];
    if (!validator) throw new Error(`appstore-connect-sdk has no query schema ${querySchema} loaded`);
    // The generated schema types list parameters as arrays and limits as numbers.
    const query: Record<string, unknown> = {};
    for (const [key, raw] of params) {
      if (key === 'cursor') continue;
      query[key] = key === 'limit' || key.startsWith('limit[') ? Number(raw) : raw.split(',');
    }
    const result = validator.safeParse({ query });
    if (!result.success)
      return parameterError(
        (result.error?.issues ?? [])
          .map((issue) => `${issue.path.slice(1).map(String).join('.')}: ${issue.message}`)
          .join('; '),
      );
  }
  return { ok: true, request: { relationships, limits } };
}

/** How one relationship of a resource is resolved and rendered. */
export interface RelatedResources {
  /** The related items of the resource with this ID, in Apple's order. */
  of(id: string): Array<{ id: string }>;
  type: string;
  render(item: { id: string }): unknown;
}

/**
 * Adds the asked-for relationships to a collection document made by the routes: linkage and
 * paging per resource, and each related resource once in `included`.
 */
export function addIncluded(
  result: RouteResult,
  request: IncludeRequest,
  related: Record<string, RelatedResources>,
): RouteResult {
  if (result.status !== 200 || request.relationships.length === 0) return result;
  const body = result.body as {
    data: Array<{ id: string; relationships?: Record<string, Record<string, unknown>> }>;
    included?: unknown[];
  };
  const included = new Map<string, unknown>();
  for (const resource of body.data) {
    for (const name of request.relationships) {
      const relation = related[name]!;
      const items = relation.of(resource.id);
      const limit = request.limits[name] ?? DEFAULT_INCLUDED_LIMIT;
      const shown = items.slice(0, limit);
      resource.relationships ??= {};
      resource.relationships[name] = {
        ...resource.relationships[name],
        meta: { paging: { total: items.length, limit } },
        data: shown.map((item) => ({ type: relation.type, id: item.id })),
      };
      for (const item of shown) included.set(`${relation.type}/${item.id}`, relation.render(item));
    }
  }
  body.included = [...included.values()];
  return result;
}
