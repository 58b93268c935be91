import { type ApiKeyCredentials, TokenSource } from './jwt.ts';
import type { ApiRequest, Transport, WireRequest } from './transport.ts';

const API_BASE_URL = 'https://api.appstoreconnect.apple.com/v1/';
const ENTERPRISE_API_BASE_URL = 'https://api.enterprise.developer.apple.com/v1/';

/** App Store Connect API with a team API key: a bearer JWT per request. */
export class ApiKeyTransport implements Transport {
  readonly kind = 'api_key';
  readonly renewsAuthOn401 = true;
  readonly baseUrl: string;
  private readonly tokens: TokenSource;

  constructor(credentials: ApiKeyCredentials, now?: () => number) {
    this.tokens = new TokenSource(credentials, now);
    this.baseUrl = credentials.isEnterprise ? ENTERPRISE_API_BASE_URL : API_BASE_URL;
  }

  wire(request: ApiRequest, url: URL, options: { freshAuth: boolean }): WireRequest {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.tokens.token(options.freshAuth)}`,
      accept: 'application/json',
    };
    if (request.body) headers['content-type'] = 'application/json';
    return {
      url: url.toString(),
      method: request.method,
      headers,
      body: request.body ? JSON.stringify(request.body) : undefined,
    };
  }
}
