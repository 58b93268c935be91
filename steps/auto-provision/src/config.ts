import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import {
  authInputProblem,
  CODESIGN_SOURCES,
  type ConnectionCheck,
  type Credentials,
  DEFAULT_INPUT_NAMES,
  noCredentialsError,
  resolveCredentials,
} from '../../../common/apple/index.ts';
import type { Connection } from '../../../common/bitrise/connection.ts';
import {
  type AnalyzeProjectOptions,
  analyzeProject,
  type Platform,
  type ProjectAnalysis,
} from '../../../common/codesign/index.ts';
import {
  InputError,
  type InputProblem,
  type Inputs,
  Secret,
  type StepContext,
  StepError,
  wrapError,
} from '../../../common/step/index.ts';
import type { inputs } from './inputs.generated.ts';
import { PLATFORM_NAMES } from './platforms.ts';

/** What the app is signed for: the distribution_type input's value_options in step.yml. */
export type DistributionType = Inputs<typeof inputs>['distribution_type'];

export interface Config {
  inputs: Inputs<typeof inputs>;
  distribution: DistributionType;
  /** One per certificate URL, empty ones kept. */
  passphrases: Secret[];
  project: ProjectAnalysis;
  connection: Connection;
  credentials: Credentials;
  /** Apple's verdict on the credentials, asked for in configure. */
  check: ConnectionCheck;
  /** `$HOME`, where the profiles are installed. */
  home: string;
  /** The platforms the `platforms` input allows; undefined signs every one the targets build for. */
  platforms?: ReadonlySet<Platform>;
  /** The UDIDs of `test_device_list_path`, in the file's order. */
  testDeviceUdids: string[];
}

/**
 * Checks every input together (all problems in one InputError), then reads the project and selects
 * the credentials. Nothing is downloaded, written or sent to Apple before this has passed.
 */
export async function configure(values: Inputs<typeof inputs>, ctx: StepContext): Promise<Config> {
  const problems: InputProblem[] = [];
  const problem = (key: string, message: string) => problems.push({ key, message });

  // URLs drop empty entries, passphrases keep them (upstream), so `a|b` with `|pw` pairs up.
  const passphrases = values.passphrases
    .reveal()
    .split('|')
    .map((p) => new Secret(p));
  if (values.certificate_urls.length > 0 && values.certificate_urls.length !== passphrases.length) {
    problem(
      'passphrases',
      `certificates count (${values.certificate_urls.length}) and passphrases count (${passphrases.length}) should match: give one passphrase per certificate URL, separated by |, keeping empty ones (e.g. "|secret")`,
    );
  }
  if (!/\.(xcodeproj|xcworkspace)\/?$/.test(values.project_path ?? '')) {
    problem('project_path', `"${values.project_path}" is not an .xcodeproj or .xcworkspace: set it to one`);
  }
  const authProblem = authInputProblem(
    {
      appleId: '',
      password: new Secret(''),
      appPassword: new Secret(''),
      apiKeyPath: new Secret(values.api_key_path),
      apiIssuer: values.api_issuer,
    },
    DEFAULT_INPUT_NAMES,
    ctx.logger,
  );
  if (authProblem) problems.push(authProblem);
  const platforms = parsePlatforms(values.platforms, problem);
  const testDeviceUdids = values.test_device_list_path ? readUdids(values.test_device_list_path) : [];
  if (problems.length > 0) throw new InputError(problems);

  // The project is read first: its problems are found without a request. Apple's answer on the
  // credentials arrives while run prepares; it is awaited before the first portal request.
  const project = readProject(values, ctx);
  const { connection, credentials, check } = await selectAuth(values, ctx);
  return {
    inputs: values,
    distribution: values.distribution_type,
    passphrases,
    project,
    connection,
    credentials,
    check,
    home: ctx.env['HOME'] || homedir(),
    platforms,
    testDeviceUdids,
  };
}

/** `iOS, Mac Catalyst` → the platforms; empty → undefined (all). Unknown names are input problems. */
function parsePlatforms(
  value: string,
  problem: (key: string, message: string) => void,
): ReadonlySet<Platform> | undefined {
  const names = value
    .split(/[,\n]/)
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) return undefined;
  const platforms = new Set<Platform>();
  for (const name of names) {
    const platform = PLATFORM_NAMES[name.toLowerCase().replace(/\s+/g, '-')];
    if (platform) platforms.add(platform);
    else
      problem(
        'platforms',
        `"${name}" is not a platform: use iOS, iPadOS, watchOS, tvOS, visionOS, macOS or Mac Catalyst, separated by commas`,
      );
  }
  return platforms;
}

/** The Xcode Archive Step's device list: UDIDs separated by commas, newlines or spaces, each once. */
function readUdids(path: string): string[] {
  const udids = readFileSync(path, 'utf8')
    .split(/[\s,]+/)
    .map((u) => u.trim())
    .filter(Boolean);
  return [...new Set(udids)];
}

/**
 * Where and how the project is read. Targets are read as they will build once manual signing is
 * forced (style Manual, the signing certificate's team and identity when they are known).
 */
export function projectOptions(
  values: Inputs<typeof inputs>,
  env: Record<string, string | undefined>,
): AnalyzeProjectOptions {
  return {
    projectPath: values.project_path!,
    scheme: values.scheme,
    configuration: values.configuration || undefined,
    signUITestTargets: values.sign_uitest_targets,
    env,
    signing: {},
  };
}

function readProject(values: Inputs<typeof inputs>, ctx: StepContext): ProjectAnalysis {
  ctx.logger.info('Analyzing the project');
  let project: ProjectAnalysis;
  try {
    // The team is the signing certificate's, known once the certificates are read: until then a
    // bundle ID built from it is shown as it is.
    project = analyzeProject({ ...projectOptions(values, ctx.env), teamUnknown: true, logger: ctx.logger });
  } catch (err) {
    if (!(err instanceof StepError)) throw err;
    throw wrapError('Failed to analyze the project', err, {
      hint: 'check the project_path, scheme and configuration inputs',
    });
  }
  ctx.logger.print(`Project: ${project.projectPath}`);
  ctx.logger.print(
    `Scheme: ${project.scheme}, configuration: ${project.configuration}, platform: ${project.platform}`,
  );
  if (project.xcodeManagedSigning)
    ctx.logger.print(
      'The main target uses automatic (Xcode-managed) signing: it is switched to manual signing',
    );
  for (const target of project.targets) {
    for (const variant of target.variants) {
      const keys = Object.keys(variant.entitlements);
      ctx.logger.print(
        `- ${target.name} (${target.isUITest ? 'UITest' : target.kind}, ${variant.platform}): ${variant.bundleId}${variant.awaitsTeam ? " (uses DEVELOPMENT_TEAM: resolved with the signing certificate's team)" : ''}${keys.length ? `, entitlements: ${keys.join(', ')}` : ''}`,
      );
    }
  }
  return project;
}

async function selectAuth(
  values: Inputs<typeof inputs>,
  ctx: StepContext,
): Promise<{ connection: Connection; credentials: Credentials; check: ConnectionCheck }> {
  let resolved: Awaited<ReturnType<typeof resolveCredentials>>;
  try {
    // An expired session may still be accepted by the portal: warn only (upstream codesign).
    resolved = await resolveCredentials(values, ctx, {
      sources: CODESIGN_SOURCES[values.connection],
      expiryPolicy: 'warn',
      // The key must reach certificates, identifiers and profiles; the session's portal teams are
      // listed to pick the team. The portal, unlike fastlane, needs no App Store Connect provider.
      check: { apiKeyUse: { kind: 'provisioning' }, portalTeams: true, requireProvider: false },
    });
  } catch (err) {
    if (!(err instanceof StepError)) throw err;
    throw wrapError('could not configure Apple service authentication', err);
  }
  const { connection, credentials, check } = resolved;
  if (!credentials) {
    throw noCredentialsError('could not configure Apple service authentication', connection, {
      hint: 'connect an App Store Connect API key or an Apple ID to this app on bitrise.io (App settings › Integrations), or set api_key_path and api_issuer',
    });
  }
  if (credentials.kind === 'api_key' && values.team_id)
    ctx.logger.print('team_id is only used with an Apple ID: the API key acts for its own team');
  return { connection, credentials, check };
}
