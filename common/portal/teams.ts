import { StepError } from '../step/index.ts';
import { type AppleIdTransport, LIST_TEAMS_URL } from './apple-id-transport.ts';
import { UNEXPECTED_ANSWER_HINT } from './errors.ts';
import type { Executor } from './executor.ts';

export interface Team {
  teamId: string;
  name: string;
  type?: string;
  status?: string;
}

export async function listTeams(executor: Executor, transport: AppleIdTransport): Promise<Team[]> {
  const response = await executor.sendWired(`POST ${LIST_TEAMS_URL}`, true, () =>
    transport.wireAction(LIST_TEAMS_URL),
  );
  const teams = teamsOfListTeams(response.body);
  if (!teams)
    throw new StepError(`POST ${LIST_TEAMS_URL}: the response lists no teams`, {
      hint: UNEXPECTED_ANSWER_HINT,
    });
  return teams;
}

/** The teams of a listTeams.action answer; undefined when it is not shaped like one. */
export function teamsOfListTeams(body: unknown): Team[] | undefined {
  const teams = (body as { teams?: unknown } | undefined)?.teams;
  if (!Array.isArray(teams)) return undefined;
  return teams
    .map((t: Record<string, unknown>) => ({
      teamId: String(t.teamId ?? ''),
      name: String(t.name ?? ''),
      type: typeof t.type === 'string' ? t.type : undefined,
      status: typeof t.status === 'string' ? t.status : undefined,
    }))
    .filter((t) => t.teamId);
}

/**
 * A team as a message lists it: its Developer Portal team ID (10 characters) and, when known, its
 * App Store Connect provider ID (a number), matched by name; either may be missing.
 */
export interface ListedTeam {
  name: string;
  teamId?: string;
  providerId?: number;
}

/**
 * `Its teams:` and one line per team: `- <team ID>: <name> (App Store Connect provider ID <n>)`,
 * or `- <name> (App Store Connect provider ID <n>)` when only App Store Connect was asked.
 */
export function teamListing(teams: readonly ListedTeam[]): string {
  const line = (t: ListedTeam) => {
    const provider = t.providerId !== undefined ? ` (App Store Connect provider ID ${t.providerId})` : '';
    return t.teamId ? `- ${t.teamId}: ${t.name}${provider}` : `- ${t.name}${provider}`;
  };
  return ['Its teams:', ...teams.map(line)].join('\n');
}

/**
 * The one wording of a team that cannot be chosen, for every Step: several teams and none named,
 * or a named team the Apple ID is not in. The teams are listed on the lines after the headline,
 * so they print as details before the one-line failure reason.
 */
export function teamChoiceError(
  teams: readonly ListedTeam[],
  requested: string | undefined,
  options: { hint: string; consequence?: string },
): StepError {
  if (requested)
    return new StepError(`the Apple ID is not a member of team ${requested}\n${teamListing(teams)}`, {
      hint: options.hint,
    });
  if (teams.length === 0)
    return new StepError('the Apple ID is not a member of any Developer Program team', {
      hint: 'connect an Apple ID that belongs to a paid Apple Developer Program team',
    });
  const consequence = options.consequence ? `, ${options.consequence}` : '';
  return new StepError(
    `the Apple ID is a member of ${teams.length} teams and none is named${consequence}\n${teamListing(teams)}`,
    { hint: options.hint },
  );
}

/** The requested team, or the only one; several teams and no choice is the user's to resolve. */
export function selectTeam(teams: Team[], requested: string | undefined): Team {
  const hint = 'set the team ID input (team_id) to one of the teams listed above';
  if (requested) {
    const team = teams.find((t) => t.teamId === requested.trim());
    if (!team) throw teamChoiceError(teams, requested, { hint });
    return team;
  }
  if (teams.length === 1) return teams[0]!;
  throw teamChoiceError(teams, undefined, { hint });
}
