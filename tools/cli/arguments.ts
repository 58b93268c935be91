import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { testWorkflows } from '../lib/bitrise-cli/e2e.ts';
import { SEMVER } from '../lib/release/release.ts';
import { stepFolders } from '../lib/repo.ts';
import { UsageError } from '../lib/usage-error.ts';

/**
 * Checks of a command's arguments that yargs' own validation (strict, choices, demanded
 * positionals) cannot express. The command modules run them as yargs checks, which yargs applies
 * after its validation and before the command's handler, so a failing check means the handler
 * never runs.
 */

/**
 * The checks as one yargs .check() callback. Throwing from it is a validation failure (see the
 * .fail in main.ts); returning true lets parsing go on.
 */
export const check =
  (...checks: ((args: Record<string, unknown>) => void)[]) =>
  (args: Record<string, unknown>) => {
    for (const run of checks) run(args);
    return true;
  };

/** An array option or positional as strings; absent is empty. */
export const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

const TRUE_OR_FALSE = new Set(['true', 'false']);

/**
 * yargs-parser reads `--flag=<anything but "true">` of a boolean flag as false, so
 * `--dry-run=yes` would silently be a real release. Only true and false may follow the `=`.
 */
export function checkBooleanValues(argv: readonly string[], booleans: readonly string[]): void {
  const names = new Set(booleans.flatMap((name) => [name, kebabCase(name)]));
  const end = argv.indexOf('--');
  for (const token of end === -1 ? argv : argv.slice(0, end)) {
    const match = /^--([^=]+)=(.*)$/s.exec(token);
    if (!match) continue;
    const [, name, value] = match as unknown as [string, string, string];
    if (names.has(kebabCase(name)) && !TRUE_OR_FALSE.has(value))
      throw new UsageError(`--${name} is a switch: give --${name}, --no-${name} or --${name}=true|false`);
  }
}

function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Every id names a Step folder of root (which also keeps `../x` out of steps/). */
export function checkStepIds(ids: readonly string[], root: string): void {
  const known = stepFolders(root);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0)
    throw new UsageError(
      `no Step ${unknown.map((id) => `"${id}"`).join(', ')} under steps/; the Steps are: ${known.join(', ') || '(none)'}`,
    );
}

/** audit targets: Step ids, or step.yml paths that must exist. */
export function checkAuditTargets(targets: readonly string[], root: string): void {
  const missing = targets.filter((t) => t.endsWith('.yml') && !existsSync(resolve(t)));
  if (missing.length > 0) throw new UsageError(`no such file: ${missing.join(', ')}`);
  checkStepIds(
    targets.filter((t) => !t.endsWith('.yml')),
    root,
  );
}

export function checkVersion(version: string): void {
  if (!SEMVER.test(version))
    throw new UsageError(
      `"${version}" is not a semantic version X.Y.Z (StepLib tags are exactly three numbers)`,
    );
}

/** e2e workflow names must be test_* workflows of e2e/bitrise.yml, or nothing would run. */
export function checkWorkflows(names: readonly string[], root: string): void {
  const known = testWorkflows(join(root, 'e2e', 'bitrise.yml'));
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new UsageError(
      `e2e/bitrise.yml has no test workflow ${unknown.join(', ')}; run steps e2e --list for the list`,
    );
}
