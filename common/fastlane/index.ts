export { type AppfileTeams, parseAppfileTeams, readAppfileTeams } from './appfile.ts';
export {
  bundleInstallCommand,
  type Command,
  type FastlaneLauncher,
  fastlaneCommand,
  installBundlerCommand,
  installFastlaneCommand,
  launcherEnv,
  rehashCommand,
} from './commands.ts';
export { type GemfileLock, parseGemfileLock, readGemfileLock } from './gemfile-lock.ts';
export {
  type InstallContext,
  installBundle,
  installFastlane,
  reportFastlaneVersion,
  reportRuby,
} from './install.ts';
export { MIN_WORKING_FASTLANE, oldFastlaneWarning } from './version-check.ts';
