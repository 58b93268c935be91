import { chooseTeam, fastlaneTeamEnv } from '../../../common/apple/index.ts';
import type { StepContext } from '../../../common/step/index.ts';
import type { Config } from './config.ts';

const TEAM_HINT =
  'set team_id to one of the team IDs listed above (or FASTLANE_TEAM_ID / FASTLANE_TEAM_NAME in the environment, or team_id in fastlane/Appfile)';
const MULTIPLE_TEAMS =
  'so fastlane would stop with "Multiple Teams found; unable to choose, terminal not interactive!"';

/**
 * Apple's verdict on the connection (asked for in configure) and the team fastlane acts for, as the
 * variables fastlane gets for it. Called before the fastlane setup, so a rejected session, key or
 * team choice fails before any slow work, and again by run; the verdict is printed once.
 */
export async function appleAccess(config: Config, ctx: StepContext): Promise<Record<string, string>> {
  const access = await config.check.verdict(ctx.logger);
  // An API key acts for its own team.
  if (config.credentials?.kind !== 'apple_id') return {};
  const team = chooseTeam(access, config.team, {
    scope: 'both',
    hint: TEAM_HINT,
    consequence: MULTIPLE_TEAMS,
  });
  return fastlaneTeamEnv(team, ctx.env);
}
