import { StepError } from '../step/index.ts';
import type { ErrorResponse } from './models.ts';

export type ApiErrorEntry = NonNullable<ErrorResponse['errors']>[number];

/**
 * A non-2xx answer of the portal. Its message is rendered the way go-xcode does:
 * `METHOD URL: status` followed by one `- code: title: detail` line per error; as a failure it
 * reads as one line saying what Apple answered and what to do (`reason` and `hint`), with the
 * rendered lines as details before it. Only the method, URL and Apple's error texts are shown:
 * never headers or request bodies.
 */
export class PortalApiError extends StepError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly errors: ApiErrorEntry[],
  ) {
    const rendered = renderApiError(method, url, status, errors);
    super(apiErrorReason(method, url, status, errors), {
      hint: apiErrorHint(status, errors),
      details: rendered.split('\n'),
    });
    // go-xcode's text stays the message: logs and callers read Apple's answer from it.
    this.message = rendered;
    this.name = 'PortalApiError';
  }

  hasCode(code: string): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

function renderApiError(method: string, url: string, status: number, errors: ApiErrorEntry[]): string {
  const lines = [`${method} ${url}: ${status}`];
  for (const e of errors) lines.push(`- ${e.code}: ${e.title}: ${e.detail}`);
  return lines.join('\n');
}

/** `401 NOT_AUTHORIZED`: the status and Apple's error codes, for a one-line summary. */
function statusWithCodes(status: number, errors: readonly ApiErrorEntry[]): string {
  const codes = [...new Set(errors.map((e) => e.code).filter(Boolean))];
  return codes.length > 0 ? `${status} ${codes.join(', ')}` : String(status);
}

/** `GET /v1/certificates`: the request without host and query, short enough for the summary. */
function shortRequest(method: string, url: string): string {
  try {
    return `${method} ${new URL(url).pathname}`;
  } catch {
    return `${method} ${url}`;
  }
}

function apiErrorReason(method: string, url: string, status: number, errors: ApiErrorEntry[]): string {
  const request = shortRequest(method, url);
  const answer = statusWithCodes(status, errors);
  if (status === 429) return `Apple kept rate-limiting ${request} (${answer})`;
  if (status >= 500) return `Apple's service failed on ${request} (${answer})`;
  if (status === 401) return `Apple refused the credentials for ${request} (${answer})`;
  if (status === 403) return `Apple refused ${request} (${answer})`;
  if (status === 404) return `Apple found nothing at ${request} (${answer})`;
  return `Apple rejected ${request} (${answer})`;
}

function apiErrorHint(status: number, errors: ApiErrorEntry[]): string {
  if (status === 429) return RATE_LIMIT_HINT;
  if (status >= 500) return SERVICE_HINT;
  if (status === 401) return API_KEY_REJECTED_HINT;
  if (status === 403) {
    return errors.some((e) => e.code === AGREEMENT_CODE) ? AGREEMENT_HINT : FORBIDDEN_HINT;
  }
  if (status === 404)
    return 'it was deleted or changed meanwhile, or belongs to another team: rerun the build';
  return "fix what Apple's error above names (on the Developer Portal or in the project), then rerun the build";
}

/**
 * A 401 says more once the transport is known: an API key Apple does not accept, or an Apple ID
 * session that is no longer valid. Other answers explain themselves (PortalApiError's hint).
 */
export function explainApiError(err: PortalApiError, transport: 'api_key' | 'apple_id'): StepError {
  if (err.status !== 401) return err;
  const answer = statusWithCodes(err.status, err.errors);
  if (transport === 'apple_id') {
    return new StepError(`Apple refused the Apple ID session of the connection (${answer})`, {
      cause: err,
      hint: SESSION_EXPIRED_HINT,
    });
  }
  return new StepError(`App Store Connect rejected the API key (${answer})`, {
    cause: err,
    hint: API_KEY_REJECTED_HINT,
  });
}

/** Apple answers a stale or foreign paging cursor with this error instead of the next page. */
export function isCursorInvalid(err: unknown): boolean {
  return (
    err instanceof PortalApiError &&
    err.errors.some(
      (e) => e.code === 'PARAMETER_ERROR.INVALID' && /is not a valid cursor for this request/.test(e.detail),
    )
  );
}

export const AGREEMENT_CODE = 'FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED';

/** Registering a device failed with 409: an invalid UDID, a Mac, or a device already on the team. */
export class DeviceRegistrationError extends StepError {
  constructor(
    readonly udid: string,
    cause: PortalApiError,
  ) {
    super(`failed to register device ${udid}`, { cause });
    this.name = 'DeviceRegistrationError';
  }
}

/**
 * A profile relationship answered 404: the profile was deleted or regenerated in the meantime
 * (go-xcode's ProfilesInconsistentError). Callers may start the profile check over.
 */
export class ProfilesChangedError extends StepError {
  constructor(cause: PortalApiError) {
    super('the profiles on the Developer Portal changed while they were read', { cause });
    this.name = 'ProfilesChangedError';
  }
}

const API_KEY_REJECTED_HINT =
  'check the key ID and issuer ID of the connected API key, and that the key is not revoked (App Store Connect › Users and Access › Integrations)';

const AGREEMENT_HINT =
  'a required agreement is missing or has expired: the Account Holder has to accept the new agreement in App Store Connect (Business section)';

const FORBIDDEN_HINT =
  "the connected account's role does not allow it: use an API key or Apple ID with the Admin or App Manager role, or ask the Account Holder to grant it";

const RATE_LIMIT_HINT =
  "the account's hourly request limit is used up, often by parallel builds sharing it: rerun the build later";

const SERVICE_HINT =
  "Apple's service has a problem: check https://developer.apple.com/system-status/ and rerun the build later";

/** Apple's answer is not shaped the way the API documents it. */
export const UNEXPECTED_ANSWER_HINT =
  'Apple answered in an unexpected shape, usually a passing fault on their side: rerun the build, and report it with the log if it keeps happening';

/** Apple could not be reached at all. */
export const NETWORK_HINT =
  "check the build machine's network and proxy settings; if Apple's service is down (https://developer.apple.com/system-status/), rerun the build later";

const SESSION_EXPIRED_HINT =
  'the Apple ID session of the Apple Developer connection is no longer valid. Re-authenticate the Apple Developer connection in Bitrise (Account settings > Apple Developer connection) and rerun the build';
