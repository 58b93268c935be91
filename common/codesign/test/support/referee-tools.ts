import { spawnSync } from 'node:child_process';

/**
 * Real command-line tools as referees for our file readers: files written by `openssl` and Info-ZIP
 * `zip` must read back as the tool says they are. Same policy as testkit/ruby's `skipWithoutRuby`: a
 * missing tool skips with a visible warning locally and fails the test file when CI is set.
 */
export interface RefereeTool {
  /** How the warning names it, e.g. `OpenSSL 3`. */
  name: string;
  command: string;
  /** A cheap invocation that succeeds only when the tool can referee. */
  probeArgs: string[];
  /** Why the probe's stdout shows an unfit tool (e.g. too old), or undefined when it is fit. */
  unfit?: (stdout: string) => string | undefined;
  /** What to install, for the message. */
  install: string;
}

export const OPENSSL_3: RefereeTool = {
  name: 'OpenSSL 3',
  command: 'openssl',
  probeArgs: ['version'],
  // LibreSSL (macOS's /usr/bin/openssl) and OpenSSL 1.1 still write 3DES/RC2 by default.
  unfit: (stdout) => (/^OpenSSL ([3-9]|\d\d)\./.test(stdout) ? undefined : `found ${stdout.trim()}`),
  install: 'apt-get install openssl',
};

export const OPENSSL_LEGACY_PROVIDER: RefereeTool = {
  name: "OpenSSL 3's legacy provider",
  command: 'openssl',
  probeArgs: ['list', '-providers', '-provider', 'legacy'],
  install: 'apt-get install openssl (Debian ships ossl-modules/legacy.so in libssl3)',
};

export const INFO_ZIP: RefereeTool = {
  name: 'Info-ZIP zip',
  command: 'zip',
  probeArgs: ['-v'],
  install: 'apt-get install zip',
};

export const INFO_UNZIP: RefereeTool = {
  name: 'Info-ZIP unzip',
  command: 'unzip',
  probeArgs: ['-v'],
  install: 'apt-get install unzip',
};

/** Why the tool cannot referee here, or undefined when it can. */
export function toolUnavailableReason(tool: RefereeTool): string | undefined {
  const probe = spawnSync(tool.command, tool.probeArgs, { encoding: 'utf8', timeout: 30_000 });
  if (probe.error) return `cannot run "${tool.command}": ${probe.error.message}`;
  if (probe.status !== 0) {
    const detail = `${probe.stderr}`.trim().split('\n')[0] ?? '';
    return `"${[tool.command, ...tool.probeArgs].join(' ')}" failed: ${detail}`;
  }
  return tool.unfit?.(probe.stdout);
}

/**
 * Test gate: `describe.skipIf(skipWithoutTools('…', [OPENSSL_3]))(…)`. Returns false when every tool
 * can referee; otherwise warns and returns true locally, and throws when CI is set, because a silent
 * skip there would let a reader regression through.
 */
export function skipWithoutTools(
  suite: string,
  tools: readonly RefereeTool[],
  // Injectable so the policy itself can be tested on a machine that has the tools.
  {
    reasonOf = toolUnavailableReason,
    env = process.env,
  }: { reasonOf?: (tool: RefereeTool) => string | undefined; env?: NodeJS.ProcessEnv } = {},
): boolean {
  const missing = tools.flatMap((tool) => {
    const reason = reasonOf(tool);
    return reason === undefined ? [] : [`${tool.name}: ${reason} (${tool.install})`];
  });
  if (missing.length === 0) return false;
  if (env.CI) throw new Error(`${suite} need real tools in CI, but ${missing.join('; ')}`);
  console.warn(`[skipped] ${suite}: ${missing.join('; ')}`);
  return true;
}

/** Runs a referee; throws with its stderr when it fails. Some report on stderr (`openssl pkcs12 -info`). */
export function runTool(
  command: string,
  args: readonly string[],
  options: { cwd?: string; input?: string | Buffer } = {},
): { stdout: Buffer; stderr: string } {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    input: options.input,
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}
