import {
  installBundle,
  installFastlane,
  oldFastlaneWarning,
  reportFastlaneVersion,
  reportRuby,
} from '../../../common/fastlane/index.ts';
import { type StepContext, withHint } from '../../../common/step/index.ts';
import { appleAccess } from './apple-access.ts';
import type { Config } from './config.ts';

const FASTLANE_SETUP_HINT =
  "see the gem or bundle output above: check that the Gemfile.lock installs with this stack's Ruby and that rubygems.org is reachable, or set update_fastlane to no to use the installed fastlane";

/** What setting fastlane up tells: the version the lane runs with, for the report. */
export interface Toolchain {
  /** From `fastlane --version`; undefined when it printed no version line. */
  fastlaneVersion: string | undefined;
}

export async function ensureDependencies(config: Config, ctx: StepContext): Promise<Toolchain> {
  const install = {
    exec: ctx.exec,
    env: ctx.env,
    cwd: config.inputs.work_dir,
    logger: ctx.logger,
    clock: ctx.clock,
  };
  await reportRuby(config.launcher, install);
  // Apple's answer has arrived meanwhile; a rejected connection fails before the slow setup.
  await appleAccess(config, ctx);
  try {
    if (config.launcher.kind === 'bundler') await installBundle(config.launcher, install);
    else if (config.inputs.update_fastlane) await installFastlane(undefined, install);
    else ctx.logger.print('Using system installed Fastlane');
  } catch (err) {
    throw withHint(err, FASTLANE_SETUP_HINT);
  }
  const fastlaneVersion = await reportFastlaneVersion(config.launcher, install);
  // A locked version was judged in configure; this is the installed one.
  const tooOld =
    config.launcher.kind === 'installed' ? oldFastlaneWarning(fastlaneVersion, undefined) : undefined;
  if (tooOld) ctx.logger.warn(tooOld);
  return { fastlaneVersion };
}
