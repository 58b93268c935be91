import { MASK, redactor as processRedactor, type Redactor } from './redactor.ts';

/**
 * URL inputs are often pre-signed: the credential is part of the URL, in its user info
 * (`https://user:pass@host/…`), its query (S3 `X-Amz-Signature=`, GCS `Signature=`, Azure `sig=`)
 * or its fragment. This module is the one place that knows which parts those are:
 * - `displayUrl` / `hideUrlCredentials` give the form every log line, error and config echo
 *   prints: the URL with those parts replaced by the mask, e.g. `https://host/AuthKey_X.p8?*****`
 *   or `https://*****@host/cert.p12`;
 * - `registerUrlCredentials` hands those parts to the redactor, raw and in the encodings an HTTP
 *   client may re-serialise them in, so a URL printed by anyone else is masked too.
 */

// RFC 3986 appendix B: splits any URI reference into scheme, authority, path, query, fragment.
const URI_PARTS = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

// A URL inside free text: a scheme and `//`, up to whitespace, a double quote, an angle bracket or
// a pipe (the list separator of Step inputs; a real URL percent-encodes it).
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"<>`|\\]+/gi;

// Trailing punctuation of a sentence is not part of a URL printed in it, nor is the closing
// bracket or quote of `(https://…)` or `'https://…'`.
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;

function trimUrlMatch(match: string): string {
  let url = match.replace(TRAILING_PUNCTUATION, '');
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
  ] as const) {
    while (url.endsWith(close) && url.split(close).length > url.split(open).length)
      url = url.slice(0, -1).replace(TRAILING_PUNCTUATION, '');
  }
  if (url.endsWith("'") && url.split("'").length % 2 === 0) url = url.slice(0, -1);
  return url;
}

/**
 * Queries, fragments and their parameter values this short are not registered: values such as
 * `host`, `3600` or `true` would mask ordinary words in every log line, and signatures, tokens and
 * access keys are far longer. (Passwords in the user info are registered at any length.)
 */
const MIN_PARAMETER_SECRET_LENGTH = 8;

interface UrlParts {
  scheme?: string;
  userinfo?: string;
  hostPort?: string;
  path: string;
  query?: string;
  fragment?: string;
}

function splitUrl(value: string): UrlParts {
  const [, scheme, authority, path = '', query, fragment] = URI_PARTS.exec(value) ?? [];
  const at = authority?.lastIndexOf('@') ?? -1;
  return {
    scheme,
    userinfo: authority !== undefined && at >= 0 ? authority.slice(0, at) : undefined,
    hostPort: authority !== undefined ? authority.slice(at + 1) : undefined,
    path,
    query,
    fragment,
  };
}

/** True when `value` is one `scheme://…` URL and nothing else. */
export function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !/[\s|]/.test(value);
}

/**
 * A URL as it may be printed: user info, query and fragment replaced by the mask, the rest as the
 * user wrote it. Without a scheme the value is read as a path, whose query-like tail is hidden too.
 */
export function displayUrl(value: string): string {
  const { scheme, userinfo, hostPort, path, query, fragment } = splitUrl(value);
  let shown = scheme === undefined ? '' : `${scheme}:`;
  if (hostPort !== undefined) shown += `//${userinfo ? `${MASK}@` : ''}${hostPort}`;
  shown += path;
  if (query) shown += `?${MASK}`;
  else if (fragment) shown += `#${MASK}`;
  return shown;
}

/** Free text with every `scheme://` URL in it shown as `displayUrl` shows it. */
export function hideUrlCredentials(text: string): string {
  if (isUrl(text)) return displayUrl(text);
  return text.replace(URL_IN_TEXT, (match) => {
    const url = trimUrlMatch(match);
    return displayUrl(url) + match.slice(url.length);
  });
}

/** Every `scheme://` URL in free text; the whole text when it is one URL, whatever it holds. */
function urlsIn(text: string): string[] {
  if (isUrl(text)) return [text];
  return [...text.matchAll(URL_IN_TEXT)].map((match) => trimUrlMatch(match[0]));
}

/**
 * The strings that must never be printed for `url`: its user info, user name (when long enough)
 * and password, its whole query and fragment and each of their parameter values of meaningful
 * length; each raw, percent-decoded and re-encoded the ways `encodeURIComponent`, form encoding
 * and the WHATWG URL parser (which got uses) write it. The rest of the URL stays printable, so a
 * leaked URL still shows where it pointed: `https://*****@host/path?*****`.
 */
export function urlCredentialFragments(url: string): string[] {
  const { userinfo, query, fragment } = splitUrl(url);
  if (!userinfo && !query && !fragment) return [];
  const fragments = new Set<string>();
  const add = (value: string | undefined, minLength = 1) => {
    if (!value) return;
    for (const variant of encodings(value))
      if (variant.length >= minLength && variant.trim()) fragments.add(variant);
  };

  if (userinfo) {
    add(userinfo);
    const colon = userinfo.indexOf(':');
    // A user name alone can be a token (`https://<token>@host`, `<token>:x-oauth-basic@host`).
    add(colon >= 0 ? userinfo.slice(0, colon) : userinfo, MIN_PARAMETER_SECRET_LENGTH);
    if (colon >= 0) add(userinfo.slice(colon + 1));
  }
  for (const part of [query, fragment]) {
    add(part, MIN_PARAMETER_SECRET_LENGTH);
    for (const value of parameterValues(part ?? '')) add(value, MIN_PARAMETER_SECRET_LENGTH);
  }

  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed) {
    add(parsed.username, MIN_PARAMETER_SECRET_LENGTH);
    add(parsed.password);
    add(parsed.search.slice(1), MIN_PARAMETER_SECRET_LENGTH);
    add(parsed.hash.slice(1), MIN_PARAMETER_SECRET_LENGTH);
    for (const value of parsed.searchParams.values()) add(value, MIN_PARAMETER_SECRET_LENGTH);
  }
  return [...fragments];
}

/** `a=1&b=2;c` → the raw values `1`, `2` and `c` (a parameter without `=` is its own value). */
function parameterValues(query: string): string[] {
  return query
    .split(/[&;]/)
    .map((pair) => (pair.includes('=') ? pair.slice(pair.indexOf('=') + 1) : pair))
    .filter(Boolean);
}

function encodings(raw: string): Set<string> {
  const decoded = safeDecode(raw);
  const formDecoded = safeDecode(raw.replace(/\+/g, ' '));
  const variants = new Set([raw, decoded, formDecoded]);
  for (const plain of [decoded, formDecoded]) {
    variants.add(encodeURIComponent(plain));
    variants.add(new URLSearchParams({ v: plain }).toString().slice(2));
    variants.add(encodeURI(plain));
  }
  return variants;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Registers the credentials of every URL in `text` with the redactor (the process-wide one unless
 * given). Call it when a URL arrives, before anything can print it.
 */
export function registerUrlCredentials(text: string | undefined, target: Redactor = processRedactor): void {
  if (!text) return;
  for (const url of urlsIn(text)) for (const fragment of urlCredentialFragments(url)) target.add(fragment);
}
