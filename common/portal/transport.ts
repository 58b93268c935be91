import type { IncomingHttpHeaders } from 'node:http';
import type { OptionsInit } from 'got';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A request in App Store Connect API terms; each transport puts it on the wire its own way. */
export interface ApiRequest {
  method: HttpMethod;
  /** Absolute https URL. A `links.next` or `links.related` from Apple is passed unchanged. */
  url: string;
  /** Added to the URL's own query parameters. */
  query?: Record<string, string>;
  /** A JSON:API document: one resource, or a to-many linkage (`relationships/<name>` requests). */
  body?: { data: ResourceBody | ResourceIdentifier[] };
  /** Repeating after an ambiguous failure (timeout, reset, 5xx) is harmless. */
  idempotent: boolean;
}

export type ResourceBody = { attributes?: Record<string, unknown> } & Record<string, unknown>;

export interface ResourceIdentifier {
  type: string;
  id: string;
}

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** What a transport turns a request into: got options for exactly one attempt. */
export type WireRequest = OptionsInit & { url: string };

export interface Transport {
  readonly kind: 'api_key' | 'apple_id';
  /** Where the resources live, ending in `/v1/`. */
  readonly baseUrl: string;
  /** `freshAuth`: the previous attempt was rejected with 401. */
  wire(request: ApiRequest, logicalUrl: URL, options: { freshAuth: boolean }): WireRequest;
  observe?(response: ApiResponse): void;
  /** Whether a 401 is worth one more attempt with fresh credentials. */
  readonly renewsAuthOn401: boolean;
}

/** The request's URL with its extra query parameters: what error messages and logs show. */
export function logicalUrl(request: ApiRequest): URL {
  const url = new URL(request.url);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
  return url;
}
