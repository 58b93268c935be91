import { existsSync, readFileSync } from 'node:fs';
import type { Clock } from '../../../common/step/index.ts';
import { connectionReport } from '../../lib/bitrise-cli/connection-report.ts';
import { consoleOut, type Out } from '../../lib/repo.ts';
import { UsageError } from '../../lib/usage-error.ts';
import { type CommandContext, commandModule } from '../command.ts';

export const connectionModule = (context: CommandContext) =>
  commandModule(context, {
    command: 'connection',
    describe:
      'Test the connected Apple account of a build, like the "Test the connection" button on bitrise.io',
    builder: (y) =>
      y
        .option('build-url', {
          type: 'string',
          requiresArg: true,
          describe: 'The build URL, or file://<path> of a connection JSON [default: $BITRISE_BUILD_URL]',
        })
        .option('token', {
          type: 'string',
          requiresArg: true,
          describe: 'The build API token [default: $BITRISE_BUILD_API_TOKEN]',
        })
        .option('token-file', {
          type: 'string',
          requiresArg: true,
          describe: 'Read the token from this file (keeps it out of shell history)',
        })
        .option('live', {
          type: 'boolean',
          default: false,
          describe:
            'Also ask Apple whether it accepts the session and the API key, as the Steps do before their work; exit 1 when it does not',
        })
        .option('min-days-left', {
          type: 'number',
          requiresArg: true,
          describe: 'Exit 1 when the Apple ID session ends within this many days (for a scheduled build)',
        })
        .check((args) => {
          const days = args['min-days-left'];
          if (days !== undefined && (!Number.isFinite(days) || days < 0 || days > 30))
            throw new UsageError('--min-days-left takes a number of days from 0 to 30');
          return true;
        })
        .example(
          '$0 connection --build-url https://app.bitrise.io/build/<slug> --token-file token.txt',
          'Test a build',
        )
        .example(
          '$0 connection --build-url file://testkit/fixtures/connections/apple-id.json',
          'Inspect a saved connection JSON',
        )
        .example(
          '$0 connection --live --min-days-left 3',
          'In a scheduled Bitrise build: fail 3 days before the session ends',
        ),
    run: (args) =>
      connectionCommand({
        buildUrl: args['build-url'],
        token: args.token,
        tokenFile: args['token-file'],
        live: args.live,
        minDaysLeft: args['min-days-left'],
        out: context.out,
      }),
  });

export interface ConnectionCommandOptions {
  buildUrl?: string;
  token?: string;
  tokenFile?: string;
  env?: NodeJS.ProcessEnv;
  out?: Out;
  retryBaseDelayMs?: number;
  live?: boolean;
  minDaysLeft?: number;
  clock?: Clock;
}

export async function connectionCommand(options: ConnectionCommandOptions): Promise<number> {
  const out = options.out ?? consoleOut;
  const env = options.env ?? process.env;
  if (options.tokenFile && !existsSync(options.tokenFile))
    throw new UsageError(`token file ${options.tokenFile} does not exist`);
  const buildUrl = options.buildUrl || env['BITRISE_BUILD_URL'] || '';
  const token =
    options.token ||
    (options.tokenFile ? readFileSync(options.tokenFile, 'utf8').trim() : '') ||
    env['BITRISE_BUILD_API_TOKEN'] ||
    '';
  if (!buildUrl) throw new UsageError('give --build-url (or a file:// JSON path), or set BITRISE_BUILD_URL');
  if (!token && !buildUrl.startsWith('file://'))
    throw new UsageError('give --token (or --token-file), or set BITRISE_BUILD_API_TOKEN');
  out.log(`Connection of ${buildUrl}`);
  const report = await connectionReport({
    buildUrl,
    token: token || 'local',
    env,
    retryBaseDelayMs: options.retryBaseDelayMs,
    live: options.live,
    minDaysLeft: options.minDaysLeft,
    clock: options.clock,
  });
  for (const line of report.lines) out.log(line);
  if (report.usable) out.log(options.live ? 'Result: usable, and Apple accepts it' : 'Result: usable');
  else for (const problem of report.problems) out.log(`Result: not usable: ${problem}`);
  return report.usable ? 0 : 1;
}
