import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runE2e } from '../lib/e2e.ts';
import { consoleOut, type Out, REPO_ROOT } from '../lib/repo.ts';
import { TYPE_TAGS } from '../lib/rules.ts';
import {
  checkAuditTargets,
  checkBooleanValues,
  checkStepIds,
  checkVersion,
  checkWorkflows,
} from './arguments.ts';
import { audit } from './commands/audit.ts';
import { connectionCommand } from './commands/connection.ts';
import { newCommand } from './commands/new.ts';
import { readme } from './commands/readme.ts';
import { releaseCommand } from './commands/release.ts';
import { parseInputFlags, runCommand } from './commands/run.ts';
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

/** A check for yargs' .check(): throwing from it is a validation failure (see the .fail below). */
const check =
  (...checks: ((args: Record<string, unknown>) => void)[]) =>
  (args: Record<string, unknown>) => {
    for (const run of checks) run(args);
    return true;
  };

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

function commandLine(argv: string[], context: CliContext, set: (code: number) => void): Argv {
  const root = context.root ?? REPO_ROOT;
  const { out } = context;
  return (
    yargs(argv)
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
            .check(check((args) => checkAuditTargets(strings(args['targets']), root)))
            .example('$0 audit', 'Audit every steps/*/step.yml')
            .example('$0 audit fastlane-wrapper', 'Audit one Step')
            .example('$0 audit path/to/step.yml --strict', 'Audit a file, failing on warnings'),
        (args) =>
          set(audit({ targets: args.targets as string[] | undefined, strict: args.strict, root, out })),
      )
      .command(
        'new',
        'Create steps/<id>/ from step.yml.templates/ (asks for what the flags leave out)',
        (y) =>
          y
            .option('title', { type: 'string', requiresArg: true, describe: 'The Step title' })
            .option('id', {
              type: 'string',
              requiresArg: true,
              describe: 'The Step id [default: the title, lower-cased, other chars → -]',
            })
            .option('summary', {
              type: 'string',
              requiresArg: true,
              describe: 'One line, at most 100 characters',
            })
            .option('description', {
              type: 'string',
              requiresArg: true,
              describe: 'Markdown [default: the summary]',
            })
            .option('type-tag', {
              type: 'string',
              requiresArg: true,
              choices: [...TYPE_TAGS],
              describe: 'Primary type tag [default: utility]',
            })
            .option('author', {
              type: 'string',
              requiresArg: true,
              describe: 'Author [default: git config user.name]',
            })
            .option('github-user', {
              type: 'string',
              requiresArg: true,
              describe: 'URLs become https://github.com/<user>/bitrise-step-<id>',
            })
            .option('website', {
              type: 'string',
              requiresArg: true,
              describe: "Website URL [default: this repository's]",
            })
            .option('source-code-url', {
              type: 'string',
              requiresArg: true,
              describe: "Source code URL [default: this repository's]",
            })
            .option('support-url', {
              type: 'string',
              requiresArg: true,
              describe: 'Support URL [default: <source>/issues]',
            })
            .option('interactive', {
              type: 'boolean',
              describe: 'Ask for missing answers [default: when stdin is a terminal]',
            })
            .example('$0 new', 'Answer the questions')
            .example(
              '$0 new --title "Hello World" --summary "Says hello" --type-tag utility',
              'No questions: creates steps/hello-world',
            ),
        async (args) =>
          set(
            await newCommand({
              title: args.title,
              id: args.id,
              summary: args.summary,
              description: args.description,
              typeTag: args['type-tag'],
              author: args.author,
              githubUser: args['github-user'],
              website: args.website,
              sourceCodeUrl: args['source-code-url'],
              supportUrl: args['support-url'],
              interactive: args.interactive,
              root,
              out,
            }),
          ),
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
            .example(
              '$0 readme',
              'Update every README between <!-- inputs:start -->/<!-- inputs:end --> etc.',
            )
            .example('$0 readme --check', 'Fail when a README is out of date (CI)')
            .check(check((args) => checkStepIds(strings(args['ids']), root))),
        (args) => set(readme({ ids: args.ids as string[] | undefined, check: args.check, root, out })),
      )
      .command(
        'run <id>',
        'Run a bundled Step as the Bitrise CLI would, without the CLI',
        (y) =>
          y
            .positional('id', {
              describe: 'The Step id (folder under steps/)',
              type: 'string',
              demandOption: true,
            })
            .option('input', {
              alias: 'i',
              type: 'string',
              array: true,
              requiresArg: true,
              describe:
                'An input value, key=value (repeatable); expanded unless the input has is_expand: false',
            })
            .option('env-file', {
              type: 'string',
              requiresArg: true,
              describe: 'A dotenv file: input keys set inputs, other keys become env vars',
            })
            .option('secrets', {
              type: 'string',
              requiresArg: true,
              describe:
                'Secrets in .bitrise.secrets.yml format (envs list); masked in output [default: ./.bitrise.secrets.yml if present]',
            })
            .option('source-dir', {
              type: 'string',
              requiresArg: true,
              describe: "BITRISE_SOURCE_DIR and the Step's cwd [default: $BITRISE_SOURCE_DIR or .]",
            })
            .option('outputs-file', {
              type: 'string',
              requiresArg: true,
              describe: 'Where the exported outputs go, as dotenv [default: _tmp/<id>.outputs.env]',
            })
            .option('simulate', {
              type: 'boolean',
              default: false,
              describe:
                'Start the build API and Apple portal simulators, point the Step at them, and put recording stand-ins on PATH for fastlane, bundle, gem, security and xcodebuild when missing',
            })
            .example(
              '$0 run fastlane-wrapper --input lane="ios beta" --simulate',
              'Run a lane against the simulators',
            )
            .example(
              '$0 run deploy-to-itunes-connect --env-file local.env -i dry_run=yes',
              'Inputs from a file and a flag',
            )
            .example(
              '$0 run auto-provision --source-dir ./e2e/fixtures/app --outputs-file out.env',
              'Run in a project, keep the outputs',
            )
            .check(
              check(
                (args) => checkStepIds([String(args['id'])], root),
                (args) => parseInputFlags(strings(args['input'])),
              ),
            ),
        async (args) => {
          const result = await runCommand({
            id: args.id,
            input: args.input,
            envFile: args['env-file'],
            secrets: args.secrets,
            sourceDir: args['source-dir'],
            outputsFile: args['outputs-file'],
            simulate: args.simulate,
            root,
            out,
          });
          set(result.code);
        },
      )
      .command(
        'release <id> <version>',
        'Publish a Step as its own git ref (branch release/<id>, tag <id>/<version>) whose root is the Step folder',
        (y) =>
          y
            .positional('id', { describe: 'The Step id', type: 'string', demandOption: true })
            .positional('version', { describe: 'Semantic version X.Y.Z', type: 'string', demandOption: true })
            .option('dry-run', {
              type: 'boolean',
              default: false,
              describe: 'Run the checks, create nothing',
            })
            .option('push', {
              type: 'string',
              requiresArg: true,
              describe: 'Also push the branch and tag to this remote',
            })
            .example(
              '$0 release fastlane-wrapper 1.0.0',
              'Tag fastlane-wrapper/1.0.0; use it as git::<repo>@fastlane-wrapper/1.0.0',
            )
            .example(
              '$0 release auto-provision 2.1.0 --dry-run',
              'Only check semver, bundle freshness and the audit',
            )
            .check(
              check(
                (args) => checkStepIds([String(args['id'])], root),
                (args) => checkVersion(String(args['version'])),
              ),
            ),
        async (args) =>
          set(
            await releaseCommand({
              id: args.id,
              version: args.version,
              dryRun: args['dry-run'],
              push: args.push,
              root,
              out,
            }),
          ),
      )
      .command(
        'e2e [workflows..]',
        'Run every test_* workflow of e2e/bitrise.yml with the Bitrise CLI, in file order',
        (y) =>
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
            .check(check((args) => checkWorkflows(strings(args['workflows']), root))),
        (args) =>
          set(
            runE2e({
              only: args.workflows as string[] | undefined,
              list: args.list,
              keepGoing: args['keep-going'],
              root,
              out,
            }),
          ),
      )
      .command(
        'connection',
        'Test the connected Apple account of a build, like the "Test the connection" button on bitrise.io',
        (y) =>
          y
            .option('build-url', {
              type: 'string',
              requiresArg: true,
              describe: 'The build URL, or file://<path> of a connection JSON [default: $BITRISE_BUILD_URL]',
            })
            .option('token', {
              type: 'string',
              requiresArg: true,
              describe: 'The build API token [default: $BITRISE_BUILD_API_TOKEN]',
            })
            .option('token-file', {
              type: 'string',
              requiresArg: true,
              describe: 'Read the token from this file (keeps it out of shell history)',
            })
            .example(
              '$0 connection --build-url https://app.bitrise.io/build/<slug> --token-file token.txt',
              'Test a build',
            )
            .example(
              '$0 connection --build-url file://testkit/fixtures/connections/apple-id.json',
              'Inspect a saved connection JSON',
            ),
        async (args) =>
          set(
            await connectionCommand({
              buildUrl: args['build-url'],
              token: args.token,
              tokenFile: args['token-file'],
              out,
            }),
          ),
      )
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
