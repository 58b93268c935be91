import type { CookieJar } from 'tough-cookie';
import type { Team } from '../../portal/teams.ts';
import type { Clock } from '../../step/clock.ts';
import type { Env } from '../../step/env.ts';
import { StepError } from '../../step/errors.ts';
import { createHttpClient } from '../../step/http.ts';
import type { Logger } from '../../step/logger.ts';
import { formatTimeLeft, goUtcString, isExpired, REAUTHENTICATE_HINT, timeLeft } from '../expiry.ts';
import type { ApiKeyCredentials, AppleIdCredentials, Credentials } from '../select.ts';
import { type ApiKeyAnswer, type ApiKeyUse, checkApiKey } from './api-key-check.ts';
import {
  AGREEMENT_HINT,
  isAgreementMissing,
  keyRejectedHint,
  NO_PROVIDER,
  roleHint,
  SESSION_REJECTED,
  UNREACHABLE,
} from './messages.ts';
import { AppleUnreachable } from './probe.ts';
import {
  type AppleAccount,
  checkSession,
  listSessionTeams,
  type SessionAnswer,
  sessionJar,
  type TeamsAnswer,
} from './session-check.ts';

export interface ConnectionCheckOptions {
  /** The check_connection input: off means no request at all. */
  enabled: boolean;
  credentials: Credentials | undefined;
  /** What the Step does with an API key, which decides the request that tests it. */
  apiKeyUse: ApiKeyUse;
  /** Also list the session's Developer Portal teams (Steps that pick a portal team). */
  portalTeams: boolean;
  /**
   * The session is handed to fastlane, whose spaceship counts it as valid only with an App Store
   * Connect provider; the portal client alone does not need one.
   */
  requireProvider: boolean;
  env: Env;
  clock: Clock;
}

/** What Apple told about the connection; empty when it was not asked or did not answer. */
export interface AppleAccess {
  /** The Apple ID session's account, teams (providers) and all. */
  account?: AppleAccount;
  /** The session's Developer Portal teams, when listed. */
  portalTeams?: Team[];
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Answers {
  session?: Settled<SessionAnswer>;
  teams?: Settled<TeamsAnswer>;
  apiKey?: Settled<ApiKeyAnswer>;
}

/** What the check prints, kept until the Step asks for the verdict, so it lands where the Step is. */
type Said = Array<['info' | 'print' | 'done' | 'warn', string]>;
type Printer = Pick<Logger, 'info' | 'print' | 'done' | 'warn'>;

function transcript(): Printer & { said: Said } {
  const said: Said = [];
  return {
    said,
    info: (text) => said.push(['info', text]),
    print: (text = '') => said.push(['print', text]),
    done: (text) => said.push(['done', text]),
    warn: (text) => said.push(['warn', text]),
  };
}

interface Judgement {
  access: AppleAccess;
  /** Apple's "no", as the Step's failure. */
  failure?: unknown;
  said: Said;
}

const settle = <T>(work: Promise<T>): Promise<Settled<T>> =>
  work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/**
 * The live connection check (issue: "Know in the first second whether Apple still accepts the
 * connection"). `start` sends Apple's requests at once and returns; the Step does independent
 * work meanwhile (tool versions, project analysis) and calls `verdict` before its first
 * Apple-dependent work. Nothing here rejects before `verdict`, so an early "no" from Apple cannot
 * surface as an unhandled rejection while other work runs.
 */
export class ConnectionCheck {
  private judgementOnce?: Promise<Judgement>;
  private verdictOnce?: Promise<AppleAccess>;

  private constructor(
    private readonly options: ConnectionCheckOptions,
    private readonly answers: Promise<Answers> | undefined,
  ) {}

  static start(options: ConnectionCheckOptions): ConnectionCheck {
    const { credentials } = options;
    const checksSession = credentials?.kind === 'apple_id' && credentials.sessionCookies.length > 0;
    if (!options.enabled || !credentials || (credentials.kind === 'apple_id' && !checksSession))
      return new ConnectionCheck(options, undefined);
    // Asked once the Step's current work has gone on (its next tool started): making the client
    // and the cookie jar costs the Step a few milliseconds it need not wait for.
    const later = new Promise<void>((resolve) => setImmediate(resolve));
    return new ConnectionCheck(
      options,
      later.then(() => ask(options, credentials)),
    );
  }

  /** Whether Apple is asked at all: check_connection on, and a key or a session to ask about. */
  get asks(): boolean {
    return this.answers !== undefined;
  }

  /**
   * Waits for Apple's answers, prints them once, and throws the one failure Apple's "no" means:
   * a rejected session, a rejected key, or a key whose role cannot do what the Step needs. No
   * answer within the budget is one warning, and the Step goes on. Later calls return the same.
   */
  verdict(logger: Logger): Promise<AppleAccess> {
    this.verdictOnce ??= this.judgement().then(({ access, failure, said }) => {
      for (const [level, text] of said) logger[level](text);
      if (failure !== undefined) throw failure;
      return access;
    });
    return this.verdictOnce;
  }

  /**
   * Rejects with Apple's "no" as soon as it is known, and never settles otherwise: a Step races
   * its setup against it, so a rejected connection ends a long install at once (see unlessRefused).
   * `alsoCheck` judges what Apple told further (a team choice) and may throw too.
   */
  refusal(alsoCheck: (access: AppleAccess) => unknown = () => undefined): Promise<never> {
    return this.judgement().then(({ access, failure }) => {
      if (failure !== undefined) throw failure;
      alsoCheck(access);
      return new Promise<never>(() => {});
    });
  }

  /** Apple's answers judged once, without printing; never rejects. */
  private judgement(): Promise<Judgement> {
    this.judgementOnce ??= this.judge();
    return this.judgementOnce;
  }

  private async judge(): Promise<Judgement> {
    const { credentials } = this.options;
    const out = transcript();
    const access: AppleAccess = {};
    if (!this.answers || !credentials) {
      if (!this.options.enabled)
        out.print('check_connection is off: Apple is not asked whether it accepts the connection');
      return { access, said: out.said };
    }
    out.info('Connection check with Apple');
    const answers = await this.answers;
    const unreachable: string[] = [];
    try {
      if (credentials.kind === 'api_key') this.judgeApiKey(credentials, answers.apiKey!, unreachable, out);
      else this.judgeSession(credentials, answers, access, unreachable, out);
    } catch (failure) {
      return { access, failure, said: out.said };
    }
    if (unreachable.length > 0) out.warn(UNREACHABLE(unreachable));
    return { access, said: out.said };
  }

  private judgeApiKey(
    credentials: ApiKeyCredentials,
    settled: Settled<ApiKeyAnswer>,
    unreachable: string[],
    logger: Printer,
  ): void {
    const answer = unwrap(settled, unreachable);
    if (!answer) return;
    const key = `the App Store Connect API key ${credentials.keyId}`;
    if (answer.kind === 'accepted') {
      logger.done(
        `Apple accepts ${key} (${answer.request}: ${answer.appName ? `app "${answer.appName}"` : 'OK'})`,
      );
      return;
    }
    const summary = `${answer.request}: ${answer.status}${answer.codes.length ? ` ${answer.codes.join(', ')}` : ''}`;
    if (answer.status === 401)
      throw new StepError(
        `Apple rejects ${key} (${summary}): it was revoked, or its issuer ID or key ID is wrong`,
        { hint: keyRejectedHint(credentials) },
      );
    if (answer.status === 403) {
      if (isAgreementMissing(answer.codes))
        throw new StepError(`Apple refuses ${key} (${summary})`, { hint: AGREEMENT_HINT });
      throw new StepError(`${capitalized(key)} may not do what this Step needs (${summary})`, {
        hint: roleHint(this.options.apiKeyUse, credentials),
      });
    }
    unreachable.push(`${summary}, an unexpected answer`);
  }

  private judgeSession(
    credentials: AppleIdCredentials,
    answers: Answers,
    access: AppleAccess,
    unreachable: string[],
    logger: Printer,
  ): void {
    const answer = unwrap(answers.session!, unreachable);
    if (answer?.kind === 'rejected') {
      if (answer.status === 401 || answer.status === 403)
        throw new StepError(`${SESSION_REJECTED} (GET /olympus/v1/session: ${answer.status})`, {
          hint: REAUTHENTICATE_HINT,
        });
      unreachable.push(`GET /olympus/v1/session: ${answer.status}, an unexpected answer`);
    }
    if (answer?.kind === 'accepted') {
      const { account } = answer;
      if (!account.provider && this.options.requireProvider)
        throw new StepError(NO_PROVIDER, { hint: REAUTHENTICATE_HINT });
      access.account = account;
      logger.done(
        `Apple accepts the connected Apple ID session of ${account.fullName || 'an unnamed user'}${account.email ? ` (${account.email})` : ''}`,
      );
      logger.print(sessionTimeLeft(credentials.sessionExpiryDate, new Date(this.options.clock.now())));
      if (account.providers.length > 0) {
        logger.print('App Store Connect teams (providers):');
        for (const p of account.providers)
          logger.print(
            `- ${p.name} (provider ID ${p.providerId})${p.providerId === account.provider?.providerId ? ', the session acts for it' : ''}`,
          );
      }
    }
    if (!answers.teams) return;
    const teams = unwrap(answers.teams, unreachable);
    if (teams?.kind === 'listed') {
      access.portalTeams = teams.teams;
      logger.print('Developer Portal teams:');
      for (const t of teams.teams) logger.print(`- ${t.name} (team ID ${t.teamId})`);
    } else if (teams?.kind === 'refused' && answer?.kind === 'accepted') {
      logger.warn(
        `The Developer Portal did not list the session's teams (POST listTeams.action: ${teams.status}): lanes that use the portal (match, cert, sigh) may fail`,
      );
    }
  }
}

/** Sends the check's requests; every answer is settled, so this never rejects. */
async function ask(options: ConnectionCheckOptions, credentials: Credentials): Promise<Answers> {
  const http = createHttpClient({ env: options.env, clock: options.clock });
  const { clock } = options;
  if (credentials.kind === 'api_key')
    return { apiKey: await settle(checkApiKey(credentials, options.apiKeyUse, http, clock)) };
  const jar = settle(sessionJar(credentials.sessionCookies));
  const withJar = <T>(use: (jar: CookieJar) => Promise<T>): Promise<Settled<T>> =>
    jar.then((made) => (made.ok ? settle(use(made.value)) : made));
  const [session, teams] = await Promise.all([
    withJar((made) => checkSession(made, http, clock)),
    options.portalTeams ? withJar((made) => listSessionTeams(made, http, clock)) : undefined,
  ]);
  return { session, teams };
}

/** The answer, or undefined after noting why Apple could not be asked; a bug is rethrown. */
function unwrap<T>(settled: Settled<T>, unreachable: string[]): T | undefined {
  if (settled.ok) return settled.value;
  if (settled.error instanceof AppleUnreachable) {
    unreachable.push(settled.error.reason);
    return undefined;
  }
  throw settled.error;
}

function sessionTimeLeft(expiry: Date | undefined, now: Date): string {
  if (!expiry) return 'Session expiry: Bitrise gives no date for it';
  if (isExpired(expiry, now))
    return `Session expiry: Bitrise's date (${goUtcString(expiry)}) has passed, but Apple still accepts the session`;
  return `Session expiry: ${formatTimeLeft(timeLeft(expiry, now))} left, by Bitrise's estimate (until ${goUtcString(expiry)})`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
