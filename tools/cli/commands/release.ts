import { releaseStep } from '../../lib/release.ts';
import { consoleOut, type Out } from '../../lib/repo.ts';

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
