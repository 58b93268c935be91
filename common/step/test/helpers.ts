import { execFileSync } from 'node:child_process';
import { expect, vi } from 'vitest';
import { type Clock, systemClock } from '../clock.ts';
import { Logger } from '../logger.ts';
import { Redactor } from '../redactor.ts';

/** A logger that keeps what it printed, for assertions. */
export function captureLogger(redactor?: Redactor): { logger: Logger; output: () => string } {
  const chunks: string[] = [];
  const logger = new Logger({ write: (text: string) => chunks.push(text) }, redactor ?? new Redactor());
  return { logger, output: () => chunks.join('') };
}

/**
 * A clock that records each wait instead of sleeping, and whose time moves by each wait as a real
 * sleep would. `scale` is what TIME_SCALE_ENV would give; `parts` replace more (e.g. `random`).
 */
export function recordingClock(
  waits: number[] = [],
  options: { scale?: number; start?: number } & Partial<Pick<Clock, 'random'>> = {},
): Clock & { waits: number[] } {
  let now = options.start ?? Date.now();
  return {
    ...systemClock(options.scale),
    ...(options.random ? { random: options.random } : {}),
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    waits,
  };
}

/**
 * Whether pid is a live process. A zombie counts as ended: it has exited, only its exit status
 * waits for a parent, and where PID 1 does not reap orphans (some containers) it waits forever.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
    return !state.trim().startsWith('Z');
  } catch {
    return false; // gone between the two checks
  }
}

/** Waits, a bounded time, until pid is no longer running. */
export async function waitUntilEnded(pid: number, timeoutMs = 5000): Promise<void> {
  await vi.waitFor(() => expect(isRunning(pid), `process ${pid} is still running`).toBe(false), {
    timeout: timeoutMs,
    interval: 25,
  });
}
