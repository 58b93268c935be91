import { code, expiryBar, type Html, html, keyValues, list, note, section } from '../report/index.ts';
import type { Credentials, SourceName } from './select.ts';

/** A Developer Program team as the portal named it. */
export interface ReportTeam {
  teamId: string;
  name: string;
}

export interface ConnectionSectionOptions {
  now: Date;
  /** The teams the Step saw, when it asked the portal (or read them from a certificate). */
  teams?: readonly ReportTeam[];
  /** Why there are no credentials, when there are none. */
  missing?: string;
}

const SOURCE_LABELS: Record<SourceName, string> = {
  connection_api_key: "The build's Apple Developer connection: App Store Connect API key",
  connection_apple_id: "The build's Apple Developer connection: Apple ID with its 2FA session",
  input_api_key: 'Step inputs: App Store Connect API key (api_key_path, api_issuer)',
  input_apple_id: 'Step inputs: Apple ID and password (no 2FA session)',
};

/**
 * The Connection section every Step's report starts with: where the credentials came from, the
 * account, its teams and how long the 2FA session has left. No secret is read here; the Apple ID
 * is masked on the page as in the build log.
 */
export function connectionSection(
  credentials: Credentials | undefined,
  options: ConnectionSectionOptions,
): Html {
  if (!credentials)
    return section('Connection', note(options.missing ?? 'The Step ran without Apple credentials.'));
  const teams = options.teams?.length
    ? list(options.teams.map((t) => html`${t.name} (${code(t.teamId)})`))
    : html`<span class="muted">not looked up by this Step</span>`;
  if (credentials.kind === 'api_key') {
    return section(
      'Connection',
      keyValues([
        ['Source', SOURCE_LABELS[credentials.source]],
        ['Account', html`API key ${code(credentials.keyId)}, issuer ${code(credentials.issuerId)}`],
        credentials.isEnterpriseAccount && ['Program', 'Apple Developer Enterprise Program'],
        ['Teams', teams],
        ['Expiry', 'API keys have no expiry date: they work until revoked in App Store Connect'],
      ]),
    );
  }
  return section(
    'Connection',
    keyValues([
      ['Source', SOURCE_LABELS[credentials.source]],
      ['Apple ID', credentials.username],
      ['Teams', teams],
      ['2FA session', sessionExpiry(credentials, options.now)],
    ]),
  );
}

function sessionExpiry(credentials: Extract<Credentials, { kind: 'apple_id' }>, now: Date): Html | string {
  if (credentials.source === 'input_apple_id') return 'none: Apple ID inputs carry no session';
  if (!credentials.sessionExpiryDate) return 'the connection stores no expiry date';
  return html`${expiryBar(credentials.sessionExpiryDate, now)}${note(
    'A session lasts 30 days; re-authenticate the Apple ID on bitrise.io (Account settings › Apple Developer Account) before it ends.',
  )}`;
}
