import { createPrivateKey } from 'node:crypto';
import {
  CONNECTION_MODES,
  type ConnectionMode,
  type Credentials,
  formatTimeLeft,
  goUtcString,
  isExpired,
  selectCredentials,
  timeLeft,
} from '../../../common/apple/index.ts';
import { type Connection, fetchConnection, IDMSA_ORIGIN } from '../../../common/bitrise/index.ts';
import { errorMessage, Logger, Redactor, Secret } from '../../../common/step/index.ts';

/**
 * `steps connection`: what Bitrise's "Test the connection" button shows, from the command line.
 * Fetches the build's connection through common/bitrise and runs common/apple's selection for
 * every `connection` value with no inputs, exactly as a Step would. Prints no secrets.
 */

export interface ConnectionReportOptions {
  buildUrl: string;
  token: string;
  now?: Date;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  retryBaseDelayMs?: number;
}

export interface ConnectionReport {
  lines: string[];
  /** Something usable is connected and the Apple ID session (if any) has not expired. */
  usable: boolean;
}

const silent = () => new Logger({ write: () => true }, new Redactor());

function describeCredentials(credentials: Credentials): string {
  if (credentials.kind === 'api_key')
    return `the connected App Store Connect API key ${credentials.keyId} (issuer ${credentials.issuerId})`;
  const session = credentials.session.isEmpty ? 'no 2FA session' : 'its 2FA session as FASTLANE_SESSION';
  return `the connected Apple ID ${credentials.username} with ${session}`;
}

export function apiKeyParses(pem: string): { ok: true; detail: string } | { ok: false; detail: string } {
  try {
    const key = createPrivateKey(pem);
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (key.asymmetricKeyType !== 'ec' || (curve && curve !== 'prime256v1'))
      return {
        ok: false,
        detail: `is a ${key.asymmetricKeyType} key${curve ? ` on ${curve}` : ''}, not EC P-256`,
      };
    return { ok: true, detail: 'parses as an EC P-256 private key (ES256)' };
  } catch (err) {
    return { ok: false, detail: `does not parse: ${errorMessage(err)}` };
  }
}

export async function connectionReport(options: ConnectionReportOptions): Promise<ConnectionReport> {
  const now = options.now ?? new Date();
  const env = (options.env ?? process.env) as Record<string, string | undefined>;
  const cwd = options.cwd ?? process.cwd();
  const lines: string[] = [];
  const connection: Connection = await fetchConnection({
    buildUrl: options.buildUrl,
    token: new Secret(options.token),
    env,
    cwd,
    logger: silent(),
    retryBaseDelayMs: options.retryBaseDelayMs,
  });

  let sessionOk = false;
  let expired = false;
  const apple = connection.appleId;
  lines.push('Apple ID connection:');
  if (!apple) lines.push('  none');
  else {
    lines.push(`  Apple ID: ${apple.appleId}`);
    lines.push(`  app-specific password: ${apple.appSpecificPassword.isEmpty ? 'not set' : 'set'}`);
    const cookies = apple.sessionCookies[IDMSA_ORIGIN] ?? [];
    lines.push(`  session cookies (${IDMSA_ORIGIN}): ${cookies.map((c) => c.key).join(', ') || 'none'}`);
    const ignored = Object.keys(apple.sessionCookies).filter((origin) => origin !== IDMSA_ORIGIN);
    if (ignored.length) lines.push(`  ignored cookie origins: ${ignored.join(', ')}`);
    const expiry = apple.sessionExpiryDate;
    if (!expiry) lines.push('  session expiry: not given by Bitrise');
    else if (isExpired(expiry, now)) {
      expired = true;
      lines.push(`  session expired at ${goUtcString(expiry)}: re-authenticate the Apple ID on bitrise.io`);
    } else
      lines.push(
        `  session expires at ${goUtcString(expiry)}: ${formatTimeLeft(timeLeft(expiry, now))} left`,
      );
    sessionOk = !expired && cookies.length > 0;
  }

  let keyOk = false;
  const key = connection.apiKey;
  lines.push('API key connection:');
  if (!key) lines.push('  none');
  else {
    const parsed = apiKeyParses(key.privateKey.reveal());
    keyOk = parsed.ok;
    lines.push(`  key ID: ${key.keyId}`);
    lines.push(`  issuer ID: ${key.issuerId}`);
    lines.push(`  enterprise account: ${key.isEnterpriseAccount ? 'yes' : 'no'}`);
    lines.push(`  private key: present, ${parsed.detail}`);
  }
  lines.push('Team: the connection does not name one; Steps take it from their team_id input or the project');
  lines.push(`Test devices: ${connection.testDevices.length}`);

  lines.push('What a Step gets for each `connection` value (no credential inputs given):');
  for (const mode of CONNECTION_MODES)
    lines.push(`  ${mode}: ${await selectionFor(mode, connection, now, env, cwd)}`);

  return { lines, usable: (keyOk || sessionOk || (apple !== undefined && !expired)) && !expired };
}

async function selectionFor(
  mode: ConnectionMode,
  connection: Connection,
  now: Date,
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<string> {
  try {
    const credentials = await selectCredentials({
      mode,
      connection,
      inputs: {
        appleId: '',
        password: new Secret(''),
        appPassword: new Secret(''),
        apiKeyPath: new Secret(''),
        apiIssuer: '',
      },
      expiryPolicy: 'fail',
      warningDays: 0,
      now,
      env,
      cwd,
      logger: silent(),
    });
    return credentials
      ? describeCredentials(credentials)
      : 'nothing: the Step would use its credential inputs, if any';
  } catch (err) {
    return `fails: ${errorMessage(err).split('\n')[0]}`;
  }
}
