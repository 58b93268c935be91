import { childEnvWithAuth, fastlaneAuthEnv } from '../../../common/apple/index.ts';
import { fastlaneCommand, launcherEnv } from '../../../common/fastlane/index.ts';
import { ExecError, FailureProgress, type StepContext, wrapError } from '../../../common/step/index.ts';
import { appleAccess } from './apple-access.ts';
import type { Config } from './config.ts';
import { saveFailureDiagnostics } from './diagnostics.ts';

export interface Result {
  succeeded: true;
}

/** What a failed lane left in deploy_dir (fastlane env, build logs), for the report. */
export const savedLogs = new FailureProgress<string[]>();

/** Runs the lane in work_dir, with the credential variables given to the fastlane process only. */
export async function run(config: Config, ctx: StepContext): Promise<Result> {
  const teamEnv = await appleAccess(config, ctx);
  const logsDir = ctx.cleanups.tempDir('fastlane_logs');
  const auth = fastlaneAuthEnv(config.credentials, ctx.cleanups);
  ctx.logger.info('Running fastlane');
  const childEnv = childEnvWithAuth(ctx.env, auth, ctx.logger);
  for (const [key, value] of Object.entries(teamEnv)) {
    ctx.logger.print(`fastlane gets ${key}=${value} for the team`);
    childEnv[key] = value;
  }
  childEnv['FL_BUILDLOG_PATH'] = logsDir;
  const command = fastlaneCommand(config.launcher, config.laneArgs);
  try {
    await ctx.exec(command.tool, command.args, {
      env: { ...childEnv, ...launcherEnv(config.launcher) },
      cwd: config.inputs.work_dir,
    });
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    const saved = await saveFailureDiagnostics(config, childEnv, logsDir, ctx);
    const failure = wrapError('running Fastlane failed', err, {
      hint: 'see the fastlane output above; fastlane_env.log and the build logs are in the deploy directory',
    });
    throw savedLogs.attach(failure, saved);
  }
  ctx.logger.done('fastlane finished');
  return { succeeded: true };
}
