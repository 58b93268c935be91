import { releaseStep } from '../../lib/release/release.ts';
import { consoleOut, type Out } from '../../lib/repo.ts';
import { check, checkStepIds, checkVersion } from '../arguments.ts';
import { type CommandContext, commandModule } from '../command.ts';

export const releaseModule = (context: CommandContext) =>
  commandModule(context, {
    command: 'release <id> <version>',
    describe:
      'Publish a Step as its own git ref (branch release/<id>, tag <id>/<version>) whose root is the Step folder',
    builder: (y) =>
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
            (args) => checkStepIds([String(args['id'])], context.root),
            (args) => checkVersion(String(args['version'])),
          ),
        ),
    run: (args) =>
      releaseCommand({
        id: args.id,
        version: args.version,
        dryRun: args['dry-run'],
        push: args.push,
        root: context.root,
        out: context.out,
      }),
  });

export interface ReleaseCommandOptions {
  id: string;
  version: string;
  dryRun?: boolean;
  push?: string;
  root?: string;
  out?: Out;
}

export async function releaseCommand(options: ReleaseCommandOptions): Promise<number> {
  const out = options.out ?? consoleOut;
  const release = await releaseStep(options);
  out.log(`checks passed: semver, committed and current bundle, steps audit`);
  if (options.dryRun) {
    out.log(
      `dry run: would create branch ${release.branch} and tag ${release.tag} from tree ${release.tree}`,
    );
  } else {
    out.log(`created ${release.commit} (tree ${release.tree} = steps/${release.id} at HEAD)`);
    out.log(`  branch ${release.branch}`);
    out.log(`  tag    ${release.tag}`);
    out.log(
      options.push
        ? `pushed both to ${options.push}`
        : `push them: git push origin ${release.branch} ${release.tag}`,
    );
  }
  out.log('');
  out.log('Use it in bitrise.yml:');
  out.log(release.snippet);
  out.log('');
  out.log(
    `For a StepLib entry: stepman share create --git ${release.repoUrl} --tag ${release.version} --stepid ${release.id} needs a tag named exactly ${release.version}; push ${release.branch} to the Step's own repository and tag it ${release.version} there.`,
  );
  return 0;
}
