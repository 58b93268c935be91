import {
  type ConnectionCheck,
  type Credentials,
  type NamedTeam,
  namedTeam,
  resolveCredentials,
} from '../../../common/apple/index.ts';
import {
  type FastlaneLauncher,
  type GemfileLock,
  oldFastlaneWarning,
  readAppfileTeams,
  readGemfileLock,
} from '../../../common/fastlane/index.ts';
import { InputError, type Inputs, type StepContext, shellSplit } from '../../../common/step/index.ts';
import type { inputs } from './inputs.generated.ts';

export interface Config {
  inputs: Inputs<typeof inputs>;
  laneArgs: string[];
  lock: GemfileLock | undefined;
  launcher: FastlaneLauncher;
  credentials: Credentials | undefined;
  /** Apple's verdict on the credentials, asked for while the Step prepares. */
  check: ConnectionCheck;
  /** The team named by team_id, the environment fastlane inherits or fastlane/Appfile. */
  team: NamedTeam;
}

export async function configure(values: Inputs<typeof inputs>, ctx: StepContext): Promise<Config> {
  let laneArgs: string[];
  try {
    laneArgs = shellSplit(values.lane);
  } catch (err) {
    throw new InputError([
      { key: 'lane', message: `Failed to parse lane (${(err as Error).message}): quote it as a shell would` },
    ]);
  }
  if (ctx.env['GEM_HOME']) {
    ctx.logger.warn('GEM_HOME is set. This can lead to errors as gem lookup path may not contain GEM_HOME.');
  }

  const { credentials, check } = await resolveCredentials(values, ctx, {
    appleId: values.apple_id,
    expiryPolicy: 'fail',
    // A lane may do anything: the key is tested with a read every role may make.
    check: { apiKeyUse: { kind: 'read' }, portalTeams: true, requireProvider: true },
  });
  const team = namedTeam({
    inputs: { teamId: { value: values.team_id, from: 'the team_id input' } },
    fastlaneEnv: ctx.env,
    appfile: readAppfileTeams(values.work_dir),
  });

  const lock = readGemfileLock(values.work_dir);
  ctx.logger.info('Fastlane setup');
  if (!lock) ctx.logger.print(`Gem lockfile does not exist in ${values.work_dir}`);
  else
    ctx.logger.print(
      `${lock.path}: fastlane ${lock.fastlaneVersion ?? 'not locked'}, bundler ${lock.bundlerVersion ?? 'not recorded'}`,
    );
  const tooOld = oldFastlaneWarning(lock?.fastlaneVersion, lock?.path);
  if (tooOld) ctx.logger.warn(tooOld);
  const launcher: FastlaneLauncher = lock?.fastlaneVersion
    ? { kind: 'bundler', bundlerVersion: lock.bundlerVersion }
    : { kind: 'installed' };
  return { inputs: values, laneArgs, lock, launcher, credentials, check, team };
}
