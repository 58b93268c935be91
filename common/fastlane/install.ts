import type { Clock } from '../step/clock.ts';
import { StepError } from '../step/errors.ts';
import type { Exec } from '../step/exec.ts';
import type { Logger } from '../step/logger.ts';
import { retry } from '../step/retry.ts';
import type { Env } from '../step/run.ts';
import {
  bundleInstallCommand,
  type Command,
  type FastlaneLauncher,
  fastlaneCommand,
  installBundlerCommand,
  installFastlaneCommand,
  launcherEnv,
  rehashCommand,
} from './commands.ts';

export interface InstallContext {
  exec: Exec;
  env: Env;
  cwd: string;
  logger: Logger;
  /** Base delay of the gem install retries; tests make it short. */
  retryBaseDelayMs?: number;
  /** The Step's clock, for the waits between retries; default the real clock. */
  clock?: Clock;
}

async function run(command: Command, ctx: InstallContext, launcher?: FastlaneLauncher) {
  const env = launcher ? { ...ctx.env, ...launcherEnv(launcher) } : ctx.env;
  return ctx.exec(command.tool, command.args, { env, cwd: ctx.cwd });
}

/** gem installs hit rubygems.org, which fails now and then; upstream retries them too. */
async function runRetried(command: Command, ctx: InstallContext, what: string) {
  return retry(() => run(command, ctx), {
    attempts: 3,
    baseDelayMs: ctx.retryBaseDelayMs ?? 5000,
    maxDelayMs: 30_000,
    jitter: 0.2,
    what,
    logger: ctx.logger,
    clock: ctx.clock,
    classify: () => ({ retry: true }),
  });
}

/** The project's bundle: the pinned bundler, then `bundle install` in the project. */
export async function installBundle(
  launcher: Extract<FastlaneLauncher, { kind: 'bundler' }>,
  ctx: InstallContext,
) {
  ctx.logger.info('Installing bundler and the Gemfile dependencies');
  await runRetried(installBundlerCommand(launcher.bundlerVersion, ctx.env), ctx, 'Installing bundler');
  await rehashRubyShims(ctx);
  await run(bundleInstallCommand(launcher.bundlerVersion, ctx.env), ctx, launcher);
}

/** `gem install fastlane` (retried): a version, the latest prerelease, or the latest release. */
export async function installFastlane(
  version: string | undefined,
  ctx: InstallContext,
  options: { prerelease?: boolean } = {},
) {
  const what = version
    ? `fastlane ${version}`
    : options.prerelease
      ? 'the latest prerelease fastlane'
      : 'the latest fastlane';
  ctx.logger.info(`Installing ${what}`);
  await runRetried(installFastlaneCommand(version, ctx.env, options.prerelease), ctx, 'Installing fastlane');
  await rehashRubyShims(ctx);
}

/** rbenv/asdf shims; a failure only costs a warning, the next command will tell. */
async function rehashRubyShims(ctx: InstallContext): Promise<void> {
  const command = rehashCommand(ctx.env);
  if (!command) return;
  try {
    await run(command, ctx);
  } catch (err) {
    ctx.logger.warn(
      `${command.tool} ${command.args.join(' ')} failed (${(err as Error).message}); continuing`,
    );
  }
}

/**
 * Prints `fastlane --version` the way the Step will start fastlane; fails when it cannot start.
 * Returns the version from its last `fastlane X.Y.Z` line (it prints its path lines first).
 */
export async function reportFastlaneVersion(
  launcher: FastlaneLauncher,
  ctx: InstallContext,
): Promise<string | undefined> {
  ctx.logger.info('fastlane version');
  try {
    const { stdout } = await run(fastlaneCommand(launcher, ['--version']), ctx, launcher);
    return [...stdout.matchAll(/^fastlane (\d+\.\d+\.\d+\S*)\s*$/gm)].at(-1)?.[1];
  } catch (err) {
    throw new StepError('fastlane is not usable', {
      cause: err,
      hint: 'install fastlane on the build machine, add it to the Gemfile, or let the Step install it',
    });
  }
}

/** Reports the active Ruby; informational only, so a failure is just a warning. */
export async function reportRuby(launcher: FastlaneLauncher, ctx: InstallContext): Promise<void> {
  const command: Command =
    launcher.kind === 'bundler'
      ? {
          tool: 'bundle',
          args: [
            ...(launcher.bundlerVersion ? [`_${launcher.bundlerVersion}_`] : []),
            'exec',
            'ruby',
            '--version',
          ],
        }
      : { tool: 'ruby', args: ['--version'] };
  try {
    const result = await ctx.exec(command.tool, command.args, {
      env: { ...ctx.env, ...launcherEnv(launcher) },
      cwd: ctx.cwd,
      quiet: true,
    });
    const version = /ruby (\S+)/.exec(result.stdout)?.[1];
    if (version) ctx.logger.print(`Active Ruby version: ${version}`);
  } catch {
    ctx.logger.warn('Could not determine the active Ruby version');
  }
}
