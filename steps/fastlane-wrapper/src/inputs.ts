import { appleIdInputs, connectionInputs } from '../../../common/apple/index.ts';
import { input } from '../../../common/step/index.ts';

/** Mirrors step.yml, the source of truth; a test proves they agree. */
export const inputs = {
  lane: input.string({ required: true, hint: 'set it to the lane and its arguments, e.g. `ios beta`' }),
  work_dir: input.dir({ required: true, hint: 'set it to the directory that holds the fastlane folder' }),
  ...connectionInputs,
  apple_id: input.secret(),
  ...appleIdInputs,
  export_session: input.bool(),
  update_fastlane: input.bool(),
  enable_cache: input.bool({ required: true }),
  deploy_dir: input.string(),
  verbose_log: input.bool({ required: true }),
};
