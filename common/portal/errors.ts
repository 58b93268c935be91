import { StepError } from '../step/index.ts';
import type { ErrorResponse } from './models.ts';

export type ApiErrorEntry = NonNullable<ErrorResponse['errors']>[number];

/**
 * A non-2xx answer of the portal, rendered the way go-xcode does:
 * `METHOD URL: status` followed by one `- code: title: detail` line per error.
 * Only the method, URL and Apple's error texts are shown: never headers or request bodies.
 */
export class PortalApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly errors: ApiErrorEntry[],
  ) {
    super(renderApiError(method, url, status, errors));
    this.name = 'PortalApiError';
  }

  hasCode(code: string): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

export function renderApiError(method: string, url: string, status: number, errors: ApiErrorEntry[]): string {
  const lines = [`${method} ${url}: ${status}`];
  for (const e of errors) lines.push(`- ${e.code}: ${e.title}: ${e.detail}`);
  return lines.join('\n');
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

export function isAgreementMissing(err: unknown): boolean {
  return err instanceof PortalApiError && err.status === 403 && err.hasCode(AGREEMENT_CODE);
}

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

export const SESSION_EXPIRED_HINT =
  'the Apple ID session of the Apple Developer connection is no longer valid. Re-authenticate the Apple Developer connection in Bitrise (Account settings > Apple Developer connection) and rerun the build';
