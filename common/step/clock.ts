/**
 * Time as a Step sees it. One clock sits on the StepContext (runStep makes it) and is handed to
 * everything that waits, times out or jitters, so a test replaces time in one place: it records
 * the waits instead of sleeping, fixes the random jitter, or shrinks every wait and timeout at once
 * (the test-only TIME_SCALE_ENV becomes `scale`).
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  /** Waits this long; callers have already applied `scale`. */
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1), as Math.random(); spreads retries of parallel builds apart. */
  random(): number;
  /** The factor in (0, 1] applied to HTTP timeouts and retry waits: 1 outside tests. */
  readonly scale: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The real clock, with waits and timeouts multiplied by `scale`. */
export function systemClock(scale = 1): Clock {
  // Looked up at each call, so tests that fake Date or Math.random still reach it.
  return { now: () => Date.now(), sleep, random: () => Math.random(), scale };
}
