import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Cleanup = () => void;

/**
 * Cleanups registered here run once: when the Step finishes, fails, or is interrupted by
 * SIGINT/SIGTERM. They must be synchronous so they also run from a signal handler.
 */
export class Cleanups {
  private readonly tasks: Cleanup[] = [];

  add(task: Cleanup): void {
    this.tasks.push(task);
  }

  /** A fresh 0700 directory that is removed with everything in it. */
  tempDir(prefix: string, base = tmpdir()): string {
    const dir = mkdtempSync(join(base, `${prefix}-`));
    this.add(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  runAll(onError?: (err: unknown) => void): void {
    while (this.tasks.length > 0) {
      const task = this.tasks.pop()!;
      try {
        task();
      } catch (err) {
        onError?.(err);
      }
    }
  }
}
