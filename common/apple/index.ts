export { keyIdFromPath, readApiKeyInput } from './api-key-input.ts';
export { connectionSection, type ReportTeam } from './connection-section.ts';
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
} from './fastlane-session.ts';
export { resolveCredentials } from './inputs.ts';
export { loadConnection, noCredentialsError } from './load-connection.ts';
export * as messages from './messages.ts';
export type { ApiKeyUse } from './preflight/api-key-check.ts';
export { type AppleAccess, ConnectionCheck } from './preflight/connection-check.ts';
export type { AppleAccount, Provider } from './preflight/session-check.ts';
export { unlessRefused } from './preflight/unless-refused.ts';
export {
  type ApiKeyCredentials,
  type AuthInputNames,
  type AuthInputs,
  authInputProblem,
  CODESIGN_SOURCES,
  CONNECTION_MODES,
  type ConnectionMode,
  type Credentials,
  DEFAULT_INPUT_NAMES,
  type ExpiryPolicy,
  type SourceName,
  selectCredentials,
} from './select.ts';
export {
  type ChosenTeam,
  chooseTeam,
  fastlaneTeamEnv,
  isNamed,
  type NamedTeam,
  namedTeam,
  type TeamScope,
} from './teams.ts';
