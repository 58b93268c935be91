/**
 * What a phase had done when it failed (the portal changes made, the logs saved), for the report.
 * It is kept beside the error, not in it: the failure reason stays exactly the error's own, and
 * the config stays what configure returned. One instance per kind of progress keeps it typed.
 */
export class FailureProgress<P> {
  private readonly byFailure = new WeakMap<object, P>();

  /** Records `progress` for `err` and returns `err`, to be thrown. */
  attach<E>(err: E, progress: P): E {
    if (typeof err === 'object' && err !== null) this.byFailure.set(err, progress);
    return err;
  }

  /** The progress recorded for the failure or for one of its causes. */
  of(failure: unknown): P | undefined {
    let current: unknown = failure;
    for (let depth = 0; typeof current === 'object' && current !== null && depth < 16; depth++) {
      const progress = this.byFailure.get(current);
      if (progress !== undefined) return progress;
      current = (current as { cause?: unknown }).cause;
    }
    return undefined;
  }
}
