import type { Output, StepContext } from '../../../common/step/index.ts';
import { appendPaths, dependencyCachePaths } from './cache.ts';
import type { Config } from './config.ts';
import type { Result } from './run.ts';

export function outputs(config: Config, result: Result | undefined, ctx: StepContext): Output[] {
  const list: Output[] = [];
  if (config.inputs.export_session) list.push(...sessionOutputs(config, ctx));
  if (result?.succeeded && config.inputs.enable_cache) {
    const entries = dependencyCachePaths(config.inputs.work_dir);
    if (entries.length > 0) {
      ctx.logger.print(`Adding to the build cache: ${entries.join(', ')}`);
      list.push({
        key: 'BITRISE_CACHE_INCLUDE_PATHS',
        value: appendPaths(ctx.env['BITRISE_CACHE_INCLUDE_PATHS'], entries),
      });
    }
  }
  return list;
}

/** The connected session for later Steps: every value sensitive, and a warning saying what left. */
function sessionOutputs(config: Config, ctx: StepContext): Output[] {
  const credentials = config.credentials;
  if (credentials?.kind !== 'apple_id') {
    ctx.logger.warn(
      'export_session is on, but the Step has no Apple ID credentials to export: nothing is exported',
    );
    return [];
  }
  const values: Output[] = [
    { key: 'FASTLANE_SESSION', value: credentials.session.reveal(), sensitive: true },
    { key: 'FASTLANE_USER', value: credentials.username, sensitive: true },
    { key: 'FASTLANE_PASSWORD', value: credentials.password.reveal(), sensitive: true },
    {
      key: 'FASTLANE_APPLE_APPLICATION_SPECIFIC_PASSWORD',
      value: credentials.appSpecificPassword.reveal(),
      sensitive: true,
    },
  ].filter((output) => output.value !== '');
  ctx.logger.warn(
    `export_session is on: ${values.map((o) => o.key).join(', ')} are exported as sensitive outputs; every later Step of this build can use the Apple ID and its 2FA session`,
  );
  return values;
}
