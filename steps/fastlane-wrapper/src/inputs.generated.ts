// Generated from step.yml by `npm run build` (tools/lib/step-yml); do not edit. To change an input,
// edit step.yml: its value, is_required, value_options, is_sensitive and opts.meta.steps.
import type { InputSchema } from '../../../common/step/index.ts';

/** The Step's inputs, in step.yml's order (the config echo's order). */
export const inputs = {
  lane: {
    kind: 'string',
    required: true,
    hint: 'set it to the lane and its arguments, e.g. `ios beta`',
  },
  work_dir: {
    kind: 'dir',
    required: true,
    hint: 'set it to the directory that holds the fastlane folder',
  },
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
  apple_id: {
    kind: 'secret',
  },
  password: {
    kind: 'secret',
  },
  app_password: {
    kind: 'secret',
  },
  team_id: {
    kind: 'string',
    hint: 'set it to one of the team IDs listed above',
  },
  session_expiry_warning_days: {
    kind: 'int',
    min: 0,
    max: 30,
    default: 5,
  },
  export_session: {
    kind: 'bool',
  },
  update_fastlane: {
    kind: 'bool',
  },
  enable_cache: {
    kind: 'bool',
    required: true,
  },
  deploy_dir: {
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
