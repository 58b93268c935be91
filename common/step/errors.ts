import { InputError } from './schema.ts';

export interface StepErrorOptions {
  cause?: unknown;
  /** What to do about it, on one line; the failure reason ends with it. */
  hint?: string;
  /** Plain lines shown before the failure reason: the request, the service's answer, tool output. */
  details?: readonly string[];
}

/**
 * An error whose message is meant for the user as it is: the fatal line shows it without a stack.
 * `reason` says what went wrong (its first line is the headline, further lines are details),
 * `hint` what to do about it; the message is both, as `reason: hint`.
 */
export class StepError extends Error {
  readonly reason: string;
  readonly hint: string | undefined;
  readonly details: readonly string[];

  constructor(reason: string, options: StepErrorOptions = {}) {
    super(
      options.hint ? `${reason}: ${options.hint}` : reason,
      options.cause ? { cause: options.cause } : undefined,
    );
    this.name = 'StepError';
    this.reason = reason;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }
}

/**
 * `prefix: <what err says>`, keeping err's hint (`hint` is used when err has none), its details
 * and err itself as the cause. A programming error (TypeError, ReferenceError) is returned
 * unchanged, so the failure reason still calls it a bug instead of an expected failure.
 */
export function wrapError(prefix: string, err: unknown, options: { hint?: string } = {}): Error {
  if (isProgrammingError(err)) return err;
  if (err instanceof StepError) {
    return new StepError(`${prefix}: ${err.reason}`, {
      cause: err,
      hint: err.hint ?? options.hint,
      details: err.details,
    });
  }
  return new StepError(`${prefix}: ${errorMessage(err)}`, { cause: err, hint: options.hint });
}

/**
 * err with `hint` as its fix when it has none of its own, for a phase that knows what to check.
 * A programming error passes through unchanged.
 */
export function withHint(err: unknown, hint: string): unknown {
  if (isProgrammingError(err) || (err instanceof StepError && err.hint)) return err;
  if (err instanceof StepError) return new StepError(err.reason, { cause: err, hint, details: err.details });
  return new StepError(errorMessage(err), { cause: err, hint });
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** How a failure is printed: plain detail lines, then one red line. */
export interface FailureReport {
  /** One line naming the cause and the fix: what the Bitrise CLI shows as the failure reason. */
  reason: string;
  /** Lines printed plain before it, so they never become the failure reason. */
  details: string[];
}

export const BUG_HINT =
  "this is a bug in the Step: rerun with verbose_log set to yes for the stack trace, and report it with the build log to the Step's issue tracker";

export const SYSTEM_ERROR_HINT =
  'the build machine refused a file or process operation: check the path, its permissions and the free disk space, then rerun the build';

const MAX_CAUSES = 8;

/**
 * Splits a failure into the one-line reason and the details before it. The reason is the error's
 * headline with its hint (or the first hint down the cause chain); the headline's other lines,
 * the error's details and its causes' details (or messages) become details, each line once.
 */
export function describeFailure(err: unknown): FailureReport {
  const details: string[] = [];
  let headline: string;
  let hint: string | undefined;
  if (err instanceof InputError) {
    ({ headline, hint } = describeInputError(err, details));
  } else if (err instanceof StepError) {
    const [first = '', ...rest] = lines(err.reason);
    headline = first;
    hint = err.hint;
    details.push(...rest, ...err.details.flatMap(lines));
  } else {
    const [first = '', ...rest] = lines(errorMessage(err));
    const system = isSystemError(err);
    headline = system ? first : `unexpected ${errorName(err)}: ${first || 'no message'}`;
    hint = system ? SYSTEM_ERROR_HINT : BUG_HINT;
    details.push(...rest);
  }

  let current: unknown = err instanceof Error ? err.cause : undefined;
  for (let depth = 0; current !== undefined && current !== null && depth < MAX_CAUSES; depth++) {
    if (current instanceof StepError) {
      hint ??= current.hint;
      // Details say it all when there are any (Apple's rendered answer); the reason summarises them.
      details.push(...(current.details.length > 0 ? current.details.flatMap(lines) : lines(current.reason)));
    } else {
      details.push(...lines(errorMessage(current)));
    }
    current = current instanceof Error ? current.cause : undefined;
  }

  const reason = oneLine(hint ? `${headline}: ${hint}` : headline) || 'the Step failed for an unknown reason';
  // A cause's message is often already part of the reason or of an earlier line: shown once.
  const shown: string[] = [reason];
  const fresh = details.filter((line) => {
    const key = line.trim();
    if (!key || shown.some((seen) => seen.includes(key))) return false;
    shown.push(line);
    return true;
  });
  return { reason, details: fresh };
}

/** One bad input: its own line. Several: each on a plain line, and a red line naming them all. */
function describeInputError(err: InputError, details: string[]): { headline: string; hint?: string } {
  if (err.problems.length <= 1) return { headline: oneLine(err.message) };
  details.push(...lines(err.message));
  const keys = err.problems.map((problem) => problem.key).join(', ');
  return {
    headline: `${err.problems.length} invalid inputs (${keys})`,
    hint: 'correct each one as the lines above say',
  };
}

function isProgrammingError(err: unknown): err is Error {
  return err instanceof TypeError || err instanceof ReferenceError;
}

/** Node's errors of a failed system call (ENOSPC, EACCES, EMFILE …) are not bugs of the Step. */
function isSystemError(err: unknown): boolean {
  const { code, syscall } = (err ?? {}) as { code?: unknown; syscall?: unknown };
  return typeof syscall === 'string' || (typeof code === 'string' && /^E[A-Z]+$/.test(code));
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
