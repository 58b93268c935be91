import { existsSync, readFileSync } from 'node:fs';
import { connectionReport } from '../../lib/connection-report.ts';
import { consoleOut, type Out } from '../../lib/repo.ts';
import { UsageError } from '../../lib/run-step.ts';

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
