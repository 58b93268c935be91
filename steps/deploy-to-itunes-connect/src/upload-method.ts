import type { ApiKeyCredentials, Credentials } from '../../../common/apple/index.ts';
import type { Platform } from '../../../common/portal/index.ts';
import { InputError, type InputProblem, type Inputs, type Logger } from '../../../common/step/index.ts';
import type { ArtifactInfo, IpaInfo } from './artifact.ts';
import type { inputs } from './inputs.generated.ts';

type Values = Inputs<typeof inputs>;

/** What happens in TestFlight after an API upload. */
export interface TestFlightPlan {
  waitForProcessing: boolean;
  processingTimeoutMinutes: number;
  /** en-US "What to Test"; empty leaves it as it is. */
  whatToTest: string;
  /** Group names, matched exactly. */
  betaGroups: string[];
  /** Undefined leaves the export compliance answer as it is. */
  usesNonExemptEncryption?: boolean;
  submitForBetaReview: boolean;
}

export interface ApiUploadPlan {
  method: 'api';
  apiKey: ApiKeyCredentials;
  ipa: IpaInfo;
  platform: Platform;
  testFlight: TestFlightPlan;
}

/** How the build reaches App Store Connect. */
export type UploadPlan = { method: 'deliver' } | ApiUploadPlan;

/** The platform input in App Store Connect's words. */
const PLATFORMS: Record<Values['platform'], Platform> = { ios: 'IOS', appletvos: 'TV_OS', osx: 'MAC_OS' };

/** The inputs only fastlane deliver acts on, named when they are set. */
function deliverOnlyInputs(values: Values): string[] {
  return [
    values.submit_for_review && 'submit_for_review',
    !values.skip_metadata && 'skip_metadata',
    !values.skip_screenshots && 'skip_screenshots',
    values.options.trim() !== '' && 'options',
  ].filter((key): key is string => Boolean(key));
}

/** What each deliver-only input asks for, for messages. */
const DELIVER_ONLY_WHAT: Record<string, string> = {
  submit_for_review: 'submit_for_review yes (App Store review)',
  skip_metadata: 'skip_metadata no (metadata upload)',
  skip_screenshots: 'skip_screenshots no (screenshot upload)',
  options: 'options (extra deliver arguments)',
};

/** The TestFlight inputs that are set; they need the API upload. */
function testFlightInputs(values: Values): string[] {
  return [
    values.wait_for_processing && 'wait_for_processing',
    values.what_to_test.trim() !== '' && 'what_to_test',
    values.beta_groups.length > 0 && 'beta_groups',
    values.uses_non_exempt_encryption !== undefined && 'uses_non_exempt_encryption',
    values.submit_for_beta_review && 'submit_for_beta_review',
  ].filter((key): key is string => Boolean(key));
}

/** Why the artifact cannot go through the API, if it cannot. */
function artifactBlocker(artifact: ArtifactInfo): string | undefined {
  if (artifact.kind === 'pkg')
    return 'the artifact is a .pkg, whose version and build number the Step does not read (the API upload needs them)';
  if (!artifact.version || !artifact.build)
    return "the IPA's Info.plist has no CFBundleShortVersionString or CFBundleVersion (the API upload needs both)";
  return undefined;
}

/**
 * Combinations that cannot work whatever the credentials, reported with the other input
 * problems before anything is fetched.
 */
export function uploadInputProblems(values: Values, artifact: ArtifactInfo | undefined): InputProblem[] {
  const problems: InputProblem[] = [];
  const method = values.upload_method;
  if (method === 'api') {
    for (const key of deliverOnlyInputs(values))
      problems.push({
        key,
        message: `${DELIVER_ONLY_WHAT[key]} needs fastlane deliver, but upload_method is api: set upload_method to auto or deliver, or clear it`,
      });
    const blocker = artifact && artifactBlocker(artifact);
    if (blocker)
      problems.push({
        key: 'upload_method',
        message: `is api, but ${blocker}: set upload_method to deliver`,
      });
  }
  if (method === 'deliver') {
    for (const key of testFlightInputs(values))
      problems.push({
        key,
        message:
          'needs the App Store Connect API upload, but upload_method is deliver, which does not do TestFlight: set upload_method to auto or api (with an API key), or clear it',
      });
  }
  if (values.submit_for_beta_review && !values.wait_for_processing)
    problems.push({
      key: 'submit_for_beta_review',
      message:
        'needs a processed build: set wait_for_processing to yes (Apple takes only processed builds for beta review)',
    });
  return problems;
}

/** Why the API upload cannot be used with these credentials, if it cannot. */
function credentialBlocker(credentials: Credentials): string | undefined {
  if (credentials.kind === 'apple_id') return 'the Step authenticates with an Apple ID, not an API key';
  if (credentials.isEnterpriseAccount)
    return "the API key is an enterprise account's, whose API has no App Store Connect builds";
  return undefined;
}

/**
 * Decides the upload method once the credentials are known, and says why in the log. `api` that
 * cannot be honoured, and TestFlight inputs with an upload that goes through deliver, fail here,
 * before anything is installed or uploaded.
 */
export function planUpload(
  values: Values,
  artifact: ArtifactInfo,
  credentials: Credentials,
  logger: Logger,
): UploadPlan {
  const credentialProblem = credentialBlocker(credentials);
  if (values.upload_method === 'api' && credentialProblem)
    throw new InputError([
      {
        key: 'upload_method',
        message: `is api, but ${credentialProblem}: connect an App Store Connect API key to the app on bitrise.io (or set api_key_path and api_issuer with connection off), or set upload_method to auto or deliver`,
      },
    ]);
  let reason: string | undefined;
  if (values.upload_method === 'deliver') reason = 'upload_method is deliver';
  else {
    const deliverOnly = deliverOnlyInputs(values);
    reason =
      credentialProblem ??
      artifactBlocker(artifact) ??
      (deliverOnly.length > 0
        ? `${deliverOnly.map((key) => DELIVER_ONLY_WHAT[key]).join(', ')} needs it`
        : undefined);
  }
  if (reason !== undefined || artifact.kind !== 'ipa' || credentials.kind !== 'api_key') {
    const testFlight = testFlightInputs(values);
    if (testFlight.length > 0 && values.upload_method === 'auto')
      throw new InputError(
        testFlight.map((key) => ({
          key,
          message: `needs the App Store Connect API upload, but upload_method auto chose fastlane deliver because ${reason}: use an API key and clear the deliver-only inputs, or clear ${key}`,
        })),
      );
    logger.print(`Upload method: fastlane deliver (${reason})`);
    return { method: 'deliver' };
  }
  logger.print(
    `Upload method: the App Store Connect API${values.upload_method === 'auto' ? ' (upload_method auto: an API key and an IPA, no deliver-only input)' : ''}`,
  );
  if (values.team_id || values.team_name)
    logger.print('team_id and team_name are not used by the API upload: an API key acts for its own team');
  return {
    method: 'api',
    apiKey: credentials,
    ipa: artifact,
    platform: PLATFORMS[values.platform],
    testFlight: {
      waitForProcessing: values.wait_for_processing,
      processingTimeoutMinutes: values.processing_timeout_minutes,
      whatToTest: values.what_to_test.trim(),
      betaGroups: values.beta_groups,
      usesNonExemptEncryption:
        values.uses_non_exempt_encryption === undefined
          ? undefined
          : values.uses_non_exempt_encryption === 'yes',
      submitForBetaReview: values.submit_for_beta_review,
    },
  };
}
