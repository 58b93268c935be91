import type { Cookie } from 'tough-cookie';
import { StepError } from '../step/errors.ts';
import { redactor } from '../step/redactor.ts';

/**
 * Renders cookies as the FASTLANE_SESSION YAML that fastlane loads with http-cookie's
 * `HTTP::CookieJar#load`. Ordinary values are written exactly as upstream does (plain scalars);
 * any value YAML would not read back as the same string is double-quoted, so every cookie
 * round-trips through Ruby unchanged.
 *
 * Why hand-written rather than the `yaml` package: the text must be what Ruby's Psych turns back
 * into `HTTP::Cookie` objects, with each item under the local tag `!ruby/object:HTTP::Cookie` and in
 * upstream's layout (plain scalars, a blank line between cookies). A YAML library quotes and tags by
 * its own rules, and a YAML 1.2 library judges scalars such as `yes` or `0123` differently from
 * Psych's YAML 1.1; the few lines here decide each scalar by Psych's rules, and tests load the
 * result with real Ruby (testkit/ruby).
 */
export function fastlaneSession(cookies: readonly Cookie[]): string {
  if (cookies.length === 0) return '';
  let text = '---\n';
  for (const cookie of cookies) {
    checkCookie(cookie);
    text += '- !ruby/object:HTTP::Cookie\n';
    text += `  name: ${yamlString(cookie.key)}\n`;
    text += `  value: ${yamlString(cookie.value)}\n`;
    text += `  domain: ${yamlString(cookie.domain ?? '')}\n`;
    text += `  for_domain: ${cookie.hostOnly === true ? 'false' : 'true'}\n`;
    text += `  path: ${doubleQuoted(cookie.path ?? '')}\n`;
    text += '\n';
  }
  redactor.add(text);
  return text;
}

export class SessionCookieError extends StepError {
  constructor(message: string) {
    super(message, {
      hint: 're-authenticate the Apple Developer connection in Bitrise; if this persists, report it with the cookie name',
    });
    this.name = 'SessionCookieError';
  }
}

// http-cookie's `name=` refuses these; failing here beats fastlane failing mid-login.
const INVALID_NAME = /[\x00-\x20\x7f,;\\"=]/;
// http-cookie's `value=` refuses control characters.
const INVALID_VALUE = /[\x00-\x1f\x7f]/;

function checkCookie(cookie: Cookie): void {
  if (!cookie.key)
    throw new SessionCookieError('a session cookie has an empty name, which fastlane cannot load');
  if (INVALID_NAME.test(cookie.key)) {
    throw new SessionCookieError(
      `session cookie "${cookie.key.replace(/[\x00-\x1f\x7f]/g, '?')}" has a name that fastlane's cookie jar rejects (spaces, control characters, or any of , ; \\ " =)`,
    );
  }
  if (INVALID_VALUE.test(cookie.value)) {
    throw new SessionCookieError(
      `session cookie "${cookie.key}" has a value with control characters, which fastlane's cookie jar rejects`,
    );
  }
}

const PLAIN_SAFE = /^[A-Za-z0-9/][A-Za-z0-9_/+=.-]*$/;
// Scalars YAML 1.1 (Ruby's Psych) would resolve to something other than a string.
const YAML_SPECIAL_WORDS = /^(y|yes|n|no|true|false|on|off|null|nil)$/i;
const NUMBER_LIKE = /^[-+]?(\d[\d_,.:]*([eE][-+]?\d+)?|0[xob][0-9a-f_]+|\.\d.*)$/i;
const DATE_LIKE = /^\d{4}-\d{1,2}-\d{1,2}/;

/** Whether the text reads back from YAML as the same string when written plain. */
export function isPlainSafe(text: string): boolean {
  return (
    PLAIN_SAFE.test(text) &&
    !YAML_SPECIAL_WORDS.test(text) &&
    !NUMBER_LIKE.test(text) &&
    !DATE_LIKE.test(text)
  );
}

function yamlString(text: string): string {
  return isPlainSafe(text) ? text : doubleQuoted(text);
}

/**
 * A YAML double-quoted scalar that is also safe from fastlane's `gsub("\\n", "\n")`, which runs
 * before parsing: backslashes are written as `\x5C`, so the output never contains a backslash
 * followed by `n`. Non-ASCII characters are escaped, so no Unicode line break can fold the value.
 */
export function doubleQuoted(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '\\') out += '\\x5C';
    else if (char === '"') out += '\\"';
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (code <= 0xff) out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += `\\U${code.toString(16).toUpperCase().padStart(8, '0')}`;
  }
  return `${out}"`;
}
