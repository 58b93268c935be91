import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactor } from '../redactor.ts';
import { formatConfig, InputError, input, parseInputs } from '../schema.ts';
import { Secret } from '../secret.ts';

const dir = mkdtempSync(join(tmpdir(), 'schema-'));
const file = join(dir, 'a.txt');
writeFileSync(file, 'x');

const schema = {
  name: input.string({ required: true }),
  flag: input.bool(),
  count: input.int({ min: 1, max: 10 }),
  items: input.list(),
  mode: input.oneOf(['a', 'b'] as const, { required: true }),
  token: input.secret(),
  path: input.file(),
  folder: input.dir(),
};

function problems(env: Record<string, string>) {
  try {
    parseInputs(schema, env, { cwd: dir });
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).problems;
  }
  throw new Error('expected InputError');
}

describe('parseInputs', () => {
  it('reports every bad input at once, each naming its key', () => {
    const found = problems({ flag: 'maybe', count: 'ten', mode: 'c', path: 'missing.txt', folder: file });
    expect(found.map((p) => p.key)).toEqual(['name', 'flag', 'count', 'mode', 'path', 'folder']);
    expect(found.find((p) => p.key === 'flag')!.message).toContain('use yes or no');
    expect(found.find((p) => p.key === 'mode')!.message).toContain('not one of a, b');
    const err = new InputError(found);
    expect(err.message.split('\n')).toHaveLength(7);
  });

  it.each([
    ['yes', true],
    ['YES', true],
    ['true', true],
    ['y', true],
    ['no', false],
    ['False', false],
    ['', false],
  ])('parses bool %j as %s', (raw, expected) => {
    expect(parseInputs({ b: input.bool() }, { b: raw }).values.b).toBe(expected);
  });

  it('parses ints and enforces the range', () => {
    expect(parseInputs({ n: input.int({ min: 1, max: 10 }) }, { n: ' 7 ' }).values.n).toBe(7);
    expect(parseInputs({ n: input.int() }, {}).values.n).toBeUndefined();
    expect(parseInputs({ n: input.int({ default: 5 }) }, {}).values.n).toBe(5);
    expect(() => parseInputs({ n: input.int({ min: 1 }) }, { n: '0' })).toThrow(/below the minimum 1/);
    expect(() => parseInputs({ n: input.int({ max: 3 }) }, { n: '4' })).toThrow(/above the maximum 3/);
    expect(() => parseInputs({ n: input.int() }, { n: '1.5' })).toThrow(/not a whole number/);
  });

  it('splits lists on pipes and newlines and drops empty items', () => {
    expect(parseInputs({ l: input.list() }, { l: 'a| b ||c\n\nd\n' }).values.l).toEqual(['a', 'b', 'c', 'd']);
    expect(parseInputs({ l: input.list({ separator: 'pipe' }) }, { l: 'a b|c' }).values.l).toEqual([
      'a b',
      'c',
    ]);
    expect(parseInputs({ l: input.list() }, {}).values.l).toEqual([]);
  });

  it('accepts one of the listed values only', () => {
    expect(parseInputs({ m: input.oneOf(['x', 'y'] as const) }, { m: 'y' }).values.m).toBe('y');
    expect(() => parseInputs({ m: input.oneOf(['x', 'y'] as const) }, { m: 'z' })).toThrow(
      /"z" is not one of x, y/,
    );
  });

  it('resolves existing files and dirs against the working directory', () => {
    const parsed = parseInputs({ f: input.file(), d: input.dir() }, { f: 'a.txt', d: '.' }, { cwd: dir });
    expect(parsed.values.f).toBe(file);
    expect(parsed.values.d).toBe(dir);
  });

  it('wraps secrets, masks them in the config echo and registers them for redaction', () => {
    const parsed = parseInputs(
      { t: input.secret(), e: input.secret(), s: input.string() },
      { t: 'hunter2-secret' },
    );
    expect(parsed.values.t).toBeInstanceOf(Secret);
    expect(parsed.values.t.reveal()).toBe('hunter2-secret');
    expect(String(parsed.values.t)).toBe('*****');
    expect(JSON.stringify({ t: parsed.values.t })).toBe('{"t":"*****"}');
    expect(formatConfig(parsed.display)).toBe('- t: *****\n- e: <unset>\n- s: <unset>');
    expect(redactor.redact('token is hunter2-secret')).toBe('token is *****');
  });

  it('registers an invalid sensitive list before failing, so the error echo cannot leak it', () => {
    const spec = { l: input.list({ sensitive: true }), n: input.int() };
    expect(() => parseInputs(spec, { l: 'pass-one-x|pass-two-y', n: 'x' })).toThrow(InputError);
    expect(redactor.redact('pass-two-y')).toBe('*****');
  });
});

describe('url inputs', () => {
  const spec = { u: input.url(['https', 'file']) };
  it('accepts the listed schemes and rejects others and malformed URLs', () => {
    expect(parseInputs(spec, { u: 'https://app.bitrise.io/build/1' }).values.u).toBe(
      'https://app.bitrise.io/build/1',
    );
    expect(parseInputs(spec, { u: 'file:///tmp/conn.json' }).values.u).toBe('file:///tmp/conn.json');
    expect(parseInputs(spec, {}).values.u).toBeUndefined();
    expect(() => parseInputs(spec, { u: 'ftp://x' })).toThrow(
      '"ftp://x" must start with https:// or file://',
    );
    expect(() => parseInputs(spec, { u: 'not a url' })).toThrow(
      '"not a url" is not a URL: use https://… or file://…',
    );
  });
});
