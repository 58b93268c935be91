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
} from '../../../common/codesign/index.ts';
import { type StepContext, StepError, withHint, wrapError } from '../../../common/step/index.ts';
import type { EnsureResult } from './assets/ensure-codesign-assets.ts';
import type { ProfileJob } from './assets/plan.ts';
import type { EnsuredProfile } from './assets/profiles.ts';
import type { Config } from './config.ts';
import { profileExtension, SDK_CONDITION } from './platforms.ts';

/** The certificates to import: each one that signs a profile, once. */
function certificatesToInstall(ensured: EnsureResult): LoadedCertificate[] {
  const unique = new Map<string, LoadedCertificate>();
  for (const job of ensured.plan.jobs) {
    const certificate = job.certificates[0]!.local;
    unique.set(certificate.info.sha1, certificate);
  }
  return [...unique.values()];
}

/** Imports the certificates with `security` and writes the profiles to both profile folders (0600). */
export async function installAssets(ensured: EnsureResult, config: Config, ctx: StepContext): Promise<void> {
  const certificates = certificatesToInstall(ensured);
  const profiles: EnsuredProfile[] = [...new Set(ensured.profiles.values())];
  const keychain = config.inputs.keychain_path;
  if (config.inputs.dry_run) {
    ctx.logger.info('Install (dry run)');
    for (const certificate of certificates)
      ctx.logger.print(
        `[dry run] would import ${certificate.info.commonName} into ${keychain} with security`,
      );
    for (const profile of profiles) {
      const file = `${profile.uuid ?? `<UUID of the new "${profile.name}">`}.${profileExtension(profile.family)}`;
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
    const paths = installProfile(profile.profile, {
      homeDir: config.home,
      extension: profileExtension(profile.family),
    });
    ctx.logger.print(`${profile.name} (${profile.uuid}):`);
    for (const path of paths) ctx.logger.print(`- ${path}`);
  }
}

/**
 * What ForceCodesignAssets writes: archivable targets get the development profiles when there are
 * some, else the requested ones, in the selected configuration; UITest targets get development
 * ones in every configuration. A target signed for several platforms gets per-SDK settings for
 * each, so an archive for any of them signs; a platform left unsigned gets none.
 */
function signingTargets(config: Config, ensured: EnsureResult): ManualSigningTarget[] {
  const { plan, profiles, project } = ensured;
  const jobOf = (targetId: string, platform: string, type: string) =>
    plan.jobs.find(
      (j) =>
        j.type === type && j.members.some((m) => m.target.id === targetId && m.variant.platform === platform),
    );
  const targets: ManualSigningTarget[] = [];
  for (const target of project.targets) {
    const signed = target.variants.flatMap((variant) => {
      const job: ProfileJob | undefined =
        jobOf(target.id, variant.platform, 'development') ??
        (target.isUITest ? undefined : jobOf(target.id, variant.platform, config.distribution));
      if (!job) return [];
      const profile = profiles.get(job)!;
      const certificate = job.certificates[0]!.local.info;
      return [
        {
          sdk: SDK_CONDITION[variant.platform],
          codeSignIdentity: certificate.sha1,
          teamId: certificate.teamId,
          profileUuid: profile.uuid ?? `<UUID of the new "${profile.name}">`,
        },
      ];
    });
    const first = signed[0];
    if (!first) {
      if (target.id === project.mainTarget.id)
        throw new StepError(`no profile ensured for the bundleID ${target.bundleId}`);
      continue;
    }
    targets.push({
      target: target.id,
      configurations: target.isUITest ? target.configurations : [project.configuration],
      teamId: first.teamId,
      codeSignIdentity: first.codeSignIdentity,
      profileUuid: first.profileUuid,
      sdk: first.sdk,
      ...(signed.length > 1 ? { perSdk: signed } : {}),
    });
  }
  return targets;
}

/** Forces manual signing into project.pbxproj (format-preserving); a dry run prints the changes. */
export function forceSigning(config: Config, ensured: EnsureResult, ctx: StepContext): void {
  const { project } = ensured;
  ctx.logger.info(config.inputs.dry_run ? 'Code signing settings (dry run)' : 'Forcing manual code signing');
  try {
    const targets = signingTargets(config, ensured);
    for (const target of targets) {
      const name = project.targets.find((t) => t.id === target.target)?.name ?? target.target;
      ctx.logger.print(
        `${config.inputs.dry_run ? '[dry run] would set ' : ''}${name} (${target.configurations.join(', ')}): CODE_SIGN_STYLE=Manual, DEVELOPMENT_TEAM=${target.teamId}, CODE_SIGN_IDENTITY=${target.codeSignIdentity}, PROVISIONING_PROFILE=${target.profileUuid}, PROVISIONING_PROFILE_SPECIFIER=""${(target.perSdk ?? []).map((v) => `, PROVISIONING_PROFILE[sdk=${v.sdk}]=${v.profileUuid}`).join('')}`,
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
