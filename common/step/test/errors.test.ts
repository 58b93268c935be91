import { describe, expect, it } from 'vitest';
import { BUG_HINT, describeFailure, StepError, SYSTEM_ERROR_HINT, withHint, wrapError } from '../errors.ts';
import { InputError } from '../schema.ts';

describe('describeFailure', () => {
  it('puts the headline and the hint on one line, the rest of the reason and the details before it', () => {
    const err = new StepError('upload failed\n  step 2 of 3', {
      hint: 'retry',
      details: ['POST /upload: 500'],
    });
    expect(describeFailure(err)).toEqual({
      reason: 'upload failed: retry',
      details: ['  step 2 of 3', 'POST /upload: 500'],
    });
  });

  it("adds each cause's lines once, skipping what the reason already says, and borrows the first hint down the chain", () => {
    const root = new Error('connect ECONNREFUSED 127.0.0.1:443');
    const middle = new StepError('GET /v1/devices: connect ECONNREFUSED 127.0.0.1:443', {
      cause: root,
      hint: 'check the network',
    });
    const top = wrapError('Automatic code signing failed', middle);
    expect(describeFailure(top)).toEqual({
      reason:
        'Automatic code signing failed: GET /v1/devices: connect ECONNREFUSED 127.0.0.1:443: check the network',
      details: [],
    });
    const plainTop = new StepError('could not list devices', { cause: middle });
    expect(describeFailure(plainTop)).toEqual({
      reason: 'could not list devices: check the network',
      details: ['GET /v1/devices: connect ECONNREFUSED 127.0.0.1:443'],
    });
  });

  it('lists several bad inputs on plain lines and names them all on the red one', () => {
    const err = new InputError([
      { key: 'lane', message: 'required, but empty' },
      { key: 'work_dir', message: '"/nope" does not exist' },
    ]);
    expect(describeFailure(err)).toEqual({
      reason: '2 invalid inputs (lane, work_dir): correct each one as the lines above say',
      details: ['2 invalid inputs:', '- lane: required, but empty', '- work_dir: "/nope" does not exist'],
    });
    const one = new InputError([{ key: 'lane', message: 'required, but empty' }]);
    expect(describeFailure(one)).toEqual({ reason: 'Invalid input lane: required, but empty', details: [] });
  });

  it('calls an error that is no StepError a bug, and a failed system call what it is', () => {
    expect(describeFailure(new TypeError("Cannot read properties of undefined (reading 'id')"))).toEqual({
      reason: `unexpected TypeError: Cannot read properties of undefined (reading 'id'): ${BUG_HINT}`,
      details: [],
    });
    const enospc = Object.assign(new Error("ENOSPC: no space left on device, mkdtemp '/tmp/x-'"), {
      code: 'ENOSPC',
      syscall: 'mkdtemp',
    });
    expect(describeFailure(enospc).reason).toBe(
      `ENOSPC: no space left on device, mkdtemp '/tmp/x-': ${SYSTEM_ERROR_HINT}`,
    );
    expect(describeFailure('thrown string').reason).toBe(`unexpected string: thrown string: ${BUG_HINT}`);
  });
});

describe('describeFailure with causes that carry details', () => {
  it("shows a cause's details instead of its summary, which the red line already says better", () => {
    const apple = new StepError('Apple refused the credentials for GET /v1/devices (401 NOT_AUTHORIZED)', {
      details: ['GET https://api.example/v1/devices: 401', '- NOT_AUTHORIZED: no: sign it'],
    });
    const top = new StepError('App Store Connect rejected the API key (401 NOT_AUTHORIZED)', {
      cause: apple,
      hint: 'check the key',
    });
    expect(describeFailure(top)).toEqual({
      reason: 'App Store Connect rejected the API key (401 NOT_AUTHORIZED): check the key',
      details: ['GET https://api.example/v1/devices: 401', '- NOT_AUTHORIZED: no: sign it'],
    });
  });
});

describe('withHint', () => {
  it('adds a fix to an error without one, and keeps an error that has its own', () => {
    const bare = withHint(new StepError('certificate is empty'), 'check certificate_urls') as StepError;
    expect([bare.reason, bare.hint]).toEqual(['certificate is empty', 'check certificate_urls']);
    const own = new StepError('bad passphrase', { hint: 'fix the passphrase' });
    expect(withHint(own, 'check certificate_urls')).toBe(own);
    const bug = new ReferenceError('x is not defined');
    expect(withHint(bug, 'check certificate_urls')).toBe(bug);
  });
});

describe('wrapError', () => {
  it('keeps the inner hint and details, and uses its own hint only when the inner has none', () => {
    const inner = new StepError('no key', { hint: 'set api_key_path', details: ['detail'] });
    const wrapped = wrapError('auth failed', inner, { hint: 'fallback' }) as StepError;
    expect([wrapped.reason, wrapped.hint, wrapped.details, wrapped.cause]).toEqual([
      'auth failed: no key',
      'set api_key_path',
      ['detail'],
      inner,
    ]);
    expect((wrapError('auth failed', new StepError('no key'), { hint: 'fallback' }) as StepError).hint).toBe(
      'fallback',
    );
    expect(wrapError('auth failed', new Error('plain')).message).toBe('auth failed: plain');
  });

  it('lets a programming error through, so it is still reported as a bug', () => {
    const bug = new TypeError('x is not a function');
    expect(wrapError('Automatic code signing failed', bug)).toBe(bug);
  });
});
