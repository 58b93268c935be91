import { type ListedTeam, type Team, teamChoiceError } from '../portal/teams.ts';
import type { Env } from '../step/env.ts';
import type { AppleAccess } from './preflight/connection-check.ts';
import type { Provider } from './preflight/session-check.ts';

/**
 * Team rules for an Apple ID in several teams (connected-session.md §6a). App Store Connect teams
 * ("providers", numeric IDs, from olympus) and Developer Portal teams (10-character team IDs, from
 * listTeams.action) come from different lists; they are matched by name.
 */

/** One way the user named a team, and where it came from, for messages. */
export interface Named {
  value: string;
  from: string;
}

/** The team fields fastlane reads: FASTLANE_TEAM_ID / _NAME (portal) and FASTLANE_ITC_TEAM_ID / _NAME. */
export interface NamedTeam {
  teamId?: Named;
  teamName?: Named;
  itcTeamId?: Named;
  itcTeamName?: Named;
}

type TeamField = keyof NamedTeam;

/** Appfile keys and the environment variables fastlane reads for each field. */
const FIELDS: ReadonlyArray<{ field: TeamField; env: string; appfile: string }> = [
  { field: 'teamId', env: 'FASTLANE_TEAM_ID', appfile: 'team_id' },
  { field: 'teamName', env: 'FASTLANE_TEAM_NAME', appfile: 'team_name' },
  { field: 'itcTeamId', env: 'FASTLANE_ITC_TEAM_ID', appfile: 'itc_team_id' },
  { field: 'itcTeamName', env: 'FASTLANE_ITC_TEAM_NAME', appfile: 'itc_team_name' },
];

export interface TeamSources {
  /** Step inputs that name a team, by field, e.g. `{ teamId: { value, from: 'the team_id input' } }`. */
  inputs?: NamedTeam;
  /**
   * The environment fastlane will inherit: a user's FASTLANE_TEAM_ID and friends are read here, in
   * this one place, because what matters is what fastlane will see. (They are not Step inputs.)
   */
  fastlaneEnv?: Env;
  /** The team keys of fastlane/Appfile (common/fastlane readAppfileTeams), with its path. */
  appfile?: { path: string; values: Partial<Record<string, string>> };
}

/** Each field from the first source that sets it, in fastlane's order: input, environment, Appfile. */
export function namedTeam(sources: TeamSources): NamedTeam {
  const named: NamedTeam = {};
  for (const { field, env, appfile } of FIELDS) {
    const fromInput = sources.inputs?.[field];
    const fromEnv = sources.fastlaneEnv?.[env]?.trim();
    const fromAppfile = sources.appfile?.values[appfile]?.trim();
    if (fromInput?.value.trim()) named[field] = { value: fromInput.value.trim(), from: fromInput.from };
    else if (fromEnv) named[field] = { value: fromEnv, from: env };
    else if (fromAppfile)
      named[field] = { value: fromAppfile, from: `${appfile} in ${sources.appfile!.path}` };
  }
  return named;
}

export function isNamed(named: NamedTeam): boolean {
  return FIELDS.some(({ field }) => named[field] !== undefined);
}

/** Which lists the Step's tools choose a team from. */
export type TeamScope = 'portal' | 'app-store-connect' | 'both';

export interface ChooseTeamOptions {
  scope: TeamScope;
  /** How to name a team, for this Step. */
  hint: string;
  /** What would happen later without a choice, e.g. fastlane's "Multiple Teams found" stop. */
  consequence?: string;
}

/** A team as chosen: the portal team and the matching provider, either may be unknown. */
export type ChosenTeam = ListedTeam;

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Portal teams and providers side by side, matched by name. */
export function mergeTeams(
  portalTeams: readonly Team[] = [],
  providers: readonly Provider[] = [],
): ChosenTeam[] {
  const merged: ChosenTeam[] = portalTeams.map((t) => ({ name: t.name, teamId: t.teamId }));
  for (const p of providers) {
    const match = merged.find((t) => t.providerId === undefined && sameName(t.name, p.name));
    if (match) match.providerId = p.providerId;
    else merged.push({ name: p.name, providerId: p.providerId });
  }
  return merged;
}

/**
 * The team the Step's tools will act for, or undefined when there is only one (nothing to choose)
 * or Apple was not asked. Fails, listing the teams, when several are in scope and none is named,
 * or when the named one is not among them.
 */
export function chooseTeam(
  access: AppleAccess,
  named: NamedTeam,
  options: ChooseTeamOptions,
): ChosenTeam | undefined {
  const portal = options.scope !== 'app-store-connect' ? access.portalTeams : undefined;
  const providers = options.scope !== 'portal' ? access.account?.providers : undefined;
  const teams = mergeTeams(access.portalTeams, access.account?.providers);
  const fail = (requested?: Named) =>
    teamChoiceError(teams, requested ? `${requested.value} (${requested.from})` : undefined, options);

  const lookups: Array<[Named | undefined, readonly unknown[] | undefined, (t: ChosenTeam) => boolean]> = [
    [named.teamId, portal, (t) => t.teamId === named.teamId?.value],
    [named.teamName, portal, (t) => t.teamId !== undefined && sameName(t.name, named.teamName!.value)],
    [named.itcTeamId, providers, (t) => String(t.providerId) === named.itcTeamId?.value],
    [
      named.itcTeamName,
      providers,
      (t) => t.providerId !== undefined && sameName(t.name, named.itcTeamName!.value),
    ],
  ];
  for (const [name, list, matches] of lookups) {
    if (!name) continue;
    // A list Apple did not give (check off, unreachable, out of scope) cannot be checked against.
    if (!list) {
      if (name === named.teamId) return { name: '', teamId: name.value };
      if (name === named.itcTeamId && /^\d+$/.test(name.value))
        return { name: '', providerId: Number(name.value) };
      continue;
    }
    const team = teams.find(matches);
    if (!team) throw fail(name);
    return team;
  }
  if ((portal?.length ?? 0) > 1 || (providers?.length ?? 0) > 1) throw fail();
  return undefined;
}

/**
 * What fastlane gets for a chosen team: FASTLANE_TEAM_ID, and FASTLANE_ITC_TEAM_ID when the
 * provider is known; a variable the user already set in the environment is left as it is.
 */
export function fastlaneTeamEnv(team: ChosenTeam | undefined, env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  if (!team) return out;
  if (team.teamId && !env['FASTLANE_TEAM_ID']) out['FASTLANE_TEAM_ID'] = team.teamId;
  if (team.providerId !== undefined && !env['FASTLANE_ITC_TEAM_ID'])
    out['FASTLANE_ITC_TEAM_ID'] = String(team.providerId);
  return out;
}
