import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SimulatorSeed } from '../../../testkit/simulation.ts';
import { consoleOut, type Out, REPO_ROOT } from '../../lib/repo.ts';
import { type RunStepResult, runStepLocally, UsageError } from '../../lib/run-step.ts';
import { startSimulation } from '../../lib/simulate.ts';

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
