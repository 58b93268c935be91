import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { audit } from './commands/audit.ts';
import { readme } from './commands/readme.ts';

/** `steps`: the repository's command for creating, checking, running and releasing Steps. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const set = (code: number) => {
    exitCode = code;
  };
  await yargs(argv)
    .scriptName('steps')
    .usage('$0 <command> [options]\n\nCreate, check, run and release the Bitrise Steps under steps/.')
    .command(
      'audit [targets..]',
      'Check step.yml files against stepman audit and the Bitrise step schema',
      (y) =>
        y
          .positional('targets', {
            describe: 'Step ids or step.yml paths (default: every Step)',
            type: 'string',
            array: true,
          })
          .option('strict', { type: 'boolean', default: false, describe: 'Fail on warnings too' })
          .example('$0 audit', 'Audit every steps/*/step.yml')
          .example('$0 audit fastlane-wrapper', 'Audit one Step')
          .example('$0 audit path/to/step.yml --strict', 'Audit a file, failing on warnings'),
      (args) => set(audit({ targets: args.targets as string[] | undefined, strict: args.strict })),
    )
    .command(
      'readme [ids..]',
      'Rewrite the inputs/outputs tables of each Step README from step.yml',
      (y) =>
        y
          .positional('ids', { describe: 'Step ids (default: every Step)', type: 'string', array: true })
          .option('check', {
            type: 'boolean',
            default: false,
            describe: 'Write nothing; exit 1 if a README is out of date',
          })
          .example('$0 readme', 'Update every README between <!-- inputs:start -->/<!-- inputs:end --> etc.')
          .example('$0 readme --check', 'Fail when a README is out of date (CI)'),
      (args) => set(readme({ ids: args.ids as string[] | undefined, check: args.check })),
    )
    .demandCommand(1, 'Name a command; see --help')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message, err, y) => {
      if (err) throw err;
      process.stderr.write(`${y.help()}\n\n${message}\n`);
      exitCode = 2;
    })
    .parseAsync();
  return exitCode;
}

export async function cli(): Promise<void> {
  process.exitCode = await main(hideBin(process.argv));
}
