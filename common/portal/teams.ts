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
  const teams = (response.body as { teams?: unknown } | undefined)?.teams;
  if (!Array.isArray(teams))
    throw new StepError(`POST ${LIST_TEAMS_URL}: the response lists no teams`, {
      hint: UNEXPECTED_ANSWER_HINT,
    });
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
 * The requested team, or the only one; several teams and no choice is the user's to resolve.
 * The teams are listed on the lines after the headline: details before the one-line failure reason.
 */
export function selectTeam(teams: Team[], requested: string | undefined): Team {
  const listing = () => ['Its teams:', ...teams.map((t) => `- ${t.teamId}: ${t.name}`)].join('\n');
  const hint = 'set the team ID input (team_id) to one of the teams listed above';
  if (requested) {
    const team = teams.find((t) => t.teamId === requested.trim());
    if (!team) {
      throw new StepError(`the Apple ID is not a member of team ${requested}\n${listing()}`, { hint });
    }
    return team;
  }
  if (teams.length === 1) return teams[0]!;
  if (teams.length === 0) {
    throw new StepError('the Apple ID is not a member of any Developer Program team', {
      hint: 'connect an Apple ID that belongs to a paid Apple Developer Program team',
    });
  }
  throw new StepError(`the Apple ID is a member of ${teams.length} teams\n${listing()}`, { hint });
}
