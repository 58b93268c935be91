import { existsSync, readFileSync } from 'node:fs';
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
        .example(
          '$0 connection --build-url https://app.bitrise.io/build/<slug> --token-file token.txt',
          'Test a build',
        )
        .example(
          '$0 connection --build-url file://testkit/fixtures/connections/apple-id.json',
          'Inspect a saved connection JSON',
        ),
    run: (args) =>
      connectionCommand({
        buildUrl: args['build-url'],
        token: args.token,
        tokenFile: args['token-file'],
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
  });
  for (const line of report.lines) out.log(line);
  out.log(
    report.usable
      ? 'Result: usable'
      : 'Result: nothing usable is connected, or the Apple ID session has expired',
  );
  return report.usable ? 0 : 1;
}
