export { DEFAULT_KEY_ID, keyIdFromPath, readApiKeyInput } from './api-key-input.ts';
export { type ConnectionSectionOptions, connectionSection, type ReportTeam } from './connection-section.ts';
export {
  formatTimeLeft,
  goUtcString,
  isExpired,
  nearExpiryWarning,
  REAUTHENTICATE_HINT,
  timeLeft,
} from './expiry.ts';
export { childEnvWithAuth, fastlaneAuthEnv, writeApiKeyJson } from './fastlane-env.ts';
export {
  doubleQuoted,
  fastlaneSession,
  isPlainSafe,
  SessionCookieError,
  yamlString,
} from './fastlane-session.ts';
export {
  type ConnectionInputValues,
  type ResolvedCredentials,
  type ResolveOptions,
  resolveCredentials,
} from './inputs.ts';
export { type LoadConnectionOptions, loadConnection, noCredentialsError } from './load-connection.ts';
export * as messages from './messages.ts';
export {
  type ApiKeyCredentials,
  type AppleIdCredentials,
  type AuthInputNames,
  type AuthInputs,
  authInputProblem,
  CODESIGN_SOURCES,
  CONNECTION_MODES,
  type ConnectionMode,
  type Credentials,
  DEFAULT_INPUT_NAMES,
  type ExpiryPolicy,
  FASTLANE_SOURCES,
  type SelectOptions,
  type SourceName,
  selectCredentials,
  validateAuthInputs,
} from './select.ts';
