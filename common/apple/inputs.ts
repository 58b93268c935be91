import type { Connection } from '../bitrise/connection.ts';
import type { StepContext } from '../step/run.ts';
import { Secret } from '../step/secret.ts';
import { loadConnection } from './load-connection.ts';
import type { ApiKeyUse } from './preflight/api-key-check.ts';
import { ConnectionCheck } from './preflight/connection-check.ts';
import {
  type AuthInputNames,
  type ConnectionMode,
  type Credentials,
  DEFAULT_INPUT_NAMES,
  type ExpiryPolicy,
  type SourceName,
  selectCredentials,
} from './select.ts';

/**
 * The values of the connection inputs (step.yml.templates/inputs/connection.yml, session_expiry.yml
 * and build_api.yml) as each Step's schema, generated from its step.yml, parses them; the
 * fastlane-style Steps add the Apple ID's password and app-specific password.
 */
export interface ConnectionInputValues {
  connection: ConnectionMode;
  api_key_path: string;
  api_issuer: string;
  check_connection: boolean;
  session_expiry_warning_days: number;
  build_url: string | undefined;
  build_api_token: Secret;
  password?: Secret;
  app_password?: Secret;
}

export interface ResolveOptions {
  /** The Apple ID input's value; deliver calls it itunescon_user. */
  appleId?: Secret;
  inputNames?: AuthInputNames;
  expiryPolicy: ExpiryPolicy;
  sources?: readonly SourceName[];
  now?: Date;
  retryBaseDelayMs?: number;
  /**
   * How the connection check tests what was selected (common/apple/preflight). Default: an API
   * key by a read every role may make, the session without its portal teams.
   */
  check?: {
    apiKeyUse: ApiKeyUse;
    /** List the session's Developer Portal teams too. */
    portalTeams: boolean;
    /** The session goes to fastlane, which needs an App Store Connect provider. */
    requireProvider: boolean;
  };
}

export interface ResolvedCredentials {
  connection: Connection;
  credentials: Credentials | undefined;
  /**
   * Apple's verdict on the credentials, already asked for (unless check_connection is off): the
   * Step awaits `check.verdict()` before its first Apple-dependent work.
   */
  check: ConnectionCheck;
}

/**
 * Fetches the build's connection (unless off), selects the credentials the Step runs with, and
 * starts asking Apple whether it accepts them, so the answer arrives while the Step prepares.
 */
export async function resolveCredentials(
  values: ConnectionInputValues,
  ctx: StepContext,
  options: ResolveOptions,
): Promise<ResolvedCredentials> {
  const connection = await loadConnection({
    mode: values.connection,
    buildUrl: values.build_url ?? '',
    token: values.build_api_token,
    env: ctx.env,
    cwd: ctx.cwd,
    logger: ctx.logger,
    retryBaseDelayMs: options.retryBaseDelayMs,
    clock: ctx.clock,
  });
  const credentials = await selectCredentials({
    mode: values.connection,
    connection,
    inputs: {
      appleId: options.appleId?.reveal().trim() ?? '',
      password: values.password ?? new Secret(''),
      appPassword: values.app_password ?? new Secret(''),
      apiKeyPath: new Secret(values.api_key_path),
      apiIssuer: values.api_issuer,
    },
    inputNames: options.inputNames ?? DEFAULT_INPUT_NAMES,
    sources: options.sources,
    expiryPolicy: options.expiryPolicy,
    warningDays: values.session_expiry_warning_days,
    now: options.now,
    env: ctx.env,
    cwd: ctx.cwd,
    logger: ctx.logger,
    retryBaseDelayMs: options.retryBaseDelayMs,
    clock: ctx.clock,
  });
  const check = ConnectionCheck.start({
    enabled: values.check_connection,
    credentials,
    ...(options.check ?? { apiKeyUse: { kind: 'read' }, portalTeams: false, requireProvider: true }),
    env: ctx.env,
    clock: ctx.clock,
  });
  return { connection, credentials, check };
}
