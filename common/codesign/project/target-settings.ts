import { BuildSettings, type Layer } from '../build-settings/resolver.ts';
import { type Setting, settingsFromRecord } from '../build-settings/setting.ts';
import { readXcconfig } from '../build-settings/xcconfig.ts';
import type { BuildConfiguration, NativeTarget, PbxProject } from '../pbxproj/project.ts';
import { type SigningEdit, settingsAfterSigningEdit } from '../signing/signing-edit.ts';
import { detectPlatform, type Platform, type PlatformInfo, targetPlatforms } from './platform.ts';

/** The settings one platform of a target builds with. */
export interface PlatformSettings {
  info: PlatformInfo;
  settings: BuildSettings;
}

export interface TargetSettings {
  /** The primary platform's settings (SDKROOT's). */
  settings: BuildSettings;
  platform?: Platform;
  /** Every platform the target builds for, the primary one first; empty when none is known. */
  platforms: PlatformSettings[];
}

export interface TargetSettingsOptions {
  /** Environment variables, which xcodebuild also sees as the lowest level of build settings. */
  env?: Record<string, string | undefined>;
  warn?: (message: string) => void;
  /**
   * Resolve as the settings will be after manual signing is forced into the target's level:
   * what the archive builds with, rather than what the project says now.
   */
  signing?: SigningEdit;
}

/**
 * The build settings of one target in one configuration, levels from lowest to highest:
 * environment, Xcode's built-ins, project xcconfig, project, target xcconfig, target.
 * Conditions are evaluated for the device SDK of each platform, as an archive does.
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
  const targetLevel = settingsFromRecord(config.buildSettings);
  const configured: Layer[] = [
    { name: 'project xcconfig', settings: xcconfig(projectConfig?.xcconfigPath) },
    { name: 'project', settings: settingsFromRecord(projectConfig?.buildSettings ?? {}) },
    { name: 'target xcconfig', settings: xcconfig(config.xcconfigPath) },
    {
      name: 'target',
      settings: options.signing ? settingsAfterSigningEdit(targetLevel, options.signing) : targetLevel,
    },
  ];
  const layers = (extra: Setting[]): Layer[] => [
    { name: 'environment', settings: env },
    { name: 'built-in', settings: [...builtins, ...extra] },
    ...configured,
  ];

  // The platform decides which `[sdk=…]` conditions apply, so find it first without conditions.
  const probe = new BuildSettings(layers([]), { config: config.name });
  const primary = detectPlatform(probe.get('SDKROOT'), probe.get('SUPPORTED_PLATFORMS'));
  const resolve = (info: PlatformInfo) =>
    new BuildSettings(
      layers(
        plain({
          PLATFORM_NAME: info.deviceSdk,
          PLATFORM_DISPLAY_NAME: info.displayName,
          EFFECTIVE_PLATFORM_NAME: info.effectivePlatformName,
          ...(info.platform === 'Mac Catalyst' ? { IS_MACCATALYST: 'YES' } : {}),
        }),
      ),
      { sdk: info.deviceSdk, arch: 'arm64', config: config.name },
    );
  if (!primary) return { settings: probe, platforms: [] };
  const primarySettings = resolve(primary);
  // Whether the target also builds for other platforms is itself a setting of the primary one.
  const platforms = targetPlatforms(
    primary,
    primarySettings.get('SUPPORTED_PLATFORMS'),
    primarySettings.get('SUPPORTS_MACCATALYST'),
  ).map((info, index) => ({ info, settings: index === 0 ? primarySettings : resolve(info) }));
  return { settings: primarySettings, platform: primary.platform, platforms };
}

function plain(record: Record<string, string>): Setting[] {
  return Object.entries(record).map(([key, value]) => ({ key, conditions: {}, value }));
}
