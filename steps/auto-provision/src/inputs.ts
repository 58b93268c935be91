import { connectionInputs } from '../../../common/apple/index.ts';
import { input } from '../../../common/step/index.ts';

export const DISTRIBUTION_TYPES = ['development', 'app-store', 'ad-hoc', 'enterprise'] as const;
export type DistributionType = (typeof DISTRIBUTION_TYPES)[number];

const { connection, api_key_path, api_issuer, session_expiry_warning_days, build_url, build_api_token } =
  connectionInputs;

/** Mirrors step.yml (the source of truth, same order for the config echo); a test proves they agree. */
export const inputs = {
  connection,
  api_key_path,
  api_issuer,
  session_expiry_warning_days,
  team_id: input.string(),
  distribution_type: input.oneOf(DISTRIBUTION_TYPES, { required: true }),
  project_path: input.dir({ required: true }),
  scheme: input.string({ required: true, hint: 'the scheme that archives the app' }),
  configuration: input.string(),
  sign_uitest_targets: input.bool(),
  register_test_devices: input.bool(),
  min_profile_days_valid: input.int({ min: 0, default: 0 }),
  certificate_urls: input.list({
    sensitive: true,
    separator: 'pipe',
    required: true,
    hint: 'upload the .p12 on the Code Signing tab',
  }),
  // A plain secret, split here: unlike the URLs, empty passphrases are kept (upstream).
  passphrases: input.secret(),
  keychain_path: input.string({ required: true }),
  keychain_password: input.secret({ required: true, hint: 'use $BITRISE_KEYCHAIN_PASSWORD' }),
  dry_run: input.bool(),
  verbose_log: input.bool({ required: true }),
  build_url,
  build_api_token,
};
