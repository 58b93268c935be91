import { type RunningTools, runningTools } from '../../step/exec.ts';

/**
 * Waits for `work` (a setup that does not need Apple: gem or bundle install, Xcode checks) while
 * Apple's verdict arrives. When Apple refuses first, the tools the work started are ended and the
 * refusal is thrown at once, so a rejected connection does not wait for a long install; the
 * work's own failure (its tools killed) is then not the cause and is dropped.
 */
export function unlessRefused<T>(
  work: Promise<T>,
  refusal: Promise<never>,
  tools: RunningTools = runningTools,
): Promise<T> {
  work.catch(() => {});
  const refused = refusal.catch((err: unknown) => {
    void tools.endAll();
    throw err;
  });
  return Promise.race([work, refused]);
}
