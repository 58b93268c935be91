import { describe, expect, it } from 'vitest';
import { mapConcurrent } from '../index.ts';

describe('mapConcurrent', () => {
  it('keeps at most `limit` calls in flight and the results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const run = mapConcurrent([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((resolve) => releases.push(resolve));
      inFlight--;
      return n * 10;
    });
    // Release calls one by one, in reverse order of arrival, until all are done.
    while (releases.length || inFlight) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.pop()?.();
    }
    expect(await run).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(peak).toBe(3);
  });

  it('rejects with the first failure and starts no further calls', async () => {
    const started: number[] = [];
    await expect(
      mapConcurrent([1, 2, 3, 4], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });

  it('rejects a limit below one', async () => {
    await expect(mapConcurrent([1], 0, async (n) => n)).rejects.toThrow(/positive integer/);
  });
});
