import { type AppleAccess, chooseTeam, fastlaneTeamEnv } from '../../../common/apple/index.ts';
import type { Env, StepContext } from '../../../common/step/index.ts';
import type { Config } from './config.ts';

const TEAM_HINT =
  'set team_id to one of the team IDs listed above (or FASTLANE_TEAM_ID / FASTLANE_TEAM_NAME in the environment, or team_id in fastlane/Appfile)';
const MULTIPLE_TEAMS =
  'so fastlane would stop with "Multiple Teams found; unable to choose, terminal not interactive!"';

/** The variables fastlane gets for the team it acts for; fails when several teams and none named. */
function teamEnv(access: AppleAccess, config: Config, env: Env): Record<string, string> {
  // An API key acts for its own team.
  if (config.credentials?.kind !== 'apple_id') return {};
  const team = chooseTeam(access, config.team, {
    scope: 'both',
    hint: TEAM_HINT,
    consequence: MULTIPLE_TEAMS,
  });
  return fastlaneTeamEnv(team, env);
}

/**
 * Apple's verdict on the connection (asked for in configure), printed, and the team fastlane acts
 * for, as the variables fastlane gets for it: awaited right before the lane.
 */
export async function appleAccess(config: Config, ctx: StepContext): Promise<Record<string, string>> {
  return teamEnv(await config.check.verdict(ctx.logger), config, ctx.env);
}

/** Rejects as soon as Apple refuses the connection or no team can be chosen; raced against the setup. */
export function appleRefusal(config: Config, ctx: StepContext): Promise<never> {
  return config.check.refusal((access) => teamEnv(access, config, ctx.env));
}
