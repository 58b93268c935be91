import { BuildSettings, type Layer } from '../build-settings/resolver.ts';
import { type Setting, settingsFromRecord } from '../build-settings/setting.ts';
import { readXcconfig } from '../build-settings/xcconfig.ts';
import type { BuildConfiguration, NativeTarget, PbxProject } from '../pbxproj/project.ts';
import { detectPlatform, type Platform } from './platform.ts';

export interface TargetSettings {
  settings: BuildSettings;
  platform?: Platform;
}

export interface TargetSettingsOptions {
  /** Environment variables, which xcodebuild also sees as the lowest level of build settings. */
  env?: Record<string, string | undefined>;
  warn?: (message: string) => void;
}

/**
 * The build settings of one target in one configuration, levels from lowest to highest:
 * environment, Xcode's built-ins, project xcconfig, project, target xcconfig, target.
 * Conditions are evaluated for the device SDK of the target's platform, as an archive does.
 */
export function targetSettings(
  project: PbxProject,
  target: NativeTarget,
  config: BuildConfiguration,
  options: TargetSettingsOptions = {},
): TargetSettings {
  const projectConfig = project.projectConfigurations().find((c) => c.name === config.name);
  const xcconfig = (path: string | undefined): Setting[] =>
    path ? readXcconfig(path, { warn: options.warn }) : [];
  const env: Setting[] = Object.entries(options.env ?? {}).flatMap(([key, value]) =>
    value === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? [] : [{ key, conditions: {}, value }],
  );
  const builtins = plain({
    PROJECT_NAME: project.name,
    PROJECT_DIR: project.projectDir,
    SRCROOT: project.projectDir,
    SOURCE_ROOT: project.projectDir,
    PROJECT_FILE_PATH: project.path,
    TARGET_NAME: target.name,
    TARGETNAME: target.name,
    CONFIGURATION: config.name,
    PRODUCT_NAME: '$(TARGET_NAME)',
    EXECUTABLE_NAME: '$(PRODUCT_NAME)',
    PRODUCT_MODULE_NAME: '$(PRODUCT_NAME:c99extidentifier)',
  });
  const configured: Layer[] = [
    { name: 'project xcconfig', settings: xcconfig(projectConfig?.xcconfigPath) },
    { name: 'project', settings: settingsFromRecord(projectConfig?.buildSettings ?? {}) },
    { name: 'target xcconfig', settings: xcconfig(config.xcconfigPath) },
    { name: 'target', settings: settingsFromRecord(config.buildSettings) },
  ];
  const layers = (extra: Setting[]): Layer[] => [
    { name: 'environment', settings: env },
    { name: 'built-in', settings: [...builtins, ...extra] },
    ...configured,
  ];

  // The platform decides which `[sdk=…]` conditions apply, so find it first without conditions.
  const probe = new BuildSettings(layers([]), { config: config.name });
  const info = detectPlatform(probe.get('SDKROOT'), probe.get('SUPPORTED_PLATFORMS'));
  const platformSettings = info
    ? plain({
        PLATFORM_NAME: info.deviceSdk,
        PLATFORM_DISPLAY_NAME: info.displayName,
        EFFECTIVE_PLATFORM_NAME: info.effectivePlatformName,
      })
    : [];
  const settings = new BuildSettings(layers(platformSettings), {
    sdk: info?.deviceSdk,
    arch: 'arm64',
    config: config.name,
  });
  return { settings, platform: info?.platform };
}

function plain(record: Record<string, string>): Setting[] {
  return Object.entries(record).map(([key, value]) => ({ key, conditions: {}, value }));
}
