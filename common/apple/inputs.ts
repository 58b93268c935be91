import type { Connection } from '../bitrise/connection.ts';
import type { StepContext } from '../step/run.ts';
import { input } from '../step/schema.ts';
import { Secret } from '../step/secret.ts';
import { loadConnection } from './load-connection.ts';
import {
  type AuthInputNames,
  CONNECTION_MODES,
  type ConnectionMode,
  type Credentials,
  DEFAULT_INPUT_NAMES,
  type ExpiryPolicy,
  type SourceName,
  selectCredentials,
} from './select.ts';

/**
 * The connection inputs every Step shares (step.yml.templates/connection-inputs.yml).
 * The fastlane-style Steps add the Apple ID inputs with their own key for the Apple ID.
 */
export const connectionInputs = {
  connection: input.oneOf(CONNECTION_MODES, { required: true }),
  // Often a pre-signed URL, i.e. a credential: sensitive, as in upstream's App Store Connect Steps.
  api_key_path: input.location({ sensitive: true }),
  api_issuer: input.string(),
  session_expiry_warning_days: input.int({ min: 0, max: 30, default: 5 }),
  build_url: input.url(['https', 'http', 'file'], {
    hint: 'use the build URL, or file://<path> of a connection JSON',
  }),
  build_api_token: input.secret(),
};

export const appleIdInputs = {
  password: input.secret(),
  app_password: input.secret(),
};

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
  });
  return { connection, credentials };
}
