import { unlessRefused } from '../../../common/apple/index.ts';
import {
  installBundle,
  installFastlane,
  oldFastlaneWarning,
  reportFastlaneVersion,
  reportRuby,
} from '../../../common/fastlane/index.ts';
import { type StepContext, withHint } from '../../../common/step/index.ts';
import { appleAccess, appleRefusal } from './apple-access.ts';
import type { Config } from './config.ts';

const FASTLANE_SETUP_HINT =
  "see the gem or bundle output above: check that the Gemfile.lock installs with this stack's Ruby and that rubygems.org is reachable, or set update_fastlane to no to use the installed fastlane";

/** What setting fastlane up tells: the version the lane runs with, for the report. */
export interface Toolchain {
  /** From `fastlane --version`; undefined when it printed no version line. */
  fastlaneVersion: string | undefined;
}

/**
 * Installs what fastlane needs while Apple's verdict on the connection arrives (asked for in
 * configure): a rejected session or key, or a team that cannot be chosen, ends the install at once.
 * fastlane itself first starts once Apple has said yes (or could not be asked).
 */
export async function ensureDependencies(config: Config, ctx: StepContext): Promise<Toolchain> {
  const install = installContext(config, ctx);
  await unlessRefused(installTools(config, ctx), appleRefusal(config, ctx));
  await appleAccess(config, ctx);
  const fastlaneVersion = await reportFastlaneVersion(config.launcher, install);
  // A locked version was judged in configure; this is the installed one.
  const tooOld =
    config.launcher.kind === 'installed' ? oldFastlaneWarning(fastlaneVersion, undefined) : undefined;
  if (tooOld) ctx.logger.warn(tooOld);
  return { fastlaneVersion };
}

function installContext(config: Config, ctx: StepContext) {
  return {
    exec: ctx.exec,
    env: ctx.env,
    cwd: config.inputs.work_dir,
    logger: ctx.logger,
    clock: ctx.clock,
  };
}

async function installTools(config: Config, ctx: StepContext): Promise<void> {
  const install = installContext(config, ctx);
  await reportRuby(config.launcher, install);
  try {
    if (config.launcher.kind === 'bundler') await installBundle(config.launcher, install);
    else if (config.inputs.update_fastlane) await installFastlane(undefined, install);
    else ctx.logger.print('Using system installed Fastlane');
  } catch (err) {
    throw withHint(err, FASTLANE_SETUP_HINT);
  }
}
