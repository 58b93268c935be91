import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cleanups } from '../step/cleanup.ts';
import type { Logger } from '../step/logger.ts';
import type { Env } from '../step/run.ts';
import type { ApiKeyCredentials, Credentials } from './select.ts';

/**
 * Writes fastlane's App Store Connect key file (`key_id`, `issuer_id`, `key`) 0600 into a fresh
 * 0700 temp dir that is removed when the Step ends, fails or is interrupted.
 */
export function writeApiKeyJson(
  credentials: ApiKeyCredentials,
  cleanups: Cleanups,
  tempBase?: string,
): string {
  const dir = cleanups.tempDir('apiKey', tempBase);
  const path = join(dir, 'api_key.json');
  const body = JSON.stringify({
    key_id: credentials.keyId,
    issuer_id: credentials.issuerId,
    key: credentials.privateKey.reveal(),
  });
  writeFileSync(path, body, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** The variables fastlane reads for the selected credentials (steps-fastlane `FastlaneAuthParams`). */
export function fastlaneAuthEnv(
  credentials: Credentials | undefined,
  cleanups: Cleanups,
  tempBase?: string,
): Record<string, string> {
  if (!credentials) return {};
  if (credentials.kind === 'api_key') {
    const path = writeApiKeyJson(credentials, cleanups, tempBase);
    return {
      APP_STORE_CONNECT_API_KEY_PATH: path,
      DELIVER_API_KEY_PATH: path,
      PILOT_API_KEY_PATH: path,
      PRECHECK_INCLUDE_IN_APP_PURCHASES: 'false',
    };
  }
  const env: Record<string, string> = { SPACESHIP_SKIP_2FA_UPGRADE: '1' };
  if (credentials.username) {
    env['FASTLANE_USER'] = credentials.username;
    env['DELIVER_USERNAME'] = credentials.username;
    env['PILOT_USERNAME'] = credentials.username;
  }
  if (!credentials.password.isEmpty) {
    env['FASTLANE_PASSWORD'] = credentials.password.reveal();
    env['DELIVER_PASSWORD'] = credentials.password.reveal();
    env['PILOT_PASSWORD'] = credentials.password.reveal();
  }
  if (!credentials.session.isEmpty) env['FASTLANE_SESSION'] = credentials.session.reveal();
  if (!credentials.appSpecificPassword.isEmpty) {
    env['FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD'] = credentials.appSpecificPassword.reveal();
  }
  return env;
}

/**
 * The child's environment: the Step's own, then the credential variables, which win. These go
 * to the fastlane process only, never to later Steps; overriding inherited ones is announced.
 */
export function childEnvWithAuth(parent: Env, auth: Record<string, string>, logger: Logger): Env {
  const overridden = Object.keys(auth).filter((key) => parent[key] !== undefined && parent[key] !== '');
  if (overridden.length > 0) {
    logger.warn(
      `Fastlane authentication-related environment variable(s) (${overridden.join(', ')}) are set, overriding.`,
    );
    logger.print(
      "To stop overriding authentication-related environment variables, please set Bitrise Apple Developer Connection input to 'off' and leave authentication-related inputs empty.",
    );
  }
  return { ...parent, ...auth };
}
