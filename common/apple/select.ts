import type { Cookie } from 'tough-cookie';
import type { Connection } from '../bitrise/connection.ts';
import { IDMSA_ORIGIN, isConnected } from '../bitrise/connection.ts';
import type { Clock } from '../step/clock.ts';
import { StepError } from '../step/errors.ts';
import type { Logger } from '../step/logger.ts';
import type { Env } from '../step/run.ts';
import type { InputProblem } from '../step/schema.ts';
import { Secret } from '../step/secret.ts';
import { keyIdFromPath, readApiKeyInput } from './api-key-input.ts';
import { goUtcString, isExpired, nearExpiryWarning, REAUTHENTICATE_HINT } from './expiry.ts';
import { fastlaneSession } from './fastlane-session.ts';
import { CONNECT_HINTS, MIXED_INPUTS_WARNING, NOT_CONNECTED, SOURCE_DESCRIPTIONS } from './messages.ts';

export const CONNECTION_MODES = ['automatic', 'api_key', 'apple_id', 'off'] as const;
export type ConnectionMode = (typeof CONNECTION_MODES)[number];
export type SourceName = keyof typeof SOURCE_DESCRIPTIONS;

/** Upstream's source order for the fastlane and deliver Steps (steps-fastlane `parseAuthSources`). */
const FASTLANE_SOURCES: Record<ConnectionMode, readonly SourceName[]> = {
  automatic: ['connection_api_key', 'connection_apple_id', 'input_api_key', 'input_apple_id'],
  api_key: ['connection_api_key'],
  apple_id: ['connection_apple_id'],
  off: ['input_api_key', 'input_apple_id'],
};

/**
 * The sources for code signing, which talks to the portal itself: API keys and the connected Apple
 * ID's web session; Apple ID inputs cannot be used without fastlane (go-xcode appleauth, codesign order).
 */
export const CODESIGN_SOURCES: Record<ConnectionMode, readonly SourceName[]> = {
  automatic: ['connection_api_key', 'connection_apple_id', 'input_api_key'],
  api_key: ['connection_api_key'],
  apple_id: ['connection_apple_id'],
  off: ['input_api_key'],
};

export interface AppleIdCredentials {
  kind: 'apple_id';
  source: SourceName;
  username: string;
  password: Secret;
  appSpecificPassword: Secret;
  /** The FASTLANE_SESSION text; empty for Apple ID inputs, which carry no session. */
  session: Secret;
  sessionCookies: Cookie[];
  sessionExpiryDate?: Date;
}

export interface ApiKeyCredentials {
  kind: 'api_key';
  source: SourceName;
  keyId: string;
  issuerId: string;
  privateKey: Secret;
  isEnterpriseAccount: boolean;
}

export type Credentials = AppleIdCredentials | ApiKeyCredentials;

export interface AuthInputs {
  appleId: string;
  password: Secret;
  appPassword: Secret;
  apiKeyPath: Secret;
  apiIssuer: string;
}

/** Input keys as the Step names them, for messages (deliver calls the Apple ID `itunescon_user`). */
export interface AuthInputNames {
  appleId: string;
  password: string;
  appPassword: string;
  apiKeyPath: string;
  apiIssuer: string;
}

export const DEFAULT_INPUT_NAMES: AuthInputNames = {
  appleId: 'apple_id',
  password: 'password',
  appPassword: 'app_password',
  apiKeyPath: 'api_key_path',
  apiIssuer: 'api_issuer',
};

/**
 * How an expired 2FA session is treated: fastlane-based Steps cannot use it and fail; the
 * code-signing path only warns (as upstream), since the portal may still accept it.
 */
export type ExpiryPolicy = 'fail' | 'warn';

export interface SelectOptions {
  mode: ConnectionMode;
  connection: Connection;
  inputs: AuthInputs;
  inputNames?: AuthInputNames;
  sources?: readonly SourceName[];
  expiryPolicy: ExpiryPolicy;
  /** Warn when the session ends within this many days. */
  warningDays: number;
  now?: Date;
  env: Env;
  cwd: string;
  logger: Logger;
  retryBaseDelayMs?: number;
  clock?: Clock;
}

/**
 * Upstream's input checks (go-xcode appleauth `Validate`): the first problem, keyed by the input to
 * fix, so a Step can report it with its other input problems. The mixed case names both groups
 * and prints upstream's warning.
 */
export function authInputProblem(
  inputs: AuthInputs,
  names: AuthInputNames,
  logger: Logger,
): InputProblem | undefined {
  const appleIdSet = Boolean(
    inputs.appleId.trim() || !inputs.password.isEmpty || inputs.appPassword.reveal().trim(),
  );
  const apiKeySet = Boolean(inputs.apiKeyPath.reveal().trim() || inputs.apiIssuer.trim());
  const problem = (key: string, message: string, hint: string) => ({ key, message: `${message}: ${hint}` });
  if (appleIdSet && apiKeySet) {
    logger.warn(MIXED_INPUTS_WARNING);
    return problem(
      `${names.appleId}/${names.apiKeyPath}`,
      'both Apple ID and API key related configuration provided, but only one of them expected',
      `clear either ${names.appleId}/${names.password}/${names.appPassword} or ${names.apiKeyPath}/${names.apiIssuer}`,
    );
  }
  if (appleIdSet && !inputs.appPassword.reveal().trim()) {
    if (!inputs.appleId.trim())
      return problem(
        names.appleId,
        'no Apple Service Apple ID provided',
        `set ${names.appleId}, or clear ${names.password}`,
      );
    if (inputs.password.isEmpty)
      return problem(
        names.password,
        'no Apple Service Password provided',
        `set ${names.password} for ${names.appleId}`,
      );
  }
  if (apiKeySet) {
    if (!inputs.apiIssuer.trim())
      return problem(
        names.apiIssuer,
        'no Apple Service API Issuer provided',
        `set ${names.apiIssuer} to the key's issuer ID`,
      );
    if (!inputs.apiKeyPath.reveal().trim())
      return problem(
        names.apiKeyPath,
        'no Apple Service API Key Path provided',
        `set ${names.apiKeyPath} to the .p8 file`,
      );
  }
  return undefined;
}

/** The same checks, failing with upstream's "Issue with authentication related inputs" prefix. */
function validateAuthInputs(inputs: AuthInputs, names: AuthInputNames, logger: Logger): void {
  const problem = authInputProblem(inputs, names, logger);
  if (problem) throw new StepError(`Issue with authentication related inputs: ${problem.message}`);
}

/**
 * Picks the credentials the Step runs with: the first source of the mode's list that yields any.
 * A source that fails aborts without falling back (upstream). Returns undefined when nothing
 * matched under `automatic` or `off`; an explicitly requested source that is missing fails.
 */
export async function selectCredentials(options: SelectOptions): Promise<Credentials | undefined> {
  const names = options.inputNames ?? DEFAULT_INPUT_NAMES;
  validateAuthInputs(options.inputs, names, options.logger);
  const sources = options.sources ?? FASTLANE_SOURCES[options.mode];
  for (const source of sources) {
    const credentials = await fromSource(source, options);
    if (credentials) {
      options.logger.print();
      options.logger.print(SOURCE_DESCRIPTIONS[source]);
      return credentials;
    }
  }
  if (options.mode === 'api_key' || options.mode === 'apple_id') {
    const what = options.mode === 'api_key' ? 'App Store Connect API key' : 'Apple ID';
    throw new StepError(`connection is set to ${options.mode}, but this build has no ${what} connection`, {
      hint: CONNECT_HINTS[options.mode],
    });
  }
  if (options.mode !== 'off' && !isConnected(options.connection)) options.logger.warn(NOT_CONNECTED);
  options.logger.warn(
    `No authentication data found matching the selected Apple Service authentication method (${options.mode}).`,
  );
  return undefined;
}

async function fromSource(source: SourceName, options: SelectOptions): Promise<Credentials | undefined> {
  const { connection, inputs } = options;
  switch (source) {
    case 'connection_api_key': {
      const key = connection.apiKey;
      return key ? { kind: 'api_key', source, ...key } : undefined;
    }
    case 'connection_apple_id':
      return connection.appleId ? appleIdFromConnection(options) : undefined;
    case 'input_api_key': {
      if (inputs.apiKeyPath.isEmpty) return undefined;
      const privateKey = await readApiKeyInput(inputs.apiKeyPath, options);
      return {
        kind: 'api_key',
        source,
        keyId: keyIdFromPath(inputs.apiKeyPath.reveal()),
        issuerId: inputs.apiIssuer.trim(),
        privateKey,
        isEnterpriseAccount: false,
      };
    }
    case 'input_apple_id':
      if (!inputs.appleId.trim()) return undefined;
      return {
        kind: 'apple_id',
        source,
        username: inputs.appleId.trim(),
        password: inputs.password,
        appSpecificPassword: new Secret(inputs.appPassword.reveal().trim()),
        session: new Secret(''),
        sessionCookies: [],
      };
  }
}

function appleIdFromConnection(options: SelectOptions): AppleIdCredentials {
  const apple = options.connection.appleId!;
  const now = options.now ?? new Date();
  const cookies = apple.sessionCookies[IDMSA_ORIGIN] ?? [];
  if (isExpired(apple.sessionExpiryDate, now)) {
    const until = goUtcString(apple.sessionExpiryDate!);
    if (options.expiryPolicy === 'fail') {
      throw new StepError(
        `2FA session saved in Bitrise Developer Connection is expired, was valid until ${until}`,
        {
          hint: REAUTHENTICATE_HINT,
        },
      );
    }
    if (cookies.length > 0) options.logger.warn(`Two-factor session has expired at: ${until.slice(0, 16)}`);
  }
  if (cookies.length === 0) {
    throw new StepError(
      `The connected Apple ID (${apple.appleId || 'no Apple ID'}) has no 2FA session, so Apple would ask for a 2FA code this build cannot answer`,
      { hint: REAUTHENTICATE_HINT },
    );
  }
  const warning = nearExpiryWarning(apple.sessionExpiryDate, now, options.warningDays);
  if (warning) options.logger.warn(warning);
  const appSpecificPassword = apple.appSpecificPassword.isEmpty
    ? new Secret(options.inputs.appPassword.reveal().trim())
    : apple.appSpecificPassword;
  return {
    kind: 'apple_id',
    source: 'connection_apple_id',
    username: apple.appleId,
    password: apple.password,
    appSpecificPassword,
    session: new Secret(fastlaneSession(cookies)),
    sessionCookies: cookies,
    sessionExpiryDate: apple.sessionExpiryDate,
  };
}
