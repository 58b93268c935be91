import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, retry } from '../retry.ts';
import { captureLogger } from './helpers.ts';

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
        sleep: async (ms) => {
          waits.push(ms);
        },
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
          sleep: async () => {},
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
    expect(backoffDelay(2, { ...opts, jitter: 0.5, random: () => 0 })).toBe(1000);
    expect(backoffDelay(2, { ...opts, jitter: 0.5, random: () => 1 })).toBe(3000);
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
        timeScale: 0.01,
        classify: (err) => ({ retry: true, retryAfterMs: (err as Flaky).retryAfterMs }),
        what: 'x',
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    expect(waits).toEqual([50, 20]);
  });
});
