import { runE2e } from '../../lib/bitrise-cli/e2e.ts';
import { check, checkWorkflows, strings } from '../arguments.ts';
import { type CommandContext, commandModule } from '../command.ts';

export const e2eModule = (context: CommandContext) =>
  commandModule(context, {
    command: 'e2e [workflows..]',
    describe: 'Run every test_* workflow of e2e/bitrise.yml with the Bitrise CLI, in file order',
    builder: (y) =>
      y
        .positional('workflows', { describe: 'Only these workflows', type: 'string', array: true })
        .option('list', {
          type: 'boolean',
          default: false,
          describe: 'Print the workflow ids, run nothing',
        })
        .option('keep-going', {
          type: 'boolean',
          default: false,
          describe: 'Run all, even after a failure',
        })
        .example('$0 e2e', 'Run all test_* workflows, stop at the first failure')
        .example('$0 e2e --list', 'Show which workflows would run')
        .check(check((args) => checkWorkflows(strings(args['workflows']), context.root))),
    run: (args) =>
      runE2e({
        only: args.workflows as string[] | undefined,
        list: args.list,
        keepGoing: args['keep-going'],
        root: context.root,
        out: context.out,
      }),
  });
