import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { consoleOut, type Out, REPO_ROOT } from '../lib/repo.ts';
import { checkBooleanValues } from './arguments.ts';
import type { CommandContext } from './command.ts';
import { auditModule } from './commands/audit.ts';
import { connectionModule } from './commands/connection.ts';
import { e2eModule } from './commands/e2e.ts';
import { newModule } from './commands/new.ts';
import { readmeModule } from './commands/readme.ts';
import { releaseModule } from './commands/release.ts';
import { runModule } from './commands/run.ts';
import { ArgumentsError, reportFailure, wantsDebug } from './failure.ts';

/** Where the commands work and print; tests point them at a scratch repository. */
export interface CliContext {
  root?: string;
  out?: Out;
}

/**
 * `steps`: the repository's command for creating, checking, running and releasing Steps.
 * Returns the exit code; prints a user's mistake as one line and never throws.
 */
export async function main(argv: string[], context: CliContext = {}): Promise<number> {
  const out = context.out ?? consoleOut;
  let exitCode = 0;
  try {
    await commandLine(argv, context, (code) => {
      exitCode = code;
    }).parseAsync();
    return exitCode;
  } catch (error) {
    return reportFailure(error, out, wantsDebug(argv));
  }
}

function commandLine(argv: string[], context: CliContext, exit: (code: number) => void): Argv {
  const commands: CommandContext = { root: context.root ?? REPO_ROOT, out: context.out, exit };
  return (
    yargs(argv)
      .scriptName('steps')
      .usage('$0 <command> [options]\n\nCreate, check, run and release the Bitrise Steps under steps/.')
      // Each command module holds its options, argument checks, examples and handler.
      .command(auditModule(commands))
      .command(newModule(commands))
      .command(readmeModule(commands))
      .command(runModule(commands))
      .command(releaseModule(commands))
      .command(e2eModule(commands))
      .command(connectionModule(commands))
      .example('$0 audit', 'Check every steps/*/step.yml')
      .example('$0 readme --check', 'Fail when a README table is out of date')
      .example('$0 run fastlane-wrapper -i lane=test --simulate', 'Run a Step locally against the simulators')
      .epilogue('Run `steps <command> --help` for the options and examples of a command.')
      .option('debug', {
        type: 'boolean',
        default: false,
        global: true,
        describe: 'Print the stack trace of an unexpected error',
      })
      // yargs passes .check() its parser options (yargs-factory.js check: f(argv, getOptions())),
      // though @types/yargs calls that argument the aliases.
      .check((_args, options) => {
        checkBooleanValues(argv, (options as unknown as { boolean: string[] }).boolean);
        return true;
      }, true)
      .demandCommand(1, 'Name a command; see --help')
      .strict()
      .recommendCommands()
      .help()
      .alias('h', 'help')
      .version(false)
      // --help prints and returns instead of exiting, so main() can be called in-process.
      .exitProcess(false)
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .fail((message, error, state) => {
        // yargs calls this when validation fails and goes on with its work when it returns:
        // validation, then the command's handler (command.js handleValidationAndGetResult), so a
        // callback that only prints lets `release --dryrun` cut the release. Throwing stops the
        // chain before the handler. Without a message, it is an async handler that rejected:
        // parseAsync rejects with that error anyway.
        if (!message) throw error;
        // yargs 18 passes its usage instance here (usage.js fail), whose help() is the help text
        // of the command being parsed; @types/yargs types it as the yargs instance.
        throw new ArgumentsError(message, String((state as unknown as { help(): string }).help()));
      })
  );
}

export async function cli(): Promise<void> {
  process.exitCode = await main(hideBin(process.argv));
}
