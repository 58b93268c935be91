import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  forceManualSigning,
  forceManualSigningText,
  installCertificates,
  installProfile,
  type LoadedCertificate,
  type ManualSigningTarget,
  PROFILE_DIRS,
  type ProjectAnalysis,
  type TargetAnalysis,
} from '../../../common/codesign/index.ts';
import { type StepContext, StepError, withHint, wrapError } from '../../../common/step/index.ts';
import type { DistributionAssets } from './assets/ensure-codesign-assets.ts';
import type { EnsuredProfile } from './assets/profiles.ts';
import type { Config, DistributionType } from './config.ts';

/** The certificates to import: the signing certificate of each ensured distribution type. */
function certificatesToInstall(assets: Map<DistributionType, DistributionAssets>): LoadedCertificate[] {
  const unique = new Map<string, LoadedCertificate>();
  for (const asset of assets.values()) unique.set(asset.certificate.info.sha1, asset.certificate);
  return [...unique.values()];
}

function uniqueProfiles(assets: Map<DistributionType, DistributionAssets>): EnsuredProfile[] {
  const seen = new Map<string, EnsuredProfile>();
  for (const asset of assets.values())
    for (const profile of asset.profiles.values())
      seen.set(`${profile.profileType} ${profile.bundleId}`, profile);
  return [...seen.values()];
}

/** Imports the certificates with `security` and writes the profiles to both profile folders (0600). */
export async function installAssets(
  assets: Map<DistributionType, DistributionAssets>,
  config: Config,
  ctx: StepContext,
): Promise<void> {
  const certificates = certificatesToInstall(assets);
  const profiles = uniqueProfiles(assets);
  const keychain = config.inputs.keychain_path;
  if (config.inputs.dry_run) {
    ctx.logger.info('Install (dry run)');
    for (const certificate of certificates)
      ctx.logger.print(
        `[dry run] would import ${certificate.info.commonName} into ${keychain} with security`,
      );
    for (const profile of profiles) {
      const file = `${profile.uuid ?? `<UUID of the new "${profile.name}">`}.mobileprovision`;
      for (const dir of PROFILE_DIRS)
        ctx.logger.print(`[dry run] would write ${join(config.home, dir, file)} (0600)`);
    }
    return;
  }

  ctx.logger.info('Installing the certificates');
  try {
    await installCertificates(certificates, {
      keychainPath: keychain,
      keychainPassword: config.inputs.keychain_password,
      exec: ctx.exec,
      env: ctx.env,
      logger: ctx.logger,
      cleanups: ctx.cleanups,
    });
  } catch (err) {
    throw withHint(
      err,
      'see the security output above: check keychain_path, and that keychain_password unlocks it ($BITRISE_KEYCHAIN_PASSWORD on bitrise.io)',
    );
  }
  ctx.logger.info('Installing the profiles');
  for (const profile of profiles) {
    if (!profile.profile) throw new StepError(`profile "${profile.name}" has no content to install`);
    const paths = installProfile(profile.profile, { homeDir: config.home });
    ctx.logger.print(`${profile.name} (${profile.uuid}):`);
    for (const path of paths) ctx.logger.print(`- ${path}`);
  }
}

const SDK_BY_PLATFORM: Record<string, string> = {
  iOS: 'iphoneos*',
  tvOS: 'appletvos*',
  watchOS: 'watchos*',
  visionOS: 'xros*',
};

/**
 * What ForceCodesignAssets writes: archivable targets get the development assets when there are
 * some, else the requested ones, in the selected configuration; UITest targets get development
 * assets in every configuration.
 */
function signingTargets(
  project: ProjectAnalysis,
  assets: Map<DistributionType, DistributionAssets>,
  distribution: DistributionType,
): ManualSigningTarget[] {
  const archive = assets.get('development') ?? assets.get(distribution);
  if (!archive) throw new StepError(`no code signing assets were ensured for ${distribution}`);
  const entry = (
    target: TargetAnalysis,
    asset: DistributionAssets,
    configurations: string[],
  ): ManualSigningTarget => {
    const profile = asset.profiles.get(target.id);
    if (!profile) throw new StepError(`no profile ensured for the bundleID ${target.bundleId}`);
    return {
      target: target.id,
      configurations,
      teamId: asset.certificate.info.teamId,
      codeSignIdentity: asset.certificate.info.sha1,
      profileUuid: profile.uuid ?? `<UUID of the new "${profile.name}">`,
      sdk: SDK_BY_PLATFORM[target.platform] ?? 'iphoneos*',
    };
  };
  const targets: ManualSigningTarget[] = [];
  for (const target of project.targets) {
    if (!target.isUITest) targets.push(entry(target, archive, [project.configuration]));
    else {
      const development = assets.get('development');
      if (!development) throw new StepError(`no development assets for the UITest target ${target.name}`);
      targets.push(entry(target, development, target.configurations));
    }
  }
  return targets;
}

/** Forces manual signing into project.pbxproj (format-preserving); a dry run prints the changes. */
export function forceSigning(
  config: Config,
  assets: Map<DistributionType, DistributionAssets>,
  ctx: StepContext,
): void {
  const { project } = config;
  ctx.logger.info(config.inputs.dry_run ? 'Code signing settings (dry run)' : 'Forcing manual code signing');
  try {
    const targets = signingTargets(project, assets, config.distribution);
    for (const target of targets) {
      const name = project.targets.find((t) => t.id === target.target)?.name ?? target.target;
      ctx.logger.print(
        `${config.inputs.dry_run ? '[dry run] would set ' : ''}${name} (${target.configurations.join(', ')}): CODE_SIGN_STYLE=Manual, DEVELOPMENT_TEAM=${target.teamId}, CODE_SIGN_IDENTITY=${target.codeSignIdentity}, PROVISIONING_PROFILE=${target.profileUuid}, PROVISIONING_PROFILE_SPECIFIER=""`,
      );
    }
    if (config.inputs.dry_run) {
      // Proves the edit applies, without writing it.
      forceManualSigningText(readFileSync(project.pbxprojPath, 'utf8'), targets);
      ctx.logger.print(`[dry run] ${project.pbxprojPath} is left unchanged`);
      return;
    }
    const changed = forceManualSigning(project.pbxprojPath, targets);
    ctx.logger.done(`${project.pbxprojPath} ${changed ? 'is updated' : 'already had these settings'}`);
  } catch (err) {
    // Every failure of this phase carries upstream's prefix, the portal's API errors included.
    throw wrapError('Failed to force codesign settings', err, {
      hint: 'check that the .pbxproj is valid and writable; rerun with verbose_log set to yes for details',
    });
  }
}
