import { Parser } from 'yargs/helpers';
import type { Out } from '../lib/repo.ts';
import { UsageError } from '../lib/usage-error.ts';

/** The command line itself is wrong (unknown flag, bad value, missing positional). */
export class ArgumentsError extends Error {
  /** The help text of the command that was being parsed. */
  readonly usage: string;
  constructor(message: string, usage: string) {
    super(message);
    this.usage = usage;
  }
}

const USAGE_EXIT_CODE = 2;

/**
 * Prints why `steps` stopped and returns its exit code. A user's mistake is one line (after the
 * command's usage when the command line was wrong) and exit 2; anything else is a bug in
 * `steps`, exit 1, whose stack trace only --debug shows.
 */
export function reportFailure(error: unknown, out: Out, debug: boolean): number {
  if (error instanceof ArgumentsError) {
    out.error(`${error.usage}\n\nsteps: ${error.message}`);
    return USAGE_EXIT_CODE;
  }
  if (error instanceof UsageError) {
    out.error(`steps: ${error.message}`);
    return USAGE_EXIT_CODE;
  }
  if (debug) out.error(error instanceof Error && error.stack ? error.stack : String(error));
  else
    out.error(
      `steps: unexpected error: ${error instanceof Error ? error.message : String(error)} (run again with --debug for the stack trace)`,
    );
  return 1;
}

/**
 * Whether --debug was given. Read from the raw arguments, because the failure being reported may
 * be that yargs could not parse them.
 */
export function wantsDebug(argv: readonly string[]): boolean {
  return Parser([...argv], { boolean: ['debug'] })['debug'] === true;
}
