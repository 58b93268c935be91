import { describe, expect, it } from 'vitest';
import { lastRedBlock, redBlocks } from '../../../testkit/failure-reason.ts';
import { describeFailure } from '../../step/errors.ts';
import { Logger } from '../../step/logger.ts';
import { Redactor } from '../../step/redactor.ts';
import { AGREEMENT_CODE, type ApiErrorEntry, explainApiError, PortalApiError } from '../errors.ts';

const URL =
  'https://api.appstoreconnect.apple.com/v1/certificates?limit=200&filter%5BcertificateType%5D=DEVELOPMENT';
const entry = (code: string, title = 'Title.', detail = 'Detail.'): ApiErrorEntry => ({
  status: '',
  code,
  title,
  detail,
});

/** What the Bitrise CLI would show for this error, and the plain lines before it. */
function printed(err: unknown): { reason: string | undefined; plain: string[] } {
  const chunks: string[] = [];
  new Logger({ write: (text: string) => chunks.push(text) }, new Redactor()).fatal(err);
  const out = chunks.join('');
  expect(redBlocks(out)).toHaveLength(1);
  return { reason: lastRedBlock(out), plain: out.split('\n').filter((l) => l && !l.includes('\x1b[')) };
}

describe("Apple's error answers as failure reasons", () => {
  it("keeps go-xcode's rendering as the message, and prints it plain before a one-line summary", () => {
    const err = new PortalApiError('GET', URL, 500, [
      entry('UNEXPECTED_ERROR', 'An unexpected error occurred.', 'Oops.'),
    ]);
    expect(err.message).toBe(`GET ${URL}: 500\n- UNEXPECTED_ERROR: An unexpected error occurred.: Oops.`);
    expect(printed(err)).toEqual({
      reason:
        "Apple's service failed on GET /v1/certificates (500 UNEXPECTED_ERROR): Apple's service has a problem: check https://developer.apple.com/system-status/ and rerun the build later",
      plain: [`GET ${URL}: 500`, '- UNEXPECTED_ERROR: An unexpected error occurred.: Oops.'],
    });
  });

  it.each([
    [
      429,
      [entry('RATE_LIMIT_EXCEEDED')],
      /^Apple kept rate-limiting GET \/v1\/certificates \(429 RATE_LIMIT_EXCEEDED\): .*hourly request limit/,
    ],
    [
      403,
      [entry(AGREEMENT_CODE)],
      /\(403 FORBIDDEN\.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED\): .*accept the new agreement/,
    ],
    [
      403,
      [entry('FORBIDDEN_ERROR')],
      /^Apple refused GET \/v1\/certificates \(403 FORBIDDEN_ERROR\): .*Admin or App Manager role/,
    ],
    [
      404,
      [entry('NOT_FOUND')],
      /^Apple found nothing at GET \/v1\/certificates \(404 NOT_FOUND\): .*rerun the build$/,
    ],
    [
      409,
      [entry('ENTITY_ERROR.ATTRIBUTE.INVALID'), entry('ENTITY_ERROR.ATTRIBUTE.INVALID')],
      /^Apple rejected GET \/v1\/certificates \(409 ENTITY_ERROR\.ATTRIBUTE\.INVALID\): fix what Apple's error above names/,
    ],
    [502, [], /^Apple's service failed on GET \/v1\/certificates \(502\): /],
  ] as const)('%i reads as one line with the fix', (status, errors, reason) => {
    expect(describeFailure(new PortalApiError('GET', URL, status, [...errors])).reason).toMatch(reason);
  });

  it('says what a 401 means for each transport', () => {
    const unauthorized = new PortalApiError('GET', URL, 401, [entry('NOT_AUTHORIZED')]);
    expect(printed(explainApiError(unauthorized, 'api_key')).reason).toMatch(
      /^App Store Connect rejected the API key \(401 NOT_AUTHORIZED\): check the key ID and issuer ID/,
    );
    const session = printed(explainApiError(unauthorized, 'apple_id'));
    expect(session.reason).toMatch(
      /^Apple refused the Apple ID session of the connection \(401 NOT_AUTHORIZED\): .*Re-authenticate/,
    );
    expect(session.plain).toEqual([`GET ${URL}: 401`, '- NOT_AUTHORIZED: Title.: Detail.']);
    const forbidden = new PortalApiError('GET', URL, 403, []);
    expect(explainApiError(forbidden, 'api_key')).toBe(forbidden);
  });
});
