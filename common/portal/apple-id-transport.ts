import type { CookieJar } from 'tough-cookie';
import { redactor } from '../step/index.ts';
import type { ApiRequest, ApiResponse, Transport, WireRequest } from './transport.ts';

const SERVICES_ACCOUNT_BASE_URL = 'https://developer.apple.com/services-account/v1/';
export const LIST_TEAMS_URL = 'https://developer.apple.com/services-account/QH65B2/account/listTeams.action';

/**
 * The Developer Portal's web API with an Apple ID session, spoken the way fastlane's spaceship
 * does (connect_api/provisioning/client.rb): reads and deletes are POSTs carrying
 * `X-HTTP-Method-Override` and the query in the body, creates carry the team in
 * `data.attributes.teamId`, and the CSRF tokens Apple hands out are sent back.
 */
export class AppleIdTransport implements Transport {
  readonly kind = 'apple_id';
  readonly renewsAuthOn401 = false;
  readonly baseUrl = SERVICES_ACCOUNT_BASE_URL;
  private csrf: Record<string, string> = {};
  teamId = '';

  constructor(readonly cookieJar: CookieJar) {}

  wire(request: ApiRequest, url: URL): WireRequest {
    const headers: Record<string, string> = {
      'content-type': 'application/vnd.api+json',
      'x-requested-with': 'XMLHttpRequest',
      accept: 'application/json',
      ...this.csrf,
    };
    let body: unknown;
    if (request.method === 'GET' || request.method === 'DELETE') {
      headers['x-http-method-override'] = request.method;
      body = { urlEncodedQueryParams: url.searchParams.toString(), teamId: this.teamId };
    } else if (Array.isArray(request.body?.data)) {
      // A linkage carries type/id pairs only; the session's team comes with the session.
      body = request.body;
    } else {
      const data = request.body?.data ?? {};
      body = { ...request.body, data: { ...data, attributes: { ...data.attributes, teamId: this.teamId } } };
    }
    // The URL goes out as given (a `links.next` keeps its cursor), the added query only in the body.
    return {
      url: request.url,
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      cookieJar: this.cookieJar,
    };
  }

  /** Raw form of a request outside the JSON:API resources (listTeams.action). */
  wireAction(url: string): WireRequest {
    return {
      url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-requested-with': 'XMLHttpRequest',
        ...this.csrf,
      },
      body: '{}',
      cookieJar: this.cookieJar,
    };
  }

  observe(response: ApiResponse): void {
    const csrf = response.headers['csrf'];
    const csrfTs = response.headers['csrf_ts'];
    if (typeof csrf === 'string' && csrf) {
      redactor.add(csrf);
      this.csrf = { csrf, ...(typeof csrfTs === 'string' && csrfTs ? { csrf_ts: csrfTs } : {}) };
    }
  }
}
