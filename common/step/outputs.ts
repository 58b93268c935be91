import { StepError } from './errors.ts';
import { type Exec, ExecError } from './exec.ts';
import { redactor } from './redactor.ts';

export interface Output {
  key: string;
  value: string;
  sensitive?: boolean;
}

/**
 * Exports outputs with `envman add --key K`, the value on stdin so it never appears in argv
 * or the echoed command; `--sensitive` for secrets.
 */
export async function exportOutputs(
  outputs: readonly Output[],
  exec: Exec,
  env: Record<string, string | undefined>,
): Promise<void> {
  for (const output of outputs) {
    if (output.sensitive) redactor.add(output.value);
    const args = ['add', '--key', output.key, ...(output.sensitive ? ['--sensitive'] : [])];
    try {
      await exec('envman', args, { env, stdin: output.value, quiet: true });
    } catch (err) {
      if (err instanceof ExecError && err.exitCode === undefined) {
        throw new StepError(`could not export ${output.key}: envman was not found on PATH`, {
          hint: 'run the Step with the Bitrise CLI, or with `npx steps run`',
          cause: err,
        });
      }
      const detail = err instanceof ExecError ? firstLine(err.result?.stderr || err.result?.stdout) : '';
      throw new StepError(
        `could not export ${output.key}: envman refused the value${detail ? ` (${detail})` : ''}`,
        {
          hint: "outputs must stay under envman's size limit (20 KB on bitrise.io); export a file path for large data",
          cause: err,
        },
      );
    }
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n')[0]?.slice(0, 200) ?? '';
}
