import { join } from 'node:path';
import { REPO_ROOT } from '../repo.ts';
import { auditStepYml, formatProblem } from '../step-yml/audit.ts';
import { loadStepYml } from '../step-yml/step-yml.ts';
import { UsageError } from '../usage-error.ts';
import { git, gitOk } from './git.ts';

/**
 * Publishes one Step of this monorepo as its own git ref, the way `git subtree split` would:
 * a commit whose tree is the Step folder's tree at HEAD, parented on the previous release of
 * that Step. The Bitrise CLI clones `git::<repo>@<ref>` and needs step.yml at the root
 * (step-contract.md §2.1), which this gives it.
 *
 *   branch  release/<id>      every release of the Step, newest on top
 *   tag     <id>/<X.Y.Z>      one release
 */

export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

export interface ReleaseOptions {
  id: string;
  version: string;
  root?: string;
  /** Builds the Step in memory; returns the bundle text (dist/index.mjs). */
  build?: (id: string, root: string) => Promise<string>;
  /** Check everything, create nothing. */
  dryRun?: boolean;
  /** Push the branch and tag to this remote. */
  push?: string;
}

export interface Release {
  id: string;
  version: string;
  branch: string;
  tag: string;
  commit?: string;
  tree: string;
  repoUrl: string;
  snippet: string;
}

function releaseRefs(id: string, version: string) {
  return { branch: `release/${id}`, tag: `${id}/${version}` };
}

async function buildBundle(id: string, root: string): Promise<string> {
  const { buildStep } = await import('../../build.mjs');
  const files = await buildStep(id, root);
  const bundle = files.find((f) => f.path.endsWith('index.mjs'));
  if (!bundle) throw new Error(`building ${id} produced no index.mjs`);
  return bundle.contents.toString('utf8');
}

export async function releaseStep(options: ReleaseOptions): Promise<Release> {
  const root = options.root ?? REPO_ROOT;
  const { id, version } = options;
  if (!SEMVER.test(version))
    throw new UsageError(
      `"${version}" is not a semantic version X.Y.Z (StepLib tags are exactly three numbers)`,
    );
  const stepPath = `steps/${id}`;
  if (!gitOk(root, ['cat-file', '-e', `HEAD:${stepPath}/step.yml`]))
    throw new UsageError(`${stepPath}/step.yml is not committed at HEAD`);
  const dirty = git(root, ['status', '--porcelain', '--', stepPath]);
  if (dirty)
    throw new UsageError(`${stepPath} has uncommitted changes; the release is cut from HEAD:\n${dirty}`);

  const { branch, tag } = releaseRefs(id, version);
  if (gitOk(root, ['rev-parse', '-q', '--verify', `refs/tags/${tag}`]))
    throw new UsageError(`tag ${tag} already exists`);

  const problems = auditStepYml(join(root, stepPath, 'step.yml')).filter((p) => p.severity === 'error');
  if (problems.length > 0)
    throw new UsageError(`steps audit fails:\n${problems.map((p) => formatProblem(p, root)).join('\n')}`);

  if (!gitOk(root, ['cat-file', '-e', `HEAD:${stepPath}/dist/index.mjs`]))
    throw new UsageError(`${stepPath}/dist/index.mjs is not committed; run npm run build and commit it`);
  const committed = git(root, ['show', `HEAD:${stepPath}/dist/index.mjs`]);
  const fresh = (await (options.build ?? buildBundle)(id, root)).trim();
  if (committed !== fresh)
    throw new UsageError(`${stepPath}/dist/index.mjs is stale; run npm run build and commit it`);

  const tree = git(root, ['rev-parse', `HEAD:${stepPath}`]);
  const repoUrl = repositoryUrl(root, id);
  const snippet = bitriseYmlSnippet(repoUrl, tag, root, id);
  if (options.dryRun) return { id, version, branch, tag, tree, repoUrl, snippet };

  const source = git(root, ['rev-parse', '--short', 'HEAD']);
  const parent = gitOk(root, ['rev-parse', '-q', '--verify', `refs/heads/${branch}`])
    ? git(root, ['rev-parse', `refs/heads/${branch}`])
    : undefined;
  const commit = git(
    root,
    ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-F', '-'],
    `${id} ${version}\n\nThe steps/${id} folder of ${source}, released with \`steps release\`.\n`,
  );
  git(root, ['update-ref', `refs/heads/${branch}`, commit, ...(parent ? [parent] : [])]);
  git(root, ['tag', tag, commit]);
  if (options.push) git(root, ['push', options.push, `refs/heads/${branch}`, `refs/tags/${tag}`]);
  return { id, version, branch, tag, commit, tree, repoUrl, snippet };
}

/** origin's URL in https form when it is a GitHub SSH URL; else the Step's source_code_url. */
function repositoryUrl(root: string, id: string): string {
  const origin = gitOk(root, ['remote', 'get-url', 'origin'])
    ? git(root, ['remote', 'get-url', 'origin'])
    : '';
  const ssh = /^git@([^:]+):(.+?)(\.git)?$/.exec(origin);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}.git`;
  if (origin) return origin;
  const source = loadStepYml(join(root, 'steps', id, 'step.yml')).data['source_code_url'];
  return typeof source === 'string' ? `${source.replace(/\/$/, '')}.git` : '<repository URL>';
}

function bitriseYmlSnippet(repoUrl: string, tag: string, root: string, id: string): string {
  const inputs = loadStepYml(join(root, 'steps', id, 'step.yml')).data['inputs'];
  const required = Array.isArray(inputs)
    ? inputs
        .map((item) => item as Record<string, unknown>)
        .filter((item) => (item['opts'] as Record<string, unknown> | undefined)?.['is_required'] === true)
        .map((item) => Object.keys(item).find((k) => k !== 'opts')!)
    : [];
  const lines = [`- git::${repoUrl}@${tag}:`, `    title: ${id}`];
  if (required.length) lines.push('    inputs:', ...required.map((key) => `    - ${key}: ...`));
  return lines.join('\n');
}
