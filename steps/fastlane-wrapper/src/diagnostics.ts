import { copyFileSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type Command, fastlaneCommand, launcherEnv } from '../../../common/fastlane/index.ts';
import type { Env, StepContext } from '../../../common/step/index.ts';
import type { Config } from './config.ts';

/**
 * After a failed lane: `fastlane env` and fastlane's build logs go to the deploy dir for the user.
 * Returns the paths of the files saved there.
 */
export async function saveFailureDiagnostics(
  config: Config,
  childEnv: Env,
  logsDir: string,
  ctx: StepContext,
): Promise<string[]> {
  const saved: string[] = [];
  const deployDir = config.inputs.deploy_dir;
  if (!deployDir) {
    ctx.logger.warn('deploy_dir is not set: fastlane_env.log and the fastlane build logs are not saved');
    return saved;
  }
  mkdirSync(deployDir, { recursive: true });
  ctx.logger.warn('Collecting fastlane env for debugging');
  const command: Command = fastlaneCommand(config.launcher, ['env']);
  try {
    const result = await ctx.exec(command.tool, command.args, {
      env: { ...childEnv, ...launcherEnv(config.launcher) },
      cwd: config.inputs.work_dir,
      stdin: 'n\n',
      quiet: true,
      allowFailure: true,
      timeoutMs: 120_000,
    });
    const envLog = join(deployDir, 'fastlane_env.log');
    writeFileSync(envLog, result.stdout + result.stderr);
    saved.push(envLog);
    ctx.logger.print(`fastlane env is saved to ${envLog}`);
  } catch (err) {
    ctx.logger.warn(`Could not run fastlane env: ${(err as Error).message}`);
  }
  for (const file of listFiles(logsDir)) {
    const target = join(deployDir, relative(logsDir, file).split('/').join('_'));
    moveFile(file, target);
    saved.push(target);
    ctx.logger.print(`fastlane log moved to ${target}`);
  }
  return saved;
}

function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path));
    else if (statSync(path).isFile()) files.push(path);
  }
  return files;
}

function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    // Across file systems rename fails; the copy is enough, the source dir is cleaned up anyway.
    copyFileSync(from, to);
  }
}
