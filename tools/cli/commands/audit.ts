import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { consoleOut, type Out, REPO_ROOT, stepFolders } from '../../lib/repo.ts';
import { auditStepYml, formatProblem, type Problem } from '../../lib/step-yml/audit.ts';
import { check, checkAuditTargets, strings } from '../arguments.ts';
import { type CommandContext, commandModule } from '../command.ts';

export const auditModule = (context: CommandContext) =>
  commandModule(context, {
    command: 'audit [targets..]',
    describe: 'Check step.yml files against stepman audit and the Bitrise step schema',
    builder: (y) =>
      y
        .positional('targets', {
          describe: 'Step ids or step.yml paths (default: every Step)',
          type: 'string',
          array: true,
        })
        .option('strict', { type: 'boolean', default: false, describe: 'Fail on warnings too' })
        .check(check((args) => checkAuditTargets(strings(args['targets']), context.root)))
        .example('$0 audit', 'Audit every steps/*/step.yml')
        .example('$0 audit fastlane-wrapper', 'Audit one Step')
        .example('$0 audit path/to/step.yml --strict', 'Audit a file, failing on warnings'),
    run: (args) =>
      audit({
        targets: args.targets as string[] | undefined,
        strict: args.strict,
        root: context.root,
        out: context.out,
      }),
  });

export interface AuditOptions {
  root?: string;
  /** step.yml files or Step ids; default every Step. */
  targets?: string[];
  strict?: boolean;
  out?: Out;
}

/** Audits step.yml files; returns the exit code (1 on errors, or on warnings with strict). */
export function audit(options: AuditOptions = {}): number {
  const root = options.root ?? REPO_ROOT;
  const out = options.out ?? consoleOut;
  const files = options.targets?.length
    ? options.targets.map((t) => (t.endsWith('.yml') ? t : join(root, 'steps', t, 'step.yml')))
    : stepFolders(root).map((id) => join(root, 'steps', id, 'step.yml'));
  if (files.length === 0) {
    out.log('no step.yml to audit');
    return 0;
  }
  const problems: Problem[] = files.flatMap((file): Problem[] =>
    existsSync(file)
      ? auditStepYml(file)
      : [{ file, key: '(file)', message: 'no such file', severity: 'error' }],
  );
  for (const problem of problems) out.log(formatProblem(problem, root));
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const failed = errors > 0 || (options.strict === true && warnings > 0);
  out.log(
    `${failed ? 'audit failed' : 'audit passed'}: ${files.length} step.yml, ${errors} error(s), ${warnings} warning(s)`,
  );
  return failed ? 1 : 0;
}
