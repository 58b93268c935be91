import {
  installBundle,
  installFastlane,
  reportFastlaneVersion,
  reportRuby,
} from '../../../common/fastlane/index.ts';
import type { StepContext } from '../../../common/step/index.ts';
import type { Config } from './config.ts';

export async function ensureDependencies(config: Config, ctx: StepContext): Promise<void> {
  const install = { exec: ctx.exec, env: ctx.env, cwd: config.inputs.work_dir, logger: ctx.logger };
  await reportRuby(config.launcher, install);
  if (config.launcher.kind === 'bundler') await installBundle(config.launcher, install);
  else if (config.inputs.update_fastlane) await installFastlane(undefined, install);
  else ctx.logger.print('Using system installed Fastlane');
  await reportFastlaneVersion(config.launcher, install);
}
