import { appleIdInputs, connectionInputs } from '../../../common/apple/index.ts';
import { input } from '../../../common/step/index.ts';

export const PLATFORMS = ['ios', 'osx', 'appletvos'] as const;

const { connection, api_key_path, api_issuer, session_expiry_warning_days, build_url, build_api_token } =
  connectionInputs;

/** Mirrors step.yml (the source of truth, same order for the config echo); a test proves they agree. */
export const inputs = {
  connection,
  api_key_path,
  api_issuer,
  itunescon_user: input.secret(),
  ...appleIdInputs,
  session_expiry_warning_days,
  team_id: input.string(),
  team_name: input.string(),
  // Plain strings: which of the two is needed, and what the file must be, is checked together.
  ipa_path: input.string(),
  pkg_path: input.string(),
  platform: input.oneOf(PLATFORMS, { required: true }),
  app_id: input.string(),
  bundle_id: input.string(),
  submit_for_review: input.bool({ required: true }),
  skip_metadata: input.bool({ required: true }),
  skip_screenshots: input.bool({ required: true }),
  skip_app_version_update: input.bool({ required: true }),
  dry_run: input.bool(),
  gemfile_path: input.string(),
  fastlane_version: input.string(),
  options: input.string(),
  itms_upload_parameters: input.string(),
  verbose_log: input.bool({ required: true }),
  build_url,
  build_api_token,
};
