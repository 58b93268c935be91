import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readPlistFile } from '../../formats/plist.ts';
import type { Logger } from '../../step/index.ts';
import { StepError } from '../../step/index.ts';
import type { BuildSettings } from '../build-settings/resolver.ts';
import { type NativeTarget, PbxProject } from '../pbxproj/project.ts';
import type { SigningEdit } from '../signing/signing-edit.ts';
import { readEntitlements } from './entitlements.ts';
import { isYes, type Platform } from './platform.ts';
import { findScheme } from './scheme.ts';
import { isExecutableKind, type TargetKind, targetKind } from './target-kind.ts';
import { targetSettings } from './target-settings.ts';

export interface AnalyzeProjectOptions {
  /** A `.xcodeproj` or `.xcworkspace`. */
  projectPath: string;
  scheme: string;
  /** Overrides the scheme's archive configuration; must exist in every signed target. */
  configuration?: string;
  /** Also return the UITest targets that test the main target. */
  signUITestTargets?: boolean;
  /** Environment variables visible to build-setting expansion, as for xcodebuild. */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /**
   * Read every target as it will build after forcing manual signing with these values: bundle
   * IDs, entitlements and platforms can depend on DEVELOPMENT_TEAM or CODE_SIGN_STYLE. Without
   * it the project is read as it is.
   */
  signing?: SigningEdit;
  /**
   * The team is not known yet (it is the signing certificate's): a bundle ID that is invalid only
   * because DEVELOPMENT_TEAM is empty is kept and marked `awaitsTeam` instead of failing.
   */
  teamUnknown?: boolean;
}

export type CodeSignStyle = 'Automatic' | 'Manual';

/** One platform a target is built and signed for, read with that platform's SDK conditions. */
export interface PlatformVariant {
  platform: Platform;
  /** The device SDK its archive builds with (`iphoneos`, `macosx`…), as `[sdk=…]` conditions name it. */
  sdk: string;
  bundleId: string;
  /** The CODE_SIGN_ENTITLEMENTS plist, container IDs expanded; empty without one. */
  entitlements: Record<string, unknown>;
  entitlementsPath?: string;
  /** TARGETED_DEVICE_FAMILY: 1 iPhone, 2 iPad, 3 Apple TV, 4 Watch, 6 Mac, 7 Vision Pro. */
  deviceFamilies: number[];
  /** The bundle ID uses DEVELOPMENT_TEAM, which is empty until the team is known (`teamUnknown`). */
  awaitsTeam?: boolean;
}

export interface TargetAnalysis {
  id: string;
  name: string;
  productType: string;
  kind: TargetKind;
  isUITest: boolean;
  /** The configuration the bundle ID and entitlements were read from. */
  configuration: string;
  /** All configurations the target defines (UITest targets are signed in every one). */
  configurations: string[];
  bundleId: string;
  /** The CODE_SIGN_ENTITLEMENTS plist, iCloud container IDs expanded; empty without one. */
  entitlements: Record<string, unknown>;
  entitlementsPath?: string;
  platform: Platform;
  /** Every platform the target builds for, the primary one (the fields above) first. */
  variants: PlatformVariant[];
  teamId?: string;
  codeSignStyle: CodeSignStyle;
  codeSignIdentity?: string;
  /** IDs of the same-project targets this one depends on or embeds. */
  dependencyIds: string[];
  /** Resolved build settings of `configuration`. */
  buildSettings: BuildSettings;
}

export interface ProjectAnalysis {
  /** The `.xcodeproj` holding the main target (inside the workspace, if one was given). */
  projectPath: string;
  pbxprojPath: string;
  /** SRCROOT of that project. */
  projectDir: string;
  workspacePath?: string;
  scheme: string;
  schemePath: string;
  configuration: string;
  /** The main target's platform. */
  platform: Platform;
  mainTarget: TargetAnalysis;
  /** Main target first, then its app extension, watch and App Clip dependencies, then UITest targets. */
  targets: TargetAnalysis[];
  /** The main target's team, from DEVELOPMENT_TEAM or TargetAttributes. */
  teamId?: string;
  /** Whether the main target uses Xcode-managed (automatic) signing. */
  xcodeManagedSigning: boolean;
  /** The warnings the analysis gave (also sent to the logger), e.g. a missing xcconfig. */
  warnings: string[];
}

/**
 * Reads what code signing needs from an Xcode project without Xcode: the scheme's archive target,
 * the targets embedded in it, their bundle IDs, entitlements, teams and platforms.
 */
export function analyzeProject(options: AnalyzeProjectOptions): ProjectAnalysis {
  const inputPath = resolve(options.projectPath);
  if (!/\.(xcodeproj|xcworkspace)\/?$/.test(inputPath)) {
    throw new StepError(`project path (${options.projectPath}) should be an .xcodeproj or .xcworkspace`);
  }
  if (!existsSync(inputPath)) throw new StepError(`project (${options.projectPath}) does not exist`);

  const scheme = findScheme(inputPath, options.scheme);
  const archiveEntry = scheme.buildEntries.find(
    (e) => e.buildForArchiving && e.reference.buildableName.endsWith('.app'),
  );
  if (!archiveEntry) throw new StepError(`archive action not defined for scheme (${options.scheme})`);
  const project = PbxProject.load(archiveEntry.reference.containerPath);
  const allTargets = project.targets();
  const byId = new Map(allTargets.map((t) => [t.id, t]));
  const main =
    byId.get(archiveEntry.reference.blueprintIdentifier) ??
    allTargets.find((t) => t.name === archiveEntry.reference.blueprintName);
  if (!main) {
    throw new StepError(
      `target (${archiveEntry.reference.blueprintName}) of scheme (${options.scheme}) not found in ${project.path}`,
    );
  }

  const configuration = options.configuration || scheme.archiveConfiguration;
  if (!configuration) {
    throw new StepError(
      `no configuration provided nor default defined for the scheme's (${options.scheme}) archive action`,
    );
  }

  const signed = [main, ...dependentTargets(main, byId)];
  const uiTests = options.signUITestTargets ? uiTestTargets(main, allTargets, project) : [];
  for (const target of signed) {
    if (!project.configurations(target.buildConfigurationList).some((c) => c.name === configuration)) {
      throw new StepError(`build configuration (${configuration}) not defined for target: (${target.name})`);
    }
  }

  const warnings: string[] = [];
  const warn = (message: string) => {
    if (warnings.includes(message)) return;
    warnings.push(message);
    options.logger?.warn(message);
  };
  const analyzed = [
    ...signed.map((t) => analyzeTarget(project, t, configuration, false, options, warn)),
    ...uiTests.map((t) => analyzeTarget(project, t, configuration, true, options, warn)),
  ];
  const mainTarget = analyzed[0]!;
  return {
    projectPath: project.path,
    pbxprojPath: project.pbxprojPath,
    projectDir: project.projectDir,
    workspacePath: inputPath.endsWith('.xcworkspace') ? inputPath : undefined,
    scheme: options.scheme,
    schemePath: scheme.path,
    configuration,
    platform: mainTarget.platform,
    mainTarget,
    targets: analyzed,
    teamId: mainTarget.teamId,
    xcodeManagedSigning: mainTarget.codeSignStyle === 'Automatic',
    warnings,
  };
}

/** App extensions, watch apps and App Clips the target depends on or embeds, recursively. */
function dependentTargets(main: NativeTarget, byId: Map<string, NativeTarget>): NativeTarget[] {
  const seen = new Set<string>([main.id]);
  const out: NativeTarget[] = [];
  const visit = (target: NativeTarget): void => {
    for (const id of [...target.dependencyIds, ...target.embeddedIds]) {
      const dep = byId.get(id);
      if (!dep || seen.has(id)) continue;
      seen.add(id);
      if (isExecutableKind(targetKind(dep)) && !out.some((t) => t.name === dep.name)) out.push(dep);
      visit(dep);
    }
  };
  visit(main);
  return out;
}

/** UITest bundles that test the main target: they depend on it or name it in TEST_TARGET_NAME. */
function uiTestTargets(main: NativeTarget, all: NativeTarget[], project: PbxProject): NativeTarget[] {
  return all.filter(
    (t) =>
      targetKind(t) === 'ui-test' &&
      (t.dependencyIds.includes(main.id) ||
        project
          .configurations(t.buildConfigurationList)
          .some((c) => c.buildSettings['TEST_TARGET_NAME'] === main.name)),
  );
}

function analyzeTarget(
  project: PbxProject,
  target: NativeTarget,
  wanted: string,
  isUITest: boolean,
  options: AnalyzeProjectOptions,
  warn: (message: string) => void,
): TargetAnalysis {
  const configs = project.configurations(target.buildConfigurationList);
  // UITest targets need not define a custom configuration: they are signed in all of them.
  const config =
    configs.find((c) => c.name === wanted) ??
    configs.find((c) => c.name === project.defaultConfigurationName(target.buildConfigurationList)) ??
    configs[0];
  if (!config) throw new StepError(`target (${target.name}) has no build configurations`);
  const { settings, platform, platforms } = targetSettings(project, target, config, {
    env: options.env,
    warn,
    signing: options.signing,
  });
  if (!platform)
    throw new StepError(`failed to determine the platform of target (${target.name}) from SDKROOT`);

  const variants = platforms.map(({ info, settings: variantSettings }): PlatformVariant => {
    let { bundleId, awaitsTeam } = bundleIdOf(project, target, variantSettings, options.teamUnknown);
    // Xcode's "derive Mac Catalyst bundle ID": the Mac build gets its own App ID.
    if (
      info.platform === 'Mac Catalyst' &&
      isYes(variantSettings.get('DERIVE_MACCATALYST_PRODUCT_BUNDLE_IDENTIFIER'))
    )
      bundleId = `maccatalyst.${bundleId}`;
    const entitlementsFile = variantSettings.get('CODE_SIGN_ENTITLEMENTS');
    const entitlementsPath = entitlementsFile ? resolve(project.projectDir, entitlementsFile) : undefined;
    const entitlements = entitlementsPath
      ? readEntitlements(entitlementsPath, bundleId, variantSettings, target.name, warn)
      : {};
    return {
      platform: info.platform,
      sdk: info.deviceSdk,
      bundleId,
      entitlements,
      entitlementsPath,
      deviceFamilies: deviceFamilies(variantSettings.get('TARGETED_DEVICE_FAMILY')),
      ...(awaitsTeam ? { awaitsTeam } : {}),
    };
  });
  const { bundleId, entitlements, entitlementsPath } = variants[0]!;
  const attributes = project.targetAttributes(target.id);
  // Team, style and identity as the project has them now, before any signing edit.
  const current = options.signing
    ? targetSettings(project, target, config, { env: options.env }).settings
    : settings;
  const style = current.get('CODE_SIGN_STYLE') || attributes['ProvisioningStyle'];
  return {
    id: target.id,
    name: target.name,
    productType: target.productType,
    kind: targetKind(target),
    isUITest,
    configuration: config.name,
    configurations: configs.map((c) => c.name),
    bundleId,
    entitlements,
    entitlementsPath,
    platform,
    variants,
    teamId: current.get('DEVELOPMENT_TEAM') || attributes['DevelopmentTeam'] || undefined,
    // Unset counts as manual, as upstream decides.
    codeSignStyle: style === 'Automatic' ? 'Automatic' : 'Manual',
    codeSignIdentity: current.get('CODE_SIGN_IDENTITY') || undefined,
    dependencyIds: [...new Set([...target.dependencyIds, ...target.embeddedIds])],
    buildSettings: settings,
  };
}

/** `1,2` or `1 2`: the device families a target runs on. */
function deviceFamilies(value: string | undefined): number[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** PRODUCT_BUNDLE_IDENTIFIER, else the Info.plist's CFBundleIdentifier, variables expanded. */
function bundleIdOf(
  project: PbxProject,
  target: NativeTarget,
  settings: BuildSettings,
  teamUnknown = false,
): { bundleId: string; awaitsTeam: boolean } {
  let bundleId = settings.get('PRODUCT_BUNDLE_IDENTIFIER');
  let source = 'PRODUCT_BUNDLE_IDENTIFIER';
  if (!bundleId) {
    const infoPlist = settings.get('INFOPLIST_FILE');
    if (infoPlist) {
      const path = resolve(project.projectDir, infoPlist);
      const plist = readPlistFile(path, `Info.plist of target (${target.name})`);
      const raw = plist['CFBundleIdentifier'];
      if (typeof raw === 'string') bundleId = settings.expand(raw).trim();
      source = `CFBundleIdentifier in ${path}`;
    }
  }
  if (!bundleId) throw new StepError(`failed to determine the bundle ID of target (${target.name})`);
  if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(\.\*)?$/.test(bundleId)) {
    if (teamUnknown && !settings.get('DEVELOPMENT_TEAM')) return { bundleId, awaitsTeam: true };
    const missing = [...settings.unresolved];
    throw new StepError(
      `invalid bundle ID (${bundleId}) of target (${target.name}) from ${source}${
        missing.length ? `; undefined build settings: ${missing.join(', ')}` : ''
      }`,
    );
  }
  return { bundleId, awaitsTeam: false };
}
