/**
 * The signing plan: which profile each target gets on each platform it builds for, made from one
 * read of the portal before anything changes. It tells what will be reused, created or replaced,
 * and what is skipped and why, so the table can show it and a dry run is the same plan unapplied.
 */
import type {
  Platform,
  PlatformVariant,
  ProjectAnalysis,
  TargetAnalysis,
} from '../../../../common/codesign/index.ts';
import type {
  BundleIdPlatform,
  BundleIdWithRelations,
  Device,
  DeviceClass,
  Profile,
  ProfileType,
} from '../../../../common/portal/index.ts';
import { StepError } from '../../../../common/step/index.ts';
import { isAppClip, type RequiredCapability, satisfies } from '../capabilities.ts';
import type { DistributionType } from '../config.ts';
import { capabilitySettingNotes, type EntitlementNote, reviewEntitlements } from '../entitlements.ts';
import {
  APP_ID_PLATFORM,
  certificateToUpload,
  certificateTypes,
  DEVICE_CLASSES,
  DEVICE_PLATFORM,
  deviceClassesFor,
  listsDevices,
  noProfileTypeReason,
  PROFILE_FAMILY,
  PROFILE_PLATFORM,
  PROFILE_TYPES,
  type ProfileFamily,
} from '../platforms.ts';
import type { CertificateMatch } from './certificates.ts';
import { type DeviceRegistration, plannedDevice, suits } from './devices.ts';
import { profileName, wildcardBundleId } from './names.ts';
import { reuseProblems } from './profile-reuse.ts';

/** One target built for one of its platforms. */
export interface SignedVariant {
  target: TargetAnalysis;
  variant: PlatformVariant;
}

/** One profile to reuse or make, and the target platforms it signs. */
export interface ProfileJob {
  type: DistributionType;
  family: ProfileFamily;
  profileType: ProfileType;
  /** The profile's bundle ID: the targets', or the wildcard of a UITest target. */
  bundleId: string;
  name: string;
  members: SignedVariant[];
  entitlements: Record<string, unknown>;
  /** The uploaded certificates on the portal the profile includes; the first signs. */
  certificates: CertificateMatch[];
  /** The devices it lists (those registered in this run included); none for App Store and the like. */
  devices: Device[];
  /** reuse: the portal's profile passes every check; replace: it is deleted and made again. */
  action: 'reuse' | 'create' | 'replace';
  /** Why the existing profile is replaced. */
  reasons: string[];
  existing?: Profile;
  /** Other profiles of the name (expired ones Apple still counts): deleted before the new one is made. */
  stale: Profile[];
}

/** A target platform that is not signed for a distribution type, and why. */
export interface SkippedVariant extends SignedVariant {
  type: DistributionType;
  reason: string;
  /** Left out on purpose (the platforms input): not worth a warning. */
  quiet?: boolean;
}

/** An App ID the plan needs: found, or to be created, with the capabilities to enable. */
export interface AppIdPlan {
  identifier: string;
  existing?: BundleIdWithRelations;
  /** The platform a new App ID is created with: UNIVERSAL when macOS and iOS profiles share it. */
  platform: BundleIdPlatform;
  /** Every entitlement of the targets that use it. */
  entitlements: Record<string, unknown>;
  /** Capabilities to enable: all required ones for a new App ID, the lacking ones otherwise. */
  missing: RequiredCapability[];
  /** A target that uses it, named in errors. */
  targetName: string;
}

export interface SigningPlan {
  jobs: ProfileJob[];
  skipped: SkippedVariant[];
  appIds: Map<string, AppIdPlan>;
  /** Entitlements the profiles will not carry, and settings only the portal can make. */
  notes: EntitlementNote[];
}

export interface PlanOptions {
  project: ProjectAnalysis;
  /** The requested distribution type first. */
  types: readonly DistributionType[];
  distribution: DistributionType;
  certificates: ReadonlyMap<DistributionType, readonly CertificateMatch[]>;
  portalDevices: readonly Device[];
  registrations: readonly DeviceRegistration[];
  /** The portal's App IDs by identifier, with capabilities and profiles. */
  appIds: ReadonlyMap<string, BundleIdWithRelations>;
  platforms?: ReadonlySet<Platform>;
  minProfileDaysValid: number;
  now: Date;
}

const CLASS_NAMES: Record<ProfileFamily, string> = {
  iOS: 'iPhone, iPad, Apple Watch or Vision Pro',
  tvOS: 'Apple TV',
  macOS: 'Mac',
  'Mac Catalyst': 'Mac',
};

export function planSigning(options: PlanOptions): SigningPlan {
  const skipped: SkippedVariant[] = [];
  const jobs: ProfileJob[] = [];
  const skip = (members: readonly SignedVariant[], type: DistributionType, reason: string, quiet = false) => {
    for (const m of members) skipped.push({ ...m, type, reason, ...(quiet ? { quiet } : {}) });
  };

  // 1. Group every target platform into profiles: one per profile type and bundle ID.
  for (const type of options.types) {
    for (const target of options.project.targets) {
      if (target.isUITest && type !== 'development') continue;
      for (const variant of target.variants) {
        const member = { target, variant };
        if (options.platforms && !options.platforms.has(variant.platform)) {
          skip([member], type, 'not in the platforms input', true);
          continue;
        }
        const family = PROFILE_FAMILY[variant.platform];
        const profileType = PROFILE_TYPES[family][type];
        if (!profileType) {
          skip([member], type, noProfileTypeReason(family, type));
          continue;
        }
        const bundleId = target.isUITest ? wildcardBundleId(variant.bundleId) : variant.bundleId;
        const same = jobs.find((j) => j.profileType === profileType && j.bundleId === bundleId);
        if (same) {
          same.members.push(member);
          continue;
        }
        jobs.push({
          type,
          family,
          profileType,
          bundleId,
          name: profileName(family, type, bundleId),
          members: [member],
          entitlements: target.isUITest ? {} : variant.entitlements,
          certificates: [],
          devices: [],
          action: 'create',
          reasons: [],
          stale: [],
        });
      }
    }
  }

  // 2. The App IDs: a profile for an App ID of the other platform is refused by Apple.
  const appIds = new Map<string, AppIdPlan>();
  const notes: EntitlementNote[] = [];
  const kept: ProfileJob[] = [];
  for (const identifier of new Set(jobs.map((j) => j.bundleId))) {
    const own = jobs.filter((j) => j.bundleId === identifier);
    const existing = options.appIds.get(identifier);
    const have = existing?.bundleId.attributes.platform;
    const usable = own.filter((job) => {
      const need = APP_ID_PLATFORM[job.family];
      if (!have || have === 'UNIVERSAL' || have === need) return true;
      skip(
        job.members,
        job.type,
        `the App ID ${identifier} is a${have === 'IOS' ? 'n iOS' : ' macOS'} App ID, and Apple makes no ${job.family} profile for it: give the ${job.family} build its own bundle ID${job.family === 'Mac Catalyst' ? ' (DERIVE_MACCATALYST_PRODUCT_BUNDLE_IDENTIFIER = YES)' : ''}`,
      );
      return false;
    });
    if (usable.length === 0) continue;
    const platforms = new Set(usable.map((j) => APP_ID_PLATFORM[j.family]));
    const entitlements = Object.assign({}, ...usable.map((j) => j.entitlements)) as Record<string, unknown>;
    const review = reviewEntitlements(entitlements, identifier);
    const targetName = usable[0]!.members[0]!.target.name;
    let missing: RequiredCapability[];
    if (!existing) {
      if (isAppClip(entitlements))
        throw new StepError(
          `can't create Application Identifier for App Clip target (${targetName}): ${identifier}`,
          {
            hint: `create the App Clip's App ID on the Developer Portal (Certificates, Identifiers & Profiles › Identifiers), with the parent app's App ID`,
          },
        );
      missing = review.capabilities;
    } else {
      missing = review.capabilities.filter((c) => !satisfies(existing.capabilities, c));
      if (isAppClip(entitlements) && missing.some((c) => c.type === 'APPLE_ID_AUTH'))
        throw new StepError(
          `can't create Application Identifier for App Clip target (${targetName}) with Sign in with Apple capability: enable Sign in with Apple on ${identifier} manually on the Developer Portal`,
        );
    }
    notes.push(...review.notes, ...capabilitySettingNotes(entitlements, identifier, missing));
    appIds.set(identifier, {
      identifier,
      existing,
      platform: platforms.size > 1 ? 'UNIVERSAL' : [...platforms][0]!,
      entitlements,
      missing,
      targetName,
    });
    kept.push(...usable);
  }

  // 3. Certificates, devices, and whether the profile on the portal can be reused.
  const planned: ProfileJob[] = [];
  for (const job of kept) {
    const types = certificateTypes(job.family, job.type);
    job.certificates = (options.certificates.get(job.type) ?? []).filter((m) =>
      types.includes(m.portal.attributes.certificateType!),
    );
    if (job.certificates.length === 0) {
      const team = [...options.certificates.values()].flat()[0]?.local.info.teamId;
      skip(
        job.members,
        job.type,
        `no uploaded certificate can sign ${job.profileType} profiles: upload ${certificateToUpload(job.family, job.type)} (.p12)${team ? ` of team ${team}` : ''} on the Code Signing tab of the Workflow Editor`,
      );
      continue;
    }
    if (listsDevices(job.type)) {
      const platform = DEVICE_PLATFORM[job.family];
      const devicesOf = (classes: readonly DeviceClass[]) => [
        ...options.portalDevices.filter((d) => suits(d, classes)),
        ...options.registrations
          .filter((r) => r.platform === platform)
          .map((r) => [plannedDevice(r), r] as const)
          .filter(([d, r]) => suits(d, classes, r))
          .map(([d]) => d),
      ];
      // The devices the targets run on (TARGETED_DEVICE_FAMILY); when the team has none of those,
      // any the profile type takes, as the profile must list one to be made at all.
      job.devices = devicesOf(
        deviceClassesFor(
          job.family,
          job.members.flatMap((m) => m.variant.deviceFamilies),
        ),
      );
      if (job.devices.length === 0) job.devices = devicesOf(DEVICE_CLASSES[job.family]);
      if (job.devices.length === 0) {
        skip(
          job.members,
          job.type,
          `Apple makes no ${job.type} profile without a device, and no ${CLASS_NAMES[job.family]} is registered on the Developer Portal: register one (register_test_devices, test_device_list_path)`,
        );
        continue;
      }
    }
    const appId = appIds.get(job.bundleId)!;
    const named = (appId.existing?.profiles ?? []).filter(
      (p) => p.attributes.name === job.name && p.attributes.profileType === job.profileType,
    );
    const current = named.find((p) => p.attributes.profileState === 'ACTIVE') ?? named[0];
    job.stale = named.filter((p) => p !== current);
    if (current) {
      job.existing = current;
      job.reasons = reuseProblems(current, {
        bundleId: job.bundleId,
        entitlements: job.entitlements,
        platform: PROFILE_PLATFORM[job.family],
        certificates: job.certificates.map((c) => c.portal),
        devices: job.devices,
        appIdChanged: appId.missing.length > 0,
        minDaysValid: options.minProfileDaysValid,
        now: options.now,
      });
      job.action = job.reasons.length === 0 ? 'reuse' : 'replace';
    }
    planned.push(job);
  }

  // An App ID none of whose profiles can be made is not created for nothing.
  for (const identifier of [...appIds.keys()])
    if (!planned.some((j) => j.bundleId === identifier)) appIds.delete(identifier);

  // 4. The app itself must be signed for the requested distribution.
  const main = options.project.mainTarget;
  if (
    !planned.some((j) => j.type === options.distribution && j.members.some((m) => m.target.id === main.id))
  ) {
    const why = skipped
      .filter((s) => s.target.id === main.id && s.type === options.distribution)
      .map((s) => `${s.variant.platform}: ${s.reason}`);
    throw new StepError(
      `the main target (${main.name}) cannot be signed for ${options.distribution}${why.length ? `: ${why.join('; ')}` : ''}`,
    );
  }
  return { jobs: planned, skipped, appIds, notes: dedupe(notes) };
}

function dedupe(notes: EntitlementNote[]): EntitlementNote[] {
  const seen = new Set<string>();
  return notes.filter((n) => {
    const key = `${n.bundleId} ${n.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
