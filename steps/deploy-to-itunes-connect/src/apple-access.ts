import { type AppleAccess, chooseTeam } from '../../../common/apple/index.ts';
import type { StepContext } from '../../../common/step/index.ts';
import type { Config } from './config.ts';

const TEAM_HINT =
  'set team_id to the App Store Connect provider ID of one of the teams listed above, or team_name to its name';
const MULTIPLE_TEAMS =
  'so deliver would stop with "Multiple App Store Connect Teams found; unable to choose, terminal not interactive!"';

/**
 * deliver signs in to App Store Connect only: an Apple ID in several of its teams needs one named
 * (team_id, team_name, FASTLANE_ITC_TEAM_ID / _NAME, or the Appfile). The API upload acts for the
 * key's own team.
 */
function checkTeam(access: AppleAccess, config: Config): void {
  if (config.credentials.kind !== 'apple_id' || config.upload.method !== 'deliver') return;
  chooseTeam(access, config.team, {
    scope: 'app-store-connect',
    hint: TEAM_HINT,
    consequence: MULTIPLE_TEAMS,
  });
}

/** Apple's verdict on the connection (asked for in configure), printed: awaited before the upload. */
export async function appleAccess(config: Config, ctx: StepContext): Promise<void> {
  checkTeam(await config.check.verdict(ctx.logger), config);
}

/** Rejects as soon as Apple refuses the connection or no team can be chosen; raced against the setup. */
export function appleRefusal(config: Config): Promise<never> {
  return config.check.refusal((access) => checkTeam(access, config));
}
