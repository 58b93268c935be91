import type { Credentials } from '../select.ts';
import type { ApiKeyUse } from './api-key-check.ts';
import { CHECK_BUDGET_MS } from './probe.ts';

/** What the connection check prints and fails with; the fixes name the place on bitrise.io or in App Store Connect. */

export const SESSION_REJECTED = 'Apple no longer accepts the connected Apple ID session';

export const NO_PROVIDER =
  'Apple answered the session check without an App Store Connect team (provider), so fastlane would not use the session and would ask for a 2FA code this build cannot answer';

export const UNREACHABLE = (reasons: readonly string[]) =>
  `Apple could not be asked whether it accepts the connection within ${CHECK_BUDGET_MS / 1000} s (${reasons.join('; ')}): the Step goes on without the check`;

const KEYS_PAGE = 'App Store Connect › Users and Access › Integrations › App Store Connect API';

/** Where the key the Step uses comes from, and so where to fix it. */
function keyPlace(credentials: Credentials): string {
  return credentials.source === 'input_api_key'
    ? 'api_key_path (its AuthKey_<KEY ID>.p8 name gives the key ID) and api_issuer'
    : 'the API key connected on bitrise.io (Workspace settings › Integrations › App Store Connect API)';
}

export function keyRejectedHint(credentials: Credentials): string {
  return `check the key in ${KEYS_PAGE}, then fix ${keyPlace(credentials)}`;
}

const AGREEMENT_CODE = 'FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED';

export const AGREEMENT_HINT =
  'a required agreement is missing or has expired: the Account Holder has to accept it in App Store Connect (Business), then rerun the build';

export function isAgreementMissing(codes: readonly string[]): boolean {
  return codes.includes(AGREEMENT_CODE);
}

/** The role the Step's use of the key needs (connected-session.md §6a). */
export function roleHint(use: ApiKeyUse, credentials: Credentials): string {
  const where = `give the key that role in ${KEYS_PAGE}, or use another key (${keyPlace(credentials)})`;
  switch (use.kind) {
    case 'provisioning':
      return `this Step needs an API key with the Admin role, or App Manager or Developer with Access to Certificates, Identifiers & Profiles: ${where}`;
    case 'upload':
      return `uploads need an API key with the App Manager role or above (Admin): ${where}`;
    case 'read':
      return `the lane needs a key that can read the team's apps: App Manager or Admin for uploads and TestFlight, Admin (or App Manager or Developer with Access to Certificates, Identifiers & Profiles) for match, cert and sigh: ${where}`;
  }
}
