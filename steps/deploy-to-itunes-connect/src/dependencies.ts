import { dirname } from 'node:path';
import { unlessRefused } from '../../../common/apple/index.ts';
import {
  type FastlaneLauncher,
  type InstallContext,
  installBundle,
  installFastlane,
  oldFastlaneWarning,
  readGemfileLock,
  reportFastlaneVersion,
} from '../../../common/fastlane/index.ts';
import { resolveTool } from '../../../common/step/exec.ts';
import { type StepContext, StepError, withHint } from '../../../common/step/index.ts';
import { appleAccess, appleRefusal } from './apple-access.ts';
import type { Config, FastlaneSetup } from './config.ts';

const FASTLANE_SETUP_HINT =
  "see the gem or bundle output above: check that the Gemfile.lock installs with this stack's Ruby and that rubygems.org is reachable, or set fastlane_version to use another fastlane";

/** What the dependencies phase finds out and makes ready, for the upload and the report. */
export type Toolchain = DeliverToolchain | ApiToolchain;

/** The API upload needs nothing but node: no Xcode, no Ruby, no fastlane. */
export interface ApiToolchain {
  method: 'api';
}

export interface DeliverToolchain {
  method: 'deliver';
  /** Major Xcode version, undefined without xcodebuild: it decides the Transporter variables. */
  xcodeMajor: number | undefined;
  /** How deliver is started. */
  launcher: FastlaneLauncher;
  /** Where fastlane runs: the Gemfile's directory with bundler, else the source dir. */
  cwd: string;
}

/**
 * For deliver, Xcode's version decides the Transporter variables; then fastlane is made ready and
 * reported, while Apple's verdict on the connection arrives (a refusal ends the setup at once, and
 * fastlane itself starts only after the verdict). The API upload has nothing to set up.
 */
export async function ensureDependencies(config: Config, ctx: StepContext): Promise<Toolchain> {
  if (config.upload.method === 'api') return { method: 'api' };
  const started = Date.now();
  const { xcodeMajor, launcher, cwd } = await unlessRefused(setUp(config, ctx), appleRefusal(config));
  await appleAccess(config, ctx);
  // The version the Gemfile.lock pins, else the one installed, as `fastlane --version` tells.
  const lock = launcher.kind === 'bundler' ? readGemfileLock(cwd) : undefined;
  const version = await reportFastlaneVersion(launcher, installContext(config, ctx, cwd));
  const tooOld = lock
    ? oldFastlaneWarning(lock.fastlaneVersion, lock.path)
    : oldFastlaneWarning(version, undefined);
  if (tooOld) ctx.logger.warn(tooOld);
  ctx.logger.print(`fastlane setup took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { method: 'deliver', xcodeMajor, launcher, cwd };
}

async function setUp(config: Config, ctx: StepContext) {
  const xcodeMajor = await xcodeMajorVersion(config, ctx);
  ctx.logger.info('Fastlane setup');
  try {
    return { xcodeMajor, ...(await prepareFastlane(config.setup, config, ctx)) };
  } catch (err) {
    throw withHint(err, FASTLANE_SETUP_HINT);
  }
}

function installContext(config: Config, ctx: StepContext, cwd: string): InstallContext {
  return { exec: ctx.exec, env: config.env, cwd, logger: ctx.logger, clock: ctx.clock };
}

/** `xcodebuild -version` → major version; undefined when there is no Xcode (Linux). */
async function xcodeMajorVersion(config: Config, ctx: StepContext): Promise<number | undefined> {
  ctx.logger.info('Xcode version');
  if (!resolveTool('xcodebuild', config.env['PATH'])) {
    ctx.logger.warn(
      'xcodebuild not found, so this is not a macOS machine with Xcode: the Transporter settings for Xcode older than 14 are not applied, and deliver will need Xcode to upload',
    );
    return undefined;
  }
  let stdout: string;
  try {
    ({ stdout } = await ctx.exec('xcodebuild', ['-version'], { env: config.env, cwd: ctx.cwd }));
  } catch (err) {
    throw new StepError('Failed to get the Xcode version', {
      cause: err,
      hint: 'check the selected Xcode with `xcode-select -p` and `xcodebuild -version`',
    });
  }
  const match = /Xcode (\d+)(\.\d+)*/.exec(stdout);
  if (!match)
    throw new StepError(
      `Failed to get the Xcode version: unexpected xcodebuild -version output "${stdout.trim()}"`,
    );
  return Number(match[1]);
}

async function prepareFastlane(
  setup: FastlaneSetup,
  config: Config,
  ctx: StepContext,
): Promise<{ launcher: FastlaneLauncher; cwd: string }> {
  switch (setup.kind) {
    case 'gem': {
      ctx.logger.print(`fastlane version defined: ${config.inputs.fastlane_version}`);
      await installFastlane(setup.version, installContext(config, ctx, ctx.cwd), {
        prerelease: setup.prerelease,
      });
      const launcher: FastlaneLauncher = setup.version
        ? { kind: 'gem-version', version: setup.version }
        : { kind: 'installed' };
      return { launcher, cwd: ctx.cwd };
    }
    case 'gemfile': {
      const dir = dirname(setup.gemfile);
      const install = installContext(config, ctx, dir);
      const gemfileEnv = { ...config.env, BUNDLE_GEMFILE: setup.gemfile };
      let lock = readGemfileLock(dir);
      let justInstalled = false;
      if (!lock) {
        ctx.logger.print(`No Gemfile.lock or gems.locked next to ${setup.gemfile}: running bundle install`);
        await ctx.exec('bundle', ['install'], { env: gemfileEnv, cwd: dir });
        justInstalled = true;
        lock = readGemfileLock(dir);
        if (!lock)
          throw new StepError("gem lockfile still not exist, even after 'bundle install' was called", {
            hint: `commit the Gemfile.lock of ${setup.gemfile}`,
          });
      }
      if (!lock.fastlaneVersion) {
        ctx.logger.print(`${lock.path} does not lock fastlane: using the installed fastlane`);
        return { launcher: { kind: 'installed' }, cwd: ctx.cwd };
      }
      ctx.logger.print(
        `${lock.path}: fastlane ${lock.fastlaneVersion}, bundler ${lock.bundlerVersion ?? 'not recorded'}`,
      );
      const launcher: FastlaneLauncher = {
        kind: 'bundler',
        bundlerVersion: lock.bundlerVersion,
        gemfile: setup.gemfile,
      };
      if (!justInstalled) await installBundle(launcher, install);
      return { launcher, cwd: dir };
    }
    case 'installed':
      ctx.logger.print('Using the installed fastlane');
      return { launcher: { kind: 'installed' }, cwd: ctx.cwd };
  }
}
