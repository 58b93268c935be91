import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnvWithAuth, writeApiKeyJson } from '../../../common/apple/index.ts';
import {
  type Command,
  type FastlaneLauncher,
  fastlaneCommand,
  launcherEnv,
} from '../../../common/fastlane/index.ts';
import {
  type Env,
  ExecError,
  formatCommand,
  type StepContext,
  wrapError,
} from '../../../common/step/index.ts';
import type { Config } from './config.ts';
import type { DeliverToolchain } from './dependencies.ts';
import type { Result } from './run.ts';

/** Today's upload: fastlane deliver with the credentials in its environment, as the official Step. */

/** The Transporter variables by Xcode version (DL PR #126: fastlane uses altool from Xcode 14). */
function transporterEnv(
  config: Config,
  xcodeMajor: number | undefined,
  ctx: StepContext,
): Record<string, string> {
  const params = config.inputs.itms_upload_parameters;
  if (xcodeMajor === undefined) {
    if (params)
      ctx.logger.warn('itms_upload_parameters is not used: the Xcode version is unknown (no xcodebuild)');
    return {};
  }
  if (xcodeMajor >= 14) {
    if (params)
      ctx.logger.warn(
        `itms_upload_parameters is not used with Xcode ${xcodeMajor}: fastlane uploads with altool from Xcode 14 on`,
      );
    return {};
  }
  return {
    ITMSTRANSPORTER_FORCE_ITMS_PACKAGE_UPLOAD: 'true',
    ...(params ? { DELIVER_ITMSTRANSPORTER_ADDITIONAL_UPLOAD_PARAMETERS: params } : {}),
  };
}

/** The credential variables of deliver (DL `fastlane.go`); the Apple ID goes as `--username`. */
function authEnv(config: Config): Record<string, string> {
  const credentials = config.credentials;
  if (credentials.kind !== 'apple_id') return {};
  const env: Record<string, string> = { SPACESHIP_SKIP_2FA_UPGRADE: '1' };
  if (!credentials.password.isEmpty) env['DELIVER_PASSWORD'] = credentials.password.reveal();
  if (!credentials.session.isEmpty) env['FASTLANE_SESSION'] = credentials.session.reveal();
  if (!credentials.appSpecificPassword.isEmpty)
    env['FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD'] = credentials.appSpecificPassword.reveal();
  return env;
}

function authArgs(config: Config, ctx: StepContext): string[] {
  const credentials = config.credentials;
  if (credentials.kind === 'apple_id') return ['--username', credentials.username];
  const path = writeApiKeyJson(credentials, ctx.cleanups);
  return ['--api_key_path', path, '--precheck_include_in_app_purchases', 'false'];
}

/** deliver gets a copy in a private temp dir (as upstream); the original path if copying fails. */
function copyArtifact(config: Config, ctx: StepContext): string {
  const { artifact } = config;
  try {
    const target = join(ctx.cleanups.tempDir('ipaOrPkg'), `tmp.${artifact.kind}`);
    copyFileSync(artifact.path, target);
    chmodSync(target, 0o600);
    return target;
  } catch (err) {
    ctx.logger.warn(
      `Could not copy ${artifact.path} to a temp dir (${(err as Error).message}): uploading it in place`,
    );
    return artifact.path;
  }
}

/** `deliver <auth> <app> [team] --ipa|--pkg <file> [skips] --force [--submit_for_review] --platform <p> <options>` */
function deliverArgs(config: Config, auth: string[], file: string): string[] {
  const { inputs } = config;
  return [
    'deliver',
    ...auth,
    ...config.appArgs,
    ...config.teamArgs,
    config.artifact.kind === 'ipa' ? '--ipa' : '--pkg',
    file,
    ...(inputs.skip_screenshots ? ['--skip_screenshots'] : []),
    ...(inputs.skip_metadata ? ['--skip_metadata'] : []),
    ...(inputs.skip_app_version_update ? ['--skip_app_version_update'] : []),
    '--force',
    ...(inputs.submit_for_review ? ['--submit_for_review'] : []),
    '--platform',
    inputs.platform,
    ...config.extraArgs,
  ];
}

export async function uploadWithDeliver(
  config: Config,
  ctx: StepContext,
  toolchain: DeliverToolchain,
): Promise<Result> {
  ctx.logger.info(config.inputs.dry_run ? 'Deploy (dry run)' : 'Deploy');
  const file = copyArtifact(config, ctx);
  const { launcher } = toolchain;
  const command: Command = fastlaneCommand(launcher, deliverArgs(config, authArgs(config, ctx), file));
  const auth = authEnv(config);
  const transporter = transporterEnv(config, toolchain.xcodeMajor, ctx);
  const env: Env = {
    ...childEnvWithAuth(config.env, auth, ctx.logger),
    ...transporter,
    ...launcherEnv(launcher),
  };
  const setKeys = [...Object.keys(auth), ...Object.keys(transporter), ...Object.keys(launcherEnv(launcher))];
  if (setKeys.length > 0) ctx.logger.print(`deliver environment: ${setKeys.join(', ')}`);

  if (config.inputs.dry_run) {
    ctx.logger.print(`$ ${formatCommand(command.tool, command.args)}`);
    ctx.logger.print(`(in ${toolchain.cwd})`);
    ctx.logger.done(
      'Dry run: nothing was uploaded. The command above is what a run with dry_run: "no" starts.',
    );
    return { uploaded: false };
  }

  const started = ctx.clock.now();
  try {
    await ctx.exec(command.tool, command.args, { env, cwd: toolchain.cwd });
  } catch (err) {
    if (!(err instanceof ExecError)) throw err;
    throw wrapError('Deploy failed, error', err, { hint: deliverFailureHint(config, launcher) });
  }
  ctx.logger.done(
    `Success: ${config.artifact.kind === 'ipa' ? 'the IPA' : 'the PKG'} is uploaded to App Store Connect`,
  );
  return { uploaded: true, uploadMs: ctx.clock.now() - started };
}

/** deliver's own output above says what App Store Connect refused; an old fastlane is the usual cause. */
function deliverFailureHint(config: Config, launcher: FastlaneLauncher): string {
  if (launcher.kind === 'bundler') {
    return 'see the deliver output above; fastlane may be too old for the current App Store Connect: update it in the Gemfile.lock (`bundle update fastlane`), or set fastlane_version to latest to try the latest prerelease';
  }
  if (config.inputs.fastlane_version !== 'latest') {
    return 'see the deliver output above; fastlane may be too old for the current App Store Connect: to use the latest prerelease version of fastlane, set the fastlane_version input to latest';
  }
  return 'see the deliver output above for what App Store Connect refused';
}
