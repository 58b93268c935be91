import { describe, expect, it } from 'vitest';
import { StepError } from '../errors.ts';
import { backoffDelay, parseRetryAfter, RetryAfterTooLongError, type RetryOptions, retry } from '../retry.ts';
import { captureLogger, recordingClock } from './helpers.ts';

class Flaky extends Error {
  constructor(readonly retryAfterMs?: number) {
    super('flaky');
  }
}

describe('retry', () => {
  it('honours Retry-After over the computed backoff and logs each retry', async () => {
    const waits: number[] = [];
    const { logger, output } = captureLogger();
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls === 1) throw new Flaky(7000);
        if (calls === 2) throw new Flaky();
        return 'done';
      },
      {
        attempts: 5,
        baseDelayMs: 1000,
        maxDelayMs: 30_000,
        classify: (err) => ({ retry: err instanceof Flaky, retryAfterMs: (err as Flaky).retryAfterMs }),
        what: 'fetch',
        logger,
        clock: recordingClock(waits),
      },
    );
    expect(result).toBe('done');
    expect(waits).toEqual([7000, 2000]);
    expect(output()).toContain('fetch: attempt 1/5 failed: flaky; retrying in 7 s (Retry-After)');
  });

  it('stops after the last attempt and rethrows the real error', async () => {
    let calls = 0;
    const err = new Flaky();
    await expect(
      retry(
        async () => {
          calls++;
          throw err;
        },
        {
          attempts: 3,
          baseDelayMs: 1,
          maxDelayMs: 1,
          classify: () => ({ retry: true }),
          what: 'x',
          clock: recordingClock(),
        },
      ),
    ).rejects.toBe(err);
    expect(calls).toBe(3);
  });

  it('does not retry what the classifier refuses', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('fatal');
        },
        { attempts: 5, baseDelayMs: 1, maxDelayMs: 1, classify: () => ({ retry: false }), what: 'x' },
      ),
    ).rejects.toThrow('fatal');
    expect(calls).toBe(1);
  });

  it('backs off exponentially with bounded jitter', () => {
    const opts = { baseDelayMs: 1000, maxDelayMs: 30_000 };
    expect([1, 2, 3, 4, 6].map((n) => backoffDelay(n, opts))).toEqual([1000, 2000, 4000, 8000, 30_000]);
    expect(backoffDelay(2, { ...opts, jitter: 0.5, clock: recordingClock([], { random: () => 0 }) })).toBe(
      1000,
    );
    expect(backoffDelay(2, { ...opts, jitter: 0.5, clock: recordingClock([], { random: () => 1 }) })).toBe(
      3000,
    );
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('retry time scale', () => {
  it('scales every wait, Retry-After included', async () => {
    const waits: number[] = [];
    let calls = 0;
    await retry(
      async () => {
        calls++;
        if (calls < 3) throw new Flaky(calls === 1 ? 5000 : undefined);
        return 'ok';
      },
      {
        attempts: 5,
        baseDelayMs: 1000,
        maxDelayMs: 30_000,
        classify: (err) => ({ retry: true, retryAfterMs: (err as Flaky).retryAfterMs }),
        what: 'x',
        clock: recordingClock(waits, { scale: 0.01 }),
      },
    );
    expect(waits).toEqual([50, 20]);
  });
});

/** Retries `Flaky` errors, recording the waits instead of sleeping; `scale` as TIME_SCALE_ENV sets it. */
function recordingOptions(overrides: Partial<RetryOptions> = {}, scale = 1) {
  const waits: number[] = [];
  const { logger, output } = captureLogger();
  const options: RetryOptions = {
    attempts: 5,
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    overallTimeoutMs: 5 * 60_000,
    classify: (err) => ({ retry: err instanceof Flaky, retryAfterMs: (err as Flaky).retryAfterMs }),
    what: 'App Store Connect request',
    logger,
    // Its time moves by each wait, as a real sleep would.
    clock: recordingClock(waits, { scale, start: Date.parse('2024-05-01T10:00:00Z') }),
    ...overrides,
  };
  return { options, waits, output };
}

/** Fails with the given Retry-After values in turn, then returns 'done'; counts the calls. */
function failingWith(...retryAfters: (number | undefined)[]) {
  const state = { calls: 0 };
  const fn = async () => {
    const retryAfterMs = retryAfters[state.calls++];
    if (state.calls <= retryAfters.length) throw new Flaky(retryAfterMs);
    return 'done';
  };
  return { fn, state };
}

describe('retry honours Retry-After within the overall bound', () => {
  it('waits a Retry-After longer than maxDelayMs exactly, when the overall bound allows it', async () => {
    const { options, waits, output } = recordingOptions();
    const { fn, state } = failingWith(150_000);
    expect(await retry(fn, options)).toBe('done');
    expect(state.calls).toBe(2);
    expect(waits).toEqual([150_000]);
    expect(output()).toContain('attempt 1/5 failed: flaky; retrying in 2.5 min (Retry-After)');
  });

  it('fails at once, naming the wait, when Retry-After is longer than the overall bound', async () => {
    const { options, waits } = recordingOptions();
    const { fn, state } = failingWith(15 * 60_000);
    const err = await retry(fn, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryAfterTooLongError);
    expect(err).toBeInstanceOf(StepError);
    expect((err as Error).message).toBe(
      'App Store Connect request: flaky; the server asked to wait 15 min before retrying (Retry-After), ' +
        'longer than the 5 min this Step allows: run the build again once that wait has passed',
    );
    expect((err as Error).cause).toBeInstanceOf(Flaky);
    expect(state.calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('counts the time already spent against the bound', async () => {
    // The recording clock moves by each wait, as a real sleep would.
    const { options, waits } = recordingOptions();
    // 4 min of waiting leaves 1 min of the 5: a second 2 min Retry-After no longer fits.
    const { fn, state } = failingWith(4 * 60_000, 2 * 60_000);
    const err = await retry(fn, options).catch((e: unknown) => e);
    expect(waits).toEqual([4 * 60_000]);
    expect(state.calls).toBe(2);
    expect((err as Error).message).toContain(
      'the server asked to wait 2 min before retrying (Retry-After), longer than the 5 min this Step allows (1 min left)',
    );
  });

  it('without an overall bound, waits up to maxDelayMs and fails beyond it instead of retrying early', async () => {
    const within = recordingOptions({ overallTimeoutMs: undefined, maxDelayMs: 10_000 });
    expect(await retry(failingWith(10_000).fn, within.options)).toBe('done');
    expect(within.waits).toEqual([10_000]);

    const beyond = recordingOptions({ overallTimeoutMs: undefined, maxDelayMs: 10_000 });
    const { fn, state } = failingWith(30_000);
    await expect(retry(fn, beyond.options)).rejects.toThrow(
      'the server asked to wait 30 s before retrying (Retry-After), longer than the 10 s this Step allows',
    );
    expect(state.calls).toBe(1);
    expect(beyond.waits).toEqual([]);
  });

  it('honours the HTTP-date form the same way', async () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    const honoured = recordingOptions();
    const inThreeMinutes = parseRetryAfter('Wed, 21 Oct 2015 07:31:00 GMT', now);
    expect(await retry(failingWith(inThreeMinutes).fn, honoured.options)).toBe('done');
    expect(honoured.waits).toEqual([180_000]);

    const refused = recordingOptions();
    const inAnHour = parseRetryAfter('Wed, 21 Oct 2015 08:28:00 GMT', now);
    await expect(retry(failingWith(inAnHour).fn, refused.options)).rejects.toThrow(
      'the server asked to wait 60 min before retrying (Retry-After), longer than the 5 min this Step allows',
    );
    expect(refused.waits).toEqual([]);
  });

  it('scales an honoured Retry-After and the bound alike, and names the real durations', async () => {
    const honoured = recordingOptions({}, 0.01);
    expect(await retry(failingWith(150_000).fn, honoured.options)).toBe('done');
    expect(honoured.waits).toEqual([1500]);

    const refused = recordingOptions({}, 0.01);
    await expect(retry(failingWith(15 * 60_000).fn, refused.options)).rejects.toThrow(
      'wait 15 min before retrying (Retry-After), longer than the 5 min this Step allows',
    );
    expect(refused.waits).toEqual([]);
  });

  it('still gives up on the computed backoff when it would outlast the bound, with the real error', async () => {
    const { options, waits } = recordingOptions({ overallTimeoutMs: 1500 });
    const err = new Flaky();
    let calls = 0;
    const fn = async () => {
      calls++;
      throw err;
    };
    // Backoff 1 s fits in 1.5 s, the next (2 s) does not.
    await expect(retry(fn, options)).rejects.toBe(err);
    expect(waits).toEqual([1000]);
    expect(calls).toBe(2);
  });
});
