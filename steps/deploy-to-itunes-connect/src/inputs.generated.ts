// Generated from step.yml by `npm run build` (tools/lib/step-yml); do not edit. To change an input,
// edit step.yml: its value, is_required, value_options, is_sensitive and opts.meta.steps.
import type { InputSchema } from '../../../common/step/index.ts';

/** The Step's inputs, in step.yml's order (the config echo's order). */
export const inputs = {
  connection: {
    kind: 'oneOf',
    options: ['automatic', 'api_key', 'apple_id', 'off'],
    required: true,
  },
  api_key_path: {
    kind: 'location',
    sensitive: true,
  },
  api_issuer: {
    kind: 'string',
  },
  check_connection: {
    kind: 'bool',
    required: true,
  },
  itunescon_user: {
    kind: 'secret',
  },
  password: {
    kind: 'secret',
  },
  app_password: {
    kind: 'secret',
  },
  session_expiry_warning_days: {
    kind: 'int',
    min: 0,
    max: 30,
    default: 5,
  },
  team_id: {
    kind: 'string',
  },
  team_name: {
    kind: 'string',
  },
  ipa_path: {
    kind: 'string',
  },
  pkg_path: {
    kind: 'string',
  },
  platform: {
    kind: 'oneOf',
    options: ['ios', 'osx', 'appletvos'],
    required: true,
  },
  app_id: {
    kind: 'string',
  },
  bundle_id: {
    kind: 'string',
  },
  submit_for_review: {
    kind: 'bool',
    required: true,
  },
  skip_metadata: {
    kind: 'bool',
    required: true,
  },
  skip_screenshots: {
    kind: 'bool',
    required: true,
  },
  skip_app_version_update: {
    kind: 'bool',
    required: true,
  },
  upload_method: {
    kind: 'oneOf',
    options: ['auto', 'api', 'deliver'],
    required: true,
  },
  wait_for_processing: {
    kind: 'bool',
    required: true,
  },
  processing_timeout_minutes: {
    kind: 'int',
    min: 1,
    max: 1440,
    default: 30,
    required: true,
  },
  what_to_test: {
    kind: 'string',
  },
  beta_groups: {
    kind: 'list',
    separator: 'pipe-or-newline',
  },
  uses_non_exempt_encryption: {
    kind: 'oneOf',
    options: ['yes', 'no'],
  },
  submit_for_beta_review: {
    kind: 'bool',
    required: true,
  },
  dry_run: {
    kind: 'bool',
  },
  gemfile_path: {
    kind: 'string',
  },
  fastlane_version: {
    kind: 'string',
  },
  options: {
    kind: 'string',
  },
  itms_upload_parameters: {
    kind: 'string',
  },
  verbose_log: {
    kind: 'bool',
    required: true,
  },
  build_url: {
    kind: 'url',
    schemes: ['https', 'http', 'file'],
    hint: 'use the build URL, or file://<path> of a connection JSON',
  },
  build_api_token: {
    kind: 'secret',
  },
} as const satisfies InputSchema;
