import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../http.ts';
import { readLocation } from '../read-location.ts';
import { Redactor, redactor } from '../redactor.ts';
import { formatConfig, InputError, input, parseInputs } from '../schema.ts';
import {
  displayUrl,
  hideUrlCredentials,
  isUrl,
  registerUrlCredentials,
  urlCredentialFragments,
} from '../url-credentials.ts';
import { captureLogger, recordingClock } from './helpers.ts';

const S3_SIGNATURE = '4f2a9c1be07d3e5a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c';
const S3_URL =
  'https://bucket.s3.amazonaws.com/keys/AuthKey_ABC123.p8?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Credential=AKIAEXAMPLE7Q%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=3600' +
  `&X-Amz-SignedHeaders=host&X-Amz-Signature=${S3_SIGNATURE}`;
// A GCS V2 signature is base64, percent-encoded in the URL.
const GCS_SIGNATURE_ENCODED = 'dGhpcyBpcyBhIHNpZ25hdHVyZQ%2B%2Fab%3D%3D';
const GCS_SIGNATURE_DECODED = 'dGhpcyBpcyBhIHNpZ25hdHVyZQ+/ab==';
const GCS_URL = `https://storage.googleapis.com/b/cert.p12?GoogleAccessId=signer%40proj.iam.gserviceaccount.com&Expires=1700000000&Signature=${GCS_SIGNATURE_ENCODED}`;

function fresh(...texts: string[]): Redactor {
  const target = new Redactor();
  for (const text of texts) registerUrlCredentials(text, target);
  return target;
}

describe('displayUrl', () => {
  it.each([
    [S3_URL, 'https://bucket.s3.amazonaws.com/keys/AuthKey_ABC123.p8?*****'],
    ['https://ci-user:hunter2@host.example:8443/a/b.p12', 'https://*****@host.example:8443/a/b.p12'],
    ['https://tok@host/x?sig=1#frag', 'https://*****@host/x?*****'],
    ['https://host/x#access_token=abc', 'https://host/x#*****'],
    ['https://host/plain/AuthKey_X.p8', 'https://host/plain/AuthKey_X.p8'],
    ['https://host/x?', 'https://host/x'],
    ['file:///tmp/AuthKey_X.p8', 'file:///tmp/AuthKey_X.p8'],
    ['file://./development/cert.p12', 'file://./development/cert.p12'],
    ['/tmp/plain.p12', '/tmp/plain.p12'],
    ['app.bitrise.io/build/1?token=abc', 'app.bitrise.io/build/1?*****'],
    // Malformed URLs are still split, so an invalid input cannot print its credentials.
    ['https://u:p w@host:port/x?sig=abc def', 'https://*****@host:port/x?*****'],
  ])('%s → %s', (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
  });
});

describe('hideUrlCredentials', () => {
  it('hides the credentials of every URL in a text and keeps the text around them', () => {
    expect(
      hideUrlCredentials(
        `Loading certificate 1 (https://h/a.p12?sig=abc), then https://u:pw@h/b.p12. Done|https://h/c?x=1`,
      ),
    ).toBe(
      'Loading certificate 1 (https://h/a.p12?*****), then https://*****@h/b.p12. Done|https://h/c?*****',
    );
  });

  it('leaves text without URL credentials alone and is idempotent', () => {
    const text = 'GET https://api.example.com/v1/profiles failed (HTTP 500) at /tmp/a?b';
    expect(hideUrlCredentials(text)).toBe(text);
    const hidden = hideUrlCredentials(`see (${S3_URL}).`);
    expect(hidden).toBe('see (https://bucket.s3.amazonaws.com/keys/AuthKey_ABC123.p8?*****).');
    expect(hideUrlCredentials(hidden)).toBe(hidden);
  });

  it('reads a whole value as one URL, quotes included, and stops at a quote around a URL in text', () => {
    expect(hideUrlCredentials(`https://h/x?token=abc'def"ghi`)).toBe('https://h/x?*****');
    expect(hideUrlCredentials(`open 'https://h/x?sig=abc' and "https://h/y?sig=def"`)).toBe(
      `open 'https://h/x?*****' and "https://h/y?*****"`,
    );
  });

  it('knows a single URL from text', () => {
    expect(isUrl(S3_URL)).toBe(true);
    expect(isUrl('/tmp/a.p12')).toBe(false);
    expect(isUrl('https://a|https://b')).toBe(false);
    expect(isUrl('see https://a')).toBe(false);
  });
});

describe('registerUrlCredentials', () => {
  it('masks a pre-signed S3 URL down to where it points, and its signature alone', () => {
    const target = fresh(S3_URL);
    expect(target.redact(S3_URL)).toBe('https://bucket.s3.amazonaws.com/keys/AuthKey_ABC123.p8?*****');
    expect(target.redact(`signature ${S3_SIGNATURE} mismatch`)).toBe('signature ***** mismatch');
    // The credential's access key, raw, percent-decoded and as got would re-encode it.
    expect(target.redact('AKIAEXAMPLE7Q/20240101/us-east-1/s3/aws4_request')).toBe('*****');
    expect(target.redact('AKIAEXAMPLE7Q%2F20240101%2Fus-east-1%2Fs3%2Faws4_request')).toBe('*****');
  });

  it('does not register short parameter values, which would mask ordinary words', () => {
    const target = fresh(S3_URL);
    expect(target.redact('host 3600 us-east-1')).toBe('host 3600 us-east-1');
  });

  it('masks a percent-encoded signature in every encoding a client may print', () => {
    const target = fresh(GCS_URL);
    for (const form of [
      GCS_SIGNATURE_ENCODED,
      GCS_SIGNATURE_DECODED,
      encodeURIComponent(GCS_SIGNATURE_DECODED),
      new URLSearchParams({ s: GCS_SIGNATURE_DECODED }).toString().slice(2),
      'signer@proj.iam.gserviceaccount.com',
    ])
      expect(target.redact(`[${form}]`)).toBe('[*****]');
  });

  it('masks the forms the WHATWG URL parser (got) re-serialises a URL in', () => {
    const raw = 'https://h/x.p12?token=abc\'def"ghi{jkl}';
    const target = fresh(raw);
    const href = new URL(raw).href;
    expect(href).not.toContain("abc'def");
    expect(target.redact(href)).toBe('https://h/x.p12?*****');
    expect(target.redact(new URL(raw).searchParams.get('token')!)).toBe('*****');
  });

  it('masks user info: the password at any length, a token-like user name, not a short one', () => {
    const target = fresh('https://ci:pw%2312@host/a https://ghp_0123456789abcdef@github.com/b');
    expect(target.redact('pw%2312 pw#12')).toBe('***** *****');
    expect(target.redact('ghp_0123456789abcdef')).toBe('*****');
    expect(target.redact('the ci user')).toBe('the ci user');
    expect(target.redact('https://ci:pw%2312@host/a')).toBe('https://*****@host/a');
  });

  it('registers nothing for URLs without credentials, and every URL of a list', () => {
    expect(urlCredentialFragments('https://host/a.p12')).toEqual([]);
    expect(fresh('https://host/a.p12|file:///b.p12').size).toBe(0);
    const target = fresh('https://h/a?sig=first-signature-1|https://h/b?sig=second-signature-2');
    expect(target.redact('second-signature-2 first-signature-1')).toBe('***** *****');
  });

  it('uses the process-wide redactor by default', () => {
    registerUrlCredentials('https://h/k.p8?X-Goog-Signature=process-wide-signature-77');
    expect(redactor.redact('process-wide-signature-77')).toBe('*****');
  });
});

describe('URL inputs in the schema', () => {
  it('echoes a sensitive location without its credentials, or masked when it has none', () => {
    const spec = { key: input.location({ sensitive: true }), other: input.location({ sensitive: true }) };
    const parsed = parseInputs(spec, { key: S3_URL, other: 'https://host/plain/AuthKey_X.p8' });
    expect(parsed.values.key).toBe(S3_URL);
    expect(formatConfig(parsed.display)).toBe(
      '- key: https://bucket.s3.amazonaws.com/keys/AuthKey_ABC123.p8?*****\n- other: *****',
    );
    expect(redactor.redact(S3_SIGNATURE)).toBe('*****');
  });

  it('echoes URL, list and string inputs without credentials, whatever their kind', () => {
    const spec = {
      build: input.url(['https', 'file']),
      certs: input.list({ sensitive: true, separator: 'pipe' }),
      lane: input.string(),
      plain: input.location(),
    };
    const parsed = parseInputs(spec, {
      build: 'https://builder:build-pass-1@app.bitrise.io/build/1',
      certs: `https://h/dev.p12?sig=cert-signature-one|file:///tmp/dist.p12|${GCS_URL}`,
      lane: 'ios beta url:https://h/notes?token=lane-token-123456',
      plain: 'https://u:location-pw@h/AuthKey_Y.p8',
    });
    expect(formatConfig(parsed.display)).toBe(
      [
        '- build: https://*****@app.bitrise.io/build/1',
        '- certs: https://h/dev.p12?*****|*****|https://storage.googleapis.com/b/cert.p12?*****',
        '- lane: ios beta url:https://h/notes?*****',
        '- plain: https://*****@h/AuthKey_Y.p8',
      ].join('\n'),
    );
    expect(redactor.redact('build-pass-1 cert-signature-one lane-token-123456 location-pw')).toBe(
      '***** ***** ***** *****',
    );
    // The value handed to the Step is the URL as given.
    expect(parsed.values.build).toBe('https://builder:build-pass-1@app.bitrise.io/build/1');
  });

  it('names a bad URL input without its credentials', () => {
    const spec = { u: input.url(['https']), f: input.file() };
    let problems: string[] = [];
    try {
      parseInputs(spec, {
        u: 'ftp://u:ftp-password@h/x?sig=bad-url-signature',
        f: 'https://h/f?sig=file-signature',
      });
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      problems = (err as InputError).problems.map((p) => p.message);
    }
    expect(problems).toEqual([
      '"ftp://*****@h/x?*****" must start with https://',
      'file "https://h/f?*****" does not exist',
    ]);
    expect(() => parseInputs(spec, { u: 'bitrise.io/build?token=not-a-url-token' })).toThrow(
      '"bitrise.io/build?*****" is not a URL',
    );
  });
});

describe('URLs in HTTP errors and downloads', () => {
  const server = createServer((_req, res) => res.writeHead(403).end('denied'));
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it("hides the URL in got's own error messages and stacks", async () => {
    const http = createHttpClient({ env: {} });
    const url = `${base}/AuthKey_Z.p8?X-Amz-Signature=got-error-signature-1`;
    const err = (await http.get(url, { throwHttpErrors: true }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(`${base}/AuthKey_Z.p8?*****`);
    expect(`${err.message}\n${err.stack}`).not.toContain('got-error-signature-1');
  });

  it('fails a 403 download without printing the URL, and registers its credentials first', async () => {
    const { logger, output } = captureLogger(redactor);
    const url = `${base}/dev.p12?X-Amz-Signature=download-signature-22&X-Amz-Credential=AKIADOWNLOAD%2Fx`;
    const err = (await readLocation(url, {
      http: createHttpClient({ env: {} }),
      logger,
      what: `certificate 1 (${displayUrl(url)})`,
      schemes: ['http'],
      clock: recordingClock(),
    }).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(`failed to download certificate 1 (${base}/dev.p12?*****): HTTP 403`);
    expect(redactor.redact(url)).toBe(`${base}/dev.p12?*****`);
    expect(output()).not.toContain('download-signature-22');
  });
});
