import type { Connection } from '../bitrise/connection.ts';
import type { StepContext } from '../step/run.ts';
import { Secret } from '../step/secret.ts';
import { loadConnection } from './load-connection.ts';
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
}

export interface ResolvedCredentials {
  connection: Connection;
  credentials: Credentials | undefined;
}

/** Fetches the build's connection (unless off) and selects the credentials the Step runs with. */
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
  return { connection, credentials };
}
