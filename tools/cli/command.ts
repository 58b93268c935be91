import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { Out } from '../lib/repo.ts';

/** Where a command works and prints, and where its exit code goes (main returns it). */
export interface CommandContext {
  root: string;
  out?: Out;
  exit: (code: number) => void;
}

/** A `steps` command as its module declares it: the handler returns the exit code. */
interface CommandDefinition<U> {
  /** The command and its positionals, in yargs' notation (`run <id>`, `audit [targets..]`). */
  command: string;
  describe: string;
  /** Options, positionals, argument checks and examples. */
  builder: (yargs: Argv) => Argv<U>;
  run: (args: ArgumentsCamelCase<U>) => number | Promise<number>;
}

/** The yargs module of a command, whose handler hands the exit code to the context. */
export function commandModule<U>(
  context: CommandContext,
  definition: CommandDefinition<U>,
): CommandModule<object, U> {
  return {
    command: definition.command,
    describe: definition.describe,
    builder: definition.builder,
    handler: async (args) => context.exit(await definition.run(args)),
  };
}
