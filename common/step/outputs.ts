import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envmanValueLimitBytes } from './envman-limits.ts';
import { StepError } from './errors.ts';
import { type Exec, ExecError } from './exec.ts';
import { redactor } from './redactor.ts';

export interface Output {
  key: string;
  value: string;
  /** step.yml marks the output `is_sensitive`: later Steps see it redacted. */
  sensitive?: boolean;
}

/**
 * Exports outputs with `envman add --key K --valuefile F --no-expand [--sensitive]`
 * (step-contract.md §2.5):
 * - envman reads stdin only when it is a FIFO, and Node gives a child a socket, so a value written
 *   to stdin would be stored as "" — the value goes through a 0600 file, removed right after;
 *   never through argv, where other processes could read it;
 * - `--no-expand`, because every value is literal data (sessions, paths, names) in which a `$`
 *   must reach later Steps as written;
 * - envman rejects a value over its size limit, so that is checked first, naming the output.
 */
export async function exportOutputs(
  outputs: readonly Output[],
  exec: Exec,
  env: Record<string, string | undefined>,
): Promise<void> {
  const limit = envmanValueLimitBytes(env);
  for (const output of outputs) {
    if (output.sensitive) redactor.add(output.value);
    const size = Buffer.byteLength(output.value);
    if (limit > 0 && size > limit) {
      throw new StepError(
        `could not export ${output.key}: its value is ${kb(size)} KB, over envman's ${kb(limit)} KB limit`,
        { hint: 'raise ENVMAN_ENV_BYTES_LIMIT_IN_KB, or export a file path instead of the data' },
      );
    }
    await exportOne(output, exec, env);
  }
}

async function exportOne(output: Output, exec: Exec, env: Record<string, string | undefined>): Promise<void> {
  const dir = mkdtempSync(join(env['TMPDIR'] || tmpdir(), 'envman-value-'));
  const valueFile = join(dir, 'value');
  try {
    writeFileSync(valueFile, output.value, { mode: 0o600 });
    const args = [
      'add',
      '--key',
      output.key,
      '--valuefile',
      valueFile,
      '--no-expand',
      ...(output.sensitive ? ['--sensitive'] : []),
    ];
    await exec('envman', args, { env, quiet: true, noEcho: true });
  } catch (err) {
    throw exportError(output.key, err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function exportError(key: string, err: unknown): StepError {
  if (err instanceof ExecError && err.exitCode === undefined) {
    return new StepError(`could not export ${key}: envman was not found on PATH`, {
      hint: 'run the Step with the Bitrise CLI, or with `npx steps run`',
      cause: err,
    });
  }
  const detail = err instanceof ExecError ? lastLine(err.result?.stderr || err.result?.stdout) : '';
  return new StepError(`could not export ${key}: envman failed${detail ? ` (${detail})` : ''}`, {
    hint: 'check that ENVMAN_ENVSTORE_PATH points to a writable file and the outputs stay under the size limits',
    cause: err,
  });
}

function kb(bytes: number): string {
  return (bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1);
}

function lastLine(text: string | undefined): string {
  const lines = (text ?? '').trim().split('\n').filter(Boolean);
  return lines.at(-1)?.slice(0, 200) ?? '';
}
