import type { Clock } from '../../../../common/step/index.ts';

export interface PollOptions {
  clock: Clock;
  /** The first wait between two looks; it doubles up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** How long to keep looking. */
  timeoutMs: number;
}

export interface PollResult<T> {
  value: T;
  /** False when the time ran out first. */
  done: boolean;
  /** Time spent, as the clock measures it. */
  elapsedMs: number;
}

/**
 * Looks at something Apple works on (an upload's state, a build's processing) until `done` says
 * it is over or the time is up, waiting longer after each look. Waits and the bound go through the
 * Step's clock, so its scale shortens them in tests.
 */
export async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: PollOptions,
): Promise<PollResult<T>> {
  const { clock } = options;
  const started = clock.now();
  const bound = options.timeoutMs * clock.scale;
  let delay = options.firstDelayMs;
  for (;;) {
    const value = await read();
    const elapsed = clock.now() - started;
    if (done(value)) return { value, done: true, elapsedMs: elapsed };
    if (elapsed >= bound) return { value, done: false, elapsedMs: elapsed };
    await clock.sleep(Math.max(1, Math.min(delay * clock.scale, bound - elapsed)));
    delay = Math.min(delay * 2, options.maxDelayMs);
  }
}
