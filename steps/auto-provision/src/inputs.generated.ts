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
  session_expiry_warning_days: {
    kind: 'int',
    min: 0,
    max: 30,
    default: 5,
  },
  team_id: {
    kind: 'string',
  },
  distribution_type: {
    kind: 'oneOf',
    options: ['development', 'app-store', 'ad-hoc', 'enterprise', 'developer-id'],
    required: true,
  },
  project_path: {
    kind: 'dir',
    required: true,
  },
  scheme: {
    kind: 'string',
    required: true,
    hint: 'the scheme that archives the app',
  },
  configuration: {
    kind: 'string',
  },
  platforms: {
    kind: 'string',
  },
  sign_uitest_targets: {
    kind: 'bool',
  },
  register_test_devices: {
    kind: 'bool',
  },
  test_device_list_path: {
    kind: 'file',
  },
  min_profile_days_valid: {
    kind: 'int',
    min: 0,
    default: 0,
  },
  certificate_urls: {
    kind: 'list',
    separator: 'pipe',
    sensitive: true,
    required: true,
    hint: 'upload the .p12 on the Code Signing tab',
  },
  passphrases: {
    kind: 'secret',
  },
  keychain_path: {
    kind: 'string',
    required: true,
  },
  keychain_password: {
    kind: 'secret',
    required: true,
    hint: 'use $BITRISE_KEYCHAIN_PASSWORD',
  },
  dry_run: {
    kind: 'bool',
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
