import { createPrivateKey } from 'node:crypto';
import {
  CONNECTION_MODES,
  ConnectionCheck,
  type ConnectionMode,
  type Credentials,
  formatTimeLeft,
  goUtcString,
  isExpired,
  selectCredentials,
  timeLeft,
} from '../../../common/apple/index.ts';
import { type Connection, fetchConnection, IDMSA_ORIGIN } from '../../../common/bitrise/index.ts';
import {
  type Clock,
  describeFailure,
  errorMessage,
  Logger,
  Redactor,
  Secret,
  stripAnsi,
  systemClock,
} from '../../../common/step/index.ts';

/**
 * `steps connection`: what Bitrise's "Test the connection" button shows, from the command line.
 * Fetches the build's connection through common/bitrise and runs common/apple's selection for
 * every `connection` value with no inputs, exactly as a Step would. With `live`, it also asks Apple
 * whether it accepts the session and the key, with the Steps' own connection check
 * (common/apple/preflight). Prints no secrets.
 */

export interface ConnectionReportOptions {
  buildUrl: string;
  token: string;
  now?: Date;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  retryBaseDelayMs?: number;
  /** Ask Apple whether it accepts the session and the key. */
  live?: boolean;
  /** Count the connection as not usable when the session ends within this many days. */
  minDaysLeft?: number;
  clock?: Clock;
}

export interface ConnectionReport {
  lines: string[];
  /**
   * Something usable is connected, the Apple ID session (if any) has not expired nor ends within
   * `minDaysLeft` days, and, when asked, Apple accepts the session and the key.
   */
  usable: boolean;
  /** Why it is not usable, one line each. */
  problems: string[];
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

  const problems: string[] = [];
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
      problems.push('the Apple ID session has expired');
    } else {
      const left = timeLeft(expiry, now);
      lines.push(`  session expires at ${goUtcString(expiry)}: ${formatTimeLeft(left)} left`);
      if (options.minDaysLeft !== undefined && left.totalMs < options.minDaysLeft * 86_400_000)
        problems.push(
          `the Apple ID session ends in ${formatTimeLeft(left)}, within the ${options.minDaysLeft} days asked for: re-authenticate the Apple ID on bitrise.io (Account settings › Apple Developer Account) now`,
        );
    }
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

  if (options.live)
    problems.push(...(await liveCheck(connection, lines, { env, cwd, now, clock: options.clock })));
  const connected = (keyOk || sessionOk || (apple !== undefined && !expired)) && !expired;
  if (!connected && problems.length === 0) problems.push('nothing usable is connected');
  return { lines, usable: connected && problems.length === 0, problems };
}

/**
 * Asks Apple about the session and the key, each as a Step would (connection value `apple_id`,
 * then `api_key`), and adds what it says to `lines`; returns Apple's refusals.
 */
async function liveCheck(
  connection: Connection,
  lines: string[],
  options: { env: Record<string, string | undefined>; cwd: string; now: Date; clock?: Clock },
): Promise<string[]> {
  const refusals: string[] = [];
  const checks: Array<[ConnectionMode, boolean]> = [
    ['apple_id', connection.appleId !== undefined],
    ['api_key', connection.apiKey !== undefined],
  ];
  lines.push('Live check with Apple:');
  for (const [mode, present] of checks) {
    if (!present) continue;
    let credentials: Credentials | undefined;
    try {
      credentials = await selectCredentials({
        mode,
        connection,
        inputs: NO_INPUTS,
        expiryPolicy: 'warn',
        warningDays: 0,
        now: options.now,
        env: options.env,
        cwd: options.cwd,
        logger: silent(),
      });
    } catch (err) {
      lines.push(`  ${mode}: not asked, ${errorMessage(err).split('\n')[0]}`);
      continue;
    }
    const printed: string[] = [];
    const logger = new Logger({ write: (text: string) => printed.push(text) }, new Redactor());
    const check = ConnectionCheck.start({
      enabled: true,
      credentials,
      apiKeyUse: { kind: 'read' },
      portalTeams: true,
      requireProvider: true,
      env: options.env,
      clock: options.clock ?? systemClock(),
    });
    try {
      await check.verdict(logger);
    } catch (err) {
      const reason = describeFailure(err).reason;
      refusals.push(reason);
      printed.push(`${reason}\n`);
    }
    for (const line of stripAnsi(printed.join('')).split('\n'))
      if (line.trim() && line !== 'Connection check with Apple') lines.push(`  ${line}`);
  }
  return refusals;
}

const NO_INPUTS = {
  appleId: '',
  password: new Secret(''),
  appPassword: new Secret(''),
  apiKeyPath: new Secret(''),
  apiIssuer: '',
};

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
      inputs: NO_INPUTS,
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
