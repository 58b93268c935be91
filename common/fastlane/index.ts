export {
  bundleInstallCommand,
  type Command,
  type FastlaneLauncher,
  fastlaneCommand,
  installBundlerCommand,
  installFastlaneCommand,
  isSystemRuby,
  launcherEnv,
  rehashCommand,
  SYSTEM_RUBY,
} from './commands.ts';
export { type GemfileLock, LOCKFILE_NAMES, parseGemfileLock, readGemfileLock } from './gemfile-lock.ts';
export {
  type InstallContext,
  installBundle,
  installFastlane,
  rehashRubyShims,
  reportFastlaneVersion,
  reportRuby,
} from './install.ts';
