import { resolveTool } from '../step/exec.ts';
import type { Env } from '../step/run.ts';

export interface Command {
  tool: string;
  args: string[];
}

/** How fastlane is started: through the project's bundle, a pinned gem version, or as installed. */
export type FastlaneLauncher =
  | { kind: 'bundler'; bundlerVersion?: string; gemfile?: string }
  | { kind: 'gem-version'; version: string }
  | { kind: 'installed' };

const SYSTEM_RUBY = '/usr/bin/ruby';

/** The system Ruby's gem dir is root-owned, so installs into it need sudo (upstream's rule). */
function isSystemRuby(env: Env): boolean {
  return resolveTool('ruby', env['PATH']) === SYSTEM_RUBY;
}

function withSudo(command: Command, env: Env): Command {
  return isSystemRuby(env) ? { tool: 'sudo', args: [command.tool, ...command.args] } : command;
}

const bundlerPin = (version?: string) => (version ? [`_${version}_`] : []);

export function installBundlerCommand(version: string | undefined, env: Env): Command {
  return withSudo(
    {
      tool: 'gem',
      args: ['install', 'bundler', '--no-document', ...(version ? ['-v', version] : []), '--force'],
    },
    env,
  );
}

export function bundleInstallCommand(version: string | undefined, env: Env): Command {
  return withSudo(
    { tool: 'bundle', args: [...bundlerPin(version), 'install', '--jobs', '20', '--retry', '5'] },
    env,
  );
}

export function installFastlaneCommand(version: string | undefined, env: Env, prerelease = false): Command {
  const pin = version ? ['-v', version] : prerelease ? ['--prerelease'] : [];
  return withSudo({ tool: 'gem', args: ['install', 'fastlane', '--no-document', ...pin] }, env);
}

/** rbenv and asdf see new gem executables only after a rehash; undefined for other Rubies. */
export function rehashCommand(env: Env): Command | undefined {
  const ruby = resolveTool('ruby', env['PATH']) ?? '';
  if (ruby.includes('/.rbenv/')) return { tool: 'rbenv', args: ['rehash'] };
  if (ruby.includes('/.asdf/')) return { tool: 'asdf', args: ['reshim', 'ruby'] };
  return undefined;
}

/** `[bundle [_V_] exec] fastlane [_X_] <args>` */
export function fastlaneCommand(launcher: FastlaneLauncher, args: readonly string[]): Command {
  switch (launcher.kind) {
    case 'bundler':
      return { tool: 'bundle', args: [...bundlerPin(launcher.bundlerVersion), 'exec', 'fastlane', ...args] };
    case 'gem-version':
      return { tool: 'fastlane', args: [`_${launcher.version}_`, ...args] };
    case 'installed':
      return { tool: 'fastlane', args: [...args] };
  }
}

/** Bundler finds a Gemfile outside the working directory through BUNDLE_GEMFILE. */
export function launcherEnv(launcher: FastlaneLauncher): Record<string, string> {
  return launcher.kind === 'bundler' && launcher.gemfile ? { BUNDLE_GEMFILE: launcher.gemfile } : {};
}
