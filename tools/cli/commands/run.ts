import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type RunStepResult, runStepLocally } from '../../lib/bitrise-cli/run-step.ts';
import { type SimulatorSeed, startSimulation } from '../../lib/demo/simulate.ts';
import { consoleOut, type Out, REPO_ROOT } from '../../lib/repo.ts';
import { UsageError } from '../../lib/usage-error.ts';
import { check, checkStepIds, strings } from '../arguments.ts';
import { type CommandContext, commandModule } from '../command.ts';

export const runModule = (context: CommandContext) =>
  commandModule(context, {
    command: 'run <id>',
    describe: 'Run a bundled Step as the Bitrise CLI would, without the CLI',
    builder: (y) =>
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
          describe: 'An input value, key=value (repeatable); expanded unless the input has is_expand: false',
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
            (args) => checkStepIds([String(args['id'])], context.root),
            (args) => parseInputFlags(strings(args['input'])),
          ),
        ),
    run: async (args) => {
      const result = await runCommand({
        id: args.id,
        input: args.input,
        envFile: args['env-file'],
        secrets: args.secrets,
        sourceDir: args['source-dir'],
        outputsFile: args['outputs-file'],
        simulate: args.simulate,
        root: context.root,
        out: context.out,
      });
      return result.code;
    },
  });

export interface RunCommandOptions {
  id: string;
  root?: string;
  input?: string[];
  envFile?: string;
  secrets?: string;
  sourceDir?: string;
  outputsFile?: string;
  simulate?: boolean;
  /** With `simulate`: what the simulators hold when the Step starts. */
  simulatorSeed?: SimulatorSeed;
  out?: Out;
  stepOutput?: (chunk: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Parses repeated `--input key=value` flags; the value may contain `=`. */
export function parseInputFlags(flags: readonly string[] = []): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const flag of flags) {
    const at = flag.indexOf('=');
    if (at <= 0) throw new UsageError(`--input "${flag}" is not key=value`);
    inputs[flag.slice(0, at)] = flag.slice(at + 1);
  }
  return inputs;
}

export async function runCommand(options: RunCommandOptions): Promise<RunStepResult & { code: number }> {
  const root = options.root ?? REPO_ROOT;
  const out = options.out ?? consoleOut;
  const secretsFile = resolve(options.secrets ?? '.bitrise.secrets.yml');
  if (options.secrets && !existsSync(secretsFile))
    throw new UsageError(`secrets file ${options.secrets} does not exist`);
  if (options.envFile && !existsSync(options.envFile))
    throw new UsageError(`env file ${options.envFile} does not exist`);
  // Before the simulators start, so a bad flag costs nothing.
  const inputs = parseInputFlags(options.input);
  const simulation = options.simulate
    ? await startSimulation({
        id: options.id,
        root,
        path: (options.env ?? process.env)['PATH'],
        env: options.env,
        seed: options.simulatorSeed,
      })
    : undefined;
  try {
    if (simulation) {
      out.log('Simulated run: this Step does not talk to Bitrise or Apple.');
      for (const note of simulation.notes) out.log(`- ${note}`);
    }
    const result = await runStepLocally({
      id: options.id,
      root,
      inputs,
      envFile: options.envFile,
      secretsFile: existsSync(secretsFile) ? secretsFile : undefined,
      sourceDir: options.sourceDir,
      outputsFile: options.outputsFile,
      overrideEnv: simulation?.env,
      pathDirs: simulation?.pathDirs,
      env: options.env,
      out,
      stepOutput: options.stepOutput,
    });
    return { ...result, code: result.exitCode };
  } finally {
    await simulation?.stop();
  }
}
