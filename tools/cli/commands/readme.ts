import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { consoleOut, type Out, REPO_ROOT, stepFolders } from '../../lib/repo.ts';
import { updateReadme } from '../../lib/step-yml/readme.ts';
import { loadStepYml } from '../../lib/step-yml/step-yml.ts';
import { check, checkStepIds, strings } from '../arguments.ts';
import { type CommandContext, commandModule } from '../command.ts';

export const readmeModule = (context: CommandContext) =>
  commandModule(context, {
    command: 'readme [ids..]',
    describe: 'Rewrite the inputs/outputs tables of each Step README from step.yml',
    builder: (y) =>
      y
        .positional('ids', { describe: 'Step ids (default: every Step)', type: 'string', array: true })
        .option('check', {
          type: 'boolean',
          default: false,
          describe: 'Write nothing; exit 1 if a README is out of date',
        })
        .example('$0 readme', 'Update every README between <!-- inputs:start -->/<!-- inputs:end --> etc.')
        .example('$0 readme --check', 'Fail when a README is out of date (CI)')
        .check(check((args) => checkStepIds(strings(args['ids']), context.root))),
    run: (args) =>
      readme({
        ids: args.ids as string[] | undefined,
        check: args.check,
        root: context.root,
        out: context.out,
      }),
  });

export interface ReadmeOptions {
  root?: string;
  ids?: string[];
  check?: boolean;
  out?: Out;
}

/**
 * Rewrites the inputs/outputs tables of each Step README from step.yml. With `check`, writes
 * nothing and returns 1 when any README differs from what would be written.
 */
export function readme(options: ReadmeOptions = {}): number {
  const root = options.root ?? REPO_ROOT;
  const out = options.out ?? consoleOut;
  const ids = options.ids?.length ? options.ids : stepFolders(root);
  let failed = false;
  for (const id of ids) {
    const dir = join(root, 'steps', id);
    const readmePath = join(dir, 'README.md');
    const shown = relative(root, readmePath);
    const yml = loadStepYml(join(dir, 'step.yml'));
    if (yml.errors.length > 0) {
      out.error(`${shown}: step.yml does not parse (${yml.errors[0]}); run steps audit`);
      failed = true;
      continue;
    }
    if (!existsSync(readmePath)) {
      out.error(`${shown}: missing`);
      failed = true;
      continue;
    }
    const current = readFileSync(readmePath, 'utf8');
    const { text, missing } = updateReadme(current, yml.data);
    for (const section of missing) {
      out.error(`${shown}: no <!-- ${section}:start --> / <!-- ${section}:end --> markers`);
      failed = true;
    }
    if (text === current) {
      if (missing.length === 0) out.log(`${shown}: up to date`);
      continue;
    }
    if (options.check) {
      out.error(`${shown}: out of date with step.yml; run \`npx steps readme\``);
      failed = true;
    } else {
      writeFileSync(readmePath, text);
      out.log(`${shown}: updated`);
    }
  }
  return failed ? 1 : 0;
}
