import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import {
  authInputProblem,
  type ConnectionCheck,
  type Credentials,
  DEFAULT_INPUT_NAMES,
  type NamedTeam,
  namedTeam,
  noCredentialsError,
  resolveCredentials,
} from '../../../common/apple/index.ts';
import type { Connection } from '../../../common/bitrise/connection.ts';
import { readAppfileTeams } from '../../../common/fastlane/index.ts';
import {
  type Env,
  InputError,
  type InputProblem,
  type Inputs,
  Secret,
  type StepContext,
  StepError,
  shellSplit,
  wrapError,
} from '../../../common/step/index.ts';
import { ArtifactError, type ArtifactInfo, inspectIpa, inspectPkg, platformOf } from './artifact.ts';
import type { inputs } from './inputs.generated.ts';
import { planUpload, type UploadPlan, uploadInputProblems } from './upload-method.ts';

const INPUT_NAMES = { ...DEFAULT_INPUT_NAMES, appleId: 'itunescon_user' };

/** How fastlane is obtained before deliver runs (DL `ensureFastlaneVersionAndCreateCmdSlice`). */
export type FastlaneSetup =
  /** `gem install fastlane`: the latest stable, the latest prerelease, or an exact version. */
  | { kind: 'gem'; version?: string; prerelease: boolean }
  /** The Gemfile's bundle, when its lock has fastlane (decided once the lock exists). */
  | { kind: 'gemfile'; gemfile: string }
  | { kind: 'installed' };

/** Everything the inputs, the artifact and the connection decide; complete when configure returns. */
export interface Config {
  inputs: Inputs<typeof inputs>;
  artifact: ArtifactInfo;
  /** `--app <id>` or `--app_identifier <bundle id>` */
  appArgs: string[];
  /** `--team_name <name>`, `--team_id <id>` or nothing */
  teamArgs: string[];
  /** The `options` input, split like a shell does. */
  extraArgs: string[];
  setup: FastlaneSetup;
  credentials: Credentials;
  /** Apple's verdict on the credentials, asked for while fastlane is set up. */
  check: ConnectionCheck;
  /** The App Store Connect team named by team_id/team_name, the environment or fastlane/Appfile. */
  team: NamedTeam;
  /** The Step's environment for every child, without FASTLANE_PASSWORD (as upstream). */
  env: Env;
  /** Through the App Store Connect API or fastlane deliver (upload_method), and what follows in TestFlight. */
  upload: UploadPlan;
}

const FASTLANE_VERSION = /^(latest|latest-stable|\d+(\.\d+){1,3}([.-][0-9A-Za-z]+)*)$/;

/** Upstream's auth-input messages, keyed by the input the user has to fix. */
/**
 * Checks every input together and reports all problems in one InputError, then selects the
 * credentials. Nothing is installed or uploaded before this has passed.
 */
export async function configure(values: Inputs<typeof inputs>, ctx: StepContext): Promise<Config> {
  const problems: InputProblem[] = [];
  const problem = (key: string, message: string) => problems.push({ key, message });
  const abs = (path: string) => (isAbsolute(path) ? path : resolve(ctx.cwd, path));

  // Credential inputs, with upstream's messages (go-xcode appleauth `Validate`).
  const authProblem = authInputProblem(
    {
      appleId: values.itunescon_user.reveal().trim(),
      password: values.password,
      appPassword: values.app_password,
      apiKeyPath: new Secret(values.api_key_path),
      apiIssuer: values.api_issuer,
    },
    INPUT_NAMES,
    ctx.logger,
  );
  if (authProblem) problems.push(authProblem);

  // The artifact: one of the two, existing, and what it claims to be.
  let artifact: ArtifactInfo | undefined;
  if (!values.ipa_path && !values.pkg_path) {
    problem(
      'ipa_path/pkg_path',
      'no IpaPath nor PkgPath parameter specified: set ipa_path to the .ipa (Xcode Archive exports $BITRISE_IPA_PATH) or pkg_path to the .pkg',
    );
  } else {
    const key = values.ipa_path ? 'ipa_path' : 'pkg_path';
    try {
      artifact = values.ipa_path ? await inspectIpa(abs(values.ipa_path)) : inspectPkg(abs(values.pkg_path));
    } catch (err) {
      if (!(err instanceof ArtifactError)) throw err;
      problem(
        key,
        `${err.message}; set ${key} to the ${key === 'ipa_path' ? '.ipa' : '.pkg'} that Xcode Archive (or your build) exported`,
      );
    }
  }

  if (artifact?.kind === 'pkg' && values.platform !== 'osx') {
    problem('platform', `"${values.platform}" cannot take a .pkg: set platform to osx for a macOS app`);
  }
  if (artifact?.kind === 'ipa') {
    const built = platformOf(artifact.platformName);
    if (built && built !== values.platform) {
      problem(
        'platform',
        `"${values.platform}" does not match the IPA, built for ${artifact.platformName}: set platform to ${built}`,
      );
    }
  }

  // The app on App Store Connect.
  if (!values.app_id && !values.bundle_id) {
    problem(
      'app_id/bundle_id',
      "no AppID or BundleID parameter specified: set app_id to the app's Apple ID (App Store Connect › App Information) or bundle_id to its bundle ID",
    );
  }
  if (values.app_id && !/^\d+$/.test(values.app_id)) {
    problem(
      'app_id',
      `"${values.app_id}" is not an App Store Connect Apple ID: use the number under App Store Connect › App Information › Apple ID, or put a bundle ID into bundle_id`,
    );
  }
  if (values.bundle_id && artifact?.kind === 'ipa' && values.bundle_id !== artifact.bundleId) {
    problem(
      'bundle_id',
      `"${values.bundle_id}" differs from the IPA's bundle ID "${artifact.bundleId}": set bundle_id to ${artifact.bundleId}, or upload the IPA of ${values.bundle_id}`,
    );
  }

  let extraArgs: string[] = [];
  try {
    extraArgs = shellSplit(values.options);
  } catch (err) {
    problem(
      'options',
      `cannot be split into arguments (${(err as Error).message}): quote it as a shell would`,
    );
  }
  if (values.fastlane_version && !FASTLANE_VERSION.test(values.fastlane_version)) {
    problem(
      'fastlane_version',
      `"${values.fastlane_version}" is not a fastlane version: use latest-stable, latest (prerelease), an exact version such as 2.228.0, or leave it empty to use the Gemfile`,
    );
  }

  problems.push(...uploadInputProblems(values, artifact));

  if (problems.length > 0) throw new InputError(problems);
  if (!artifact) throw new Error('unreachable: artifact validated');

  reportArtifact(artifact, values, ctx);
  const { credentials, check } = await selectCredentials(values, artifact, ctx);
  const upload = planUpload(values, artifact, credentials, ctx.logger);

  const env: Env = { ...ctx.env };
  if (upload.method === 'deliver' && env['FASTLANE_PASSWORD'] !== undefined) {
    delete env['FASTLANE_PASSWORD'];
    ctx.logger.print(
      'FASTLANE_PASSWORD is not passed on to fastlane (deliver gets the password as DELIVER_PASSWORD)',
    );
  }

  return {
    inputs: values,
    artifact,
    appArgs: appArgs(values, ctx),
    teamArgs: upload.method === 'deliver' ? teamArgs(values, ctx) : [],
    extraArgs,
    // The API upload installs nothing; fastlane's setup is worked out (and logged) for deliver only.
    setup: upload.method === 'deliver' ? fastlaneSetup(values, ctx, abs) : { kind: 'installed' },
    credentials,
    check,
    team: namedTeam({
      inputs: {
        itcTeamId: { value: values.team_id, from: 'the team_id input' },
        itcTeamName: { value: values.team_name, from: 'the team_name input' },
      },
      fastlaneEnv: env,
      appfile: readAppfileTeams(ctx.cwd),
    }),
    env,
    upload,
  };
}

function reportArtifact(artifact: ArtifactInfo, values: Inputs<typeof inputs>, ctx: StepContext): void {
  ctx.logger.info('Artifact');
  if (values.ipa_path && values.pkg_path)
    ctx.logger.warn('Both ipa_path and pkg_path are set: the .ipa is uploaded (ipa_path wins, as upstream)');
  if (artifact.kind === 'ipa') {
    ctx.logger.print(`IPA: ${artifact.path}`);
    ctx.logger.print(`- app: Payload/${artifact.app}`);
    ctx.logger.print(`- bundle ID: ${artifact.bundleId}`);
    ctx.logger.print(`- version: ${artifact.version || '<unset>'} (build ${artifact.build || '<unset>'})`);
    if (artifact.platformName) ctx.logger.print(`- platform: ${artifact.platformName}`);
  } else {
    ctx.logger.print(`PKG: ${artifact.path} (${artifact.size} bytes, xar archive)`);
  }
}

async function selectCredentials(
  values: Inputs<typeof inputs>,
  artifact: ArtifactInfo,
  ctx: StepContext,
): Promise<{ credentials: Credentials; check: ConnectionCheck }> {
  let credentials: Credentials | undefined;
  let connection: Connection;
  let check: ConnectionCheck;
  try {
    ({ credentials, connection, check } = await resolveCredentials(values, ctx, {
      appleId: values.itunescon_user,
      inputNames: INPUT_NAMES,
      expiryPolicy: 'fail',
      // A key is tested on the app it uploads to; the session goes to deliver, whose spaceship
      // needs an App Store Connect provider.
      check: {
        apiKeyUse: {
          kind: 'upload',
          bundleId: (artifact.kind === 'ipa' && artifact.bundleId) || values.bundle_id,
        },
        portalTeams: false,
        requireProvider: true,
      },
    }));
  } catch (err) {
    if (!(err instanceof StepError)) throw err;
    throw wrapError('Could not configure Apple Service authentication', err);
  }
  if (!credentials) {
    throw noCredentialsError('Could not configure Apple Service authentication', connection, {
      hint: 'connect an App Store Connect API key or an Apple ID to this app on bitrise.io, or set api_key_path and api_issuer (or itunescon_user, password and app_password) with connection set to off',
    });
  }
  if (credentials.kind === 'apple_id') {
    if (credentials.appSpecificPassword.isEmpty)
      ctx.logger.warn('If 2FA enabled Apple ID is used, Application-specific password is required.');
  }
  return { credentials, check };
}

function appArgs(values: Inputs<typeof inputs>, ctx: StepContext): string[] {
  if (values.app_id && values.bundle_id)
    ctx.logger.warn(
      `Both app_id and bundle_id are set: --app ${values.app_id} is used, bundle_id only checks the IPA`,
    );
  return values.app_id ? ['--app', values.app_id] : ['--app_identifier', values.bundle_id];
}

function teamArgs(values: Inputs<typeof inputs>, ctx: StepContext): string[] {
  if (values.team_name && values.team_id)
    ctx.logger.warn(
      `Both team_name and team_id are set: --team_name ${values.team_name} is used, team_id is ignored`,
    );
  if (values.team_name) return ['--team_name', values.team_name];
  if (values.team_id) return ['--team_id', values.team_id];
  return [];
}

function fastlaneSetup(
  values: Inputs<typeof inputs>,
  ctx: StepContext,
  abs: (path: string) => string,
): FastlaneSetup {
  const gemfile = values.gemfile_path ? abs(values.gemfile_path) : '';
  const gemfileExists = gemfile !== '' && existsSync(gemfile) && statSync(gemfile).isFile();
  const version = values.fastlane_version;
  if (version) {
    if (gemfileExists)
      ctx.logger.print(
        `fastlane_version is ${version}, so ${values.gemfile_path} is not used (empty fastlane_version uses the Gemfile's fastlane)`,
      );
    if (version === 'latest-stable') return { kind: 'gem', prerelease: false };
    if (version === 'latest') return { kind: 'gem', prerelease: true };
    return { kind: 'gem', version, prerelease: false };
  }
  if (!gemfile) return { kind: 'installed' };
  if (!gemfileExists) {
    ctx.logger.print(`Gemfile not found at ${values.gemfile_path}: using the installed fastlane`);
    return { kind: 'installed' };
  }
  return { kind: 'gemfile', gemfile };
}
