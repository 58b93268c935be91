import type { TestDevice } from '../../../common/bitrise/test-devices.ts';
import {
  checkProfile,
  decodeProfile,
  type LoadedCertificate,
  normalizeSerial,
  normalizeUdid,
  type ProjectAnalysis,
  type ProvisioningProfile,
  type TargetAnalysis,
} from '../../../common/codesign/index.ts';
import {
  type BundleId,
  type Certificate,
  type Device,
  DeviceRegistrationError,
  mapConcurrent,
  type PortalClient,
  type Profile,
  ProfilesChangedError,
  type ProfileType,
} from '../../../common/portal/index.ts';
import { type Logger, sleep as realSleep, StepError } from '../../../common/step/index.ts';
import {
  iCloudContainers,
  isAppClip,
  needsManualConfiguration,
  requiredCapabilities,
  satisfies,
} from './capabilities.ts';
import type { DistributionType } from './inputs.ts';
import { PLANNED_ID_PREFIX, type PortalWriter } from './writer.ts';

/** How many targets are provisioned at once: enough to hide latency, far from Apple's rate limit. */
export const TARGET_CONCURRENCY = 8;
export const PROFILE_ATTEMPTS = 5;
export const PROFILE_RETRY_DELAY_MS = 10_000;

export type CertificateKind = 'development' | 'distribution';
export type Platform = 'iOS' | 'tvOS';

/** Upstream's certificate type names, used in its messages. */
const CERTIFICATE_TYPE_NAME: Record<CertificateKind, string> = {
  development: 'IOS_DEVELOPMENT',
  distribution: 'IOS_DISTRIBUTION',
};

const PORTAL_CERTIFICATE_TYPES = {
  development: ['DEVELOPMENT', 'IOS_DEVELOPMENT'],
  distribution: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
} as const;

const PROFILE_TYPES: Record<Platform, Record<DistributionType, ProfileType>> = {
  iOS: {
    development: 'IOS_APP_DEVELOPMENT',
    'app-store': 'IOS_APP_STORE',
    'ad-hoc': 'IOS_APP_ADHOC',
    enterprise: 'IOS_APP_INHOUSE',
  },
  tvOS: {
    development: 'TVOS_APP_DEVELOPMENT',
    'app-store': 'TVOS_APP_STORE',
    'ad-hoc': 'TVOS_APP_ADHOC',
    enterprise: 'TVOS_APP_INHOUSE',
  },
};

const DEVICE_CLASSES: Record<Platform, string[]> = {
  iOS: ['APPLE_WATCH', 'IPAD', 'IPHONE', 'IPOD'],
  tvOS: ['APPLE_TV'],
};

export const certificateKind = (type: DistributionType): CertificateKind =>
  type === 'development' ? 'development' : 'distribution';
const withDevices = (type: DistributionType) => type === 'development' || type === 'ad-hoc';

/** `[Wildcard ]Bitrise <iOS|tvOS> <distribution> - (<bundle id without .*>)` (go-xcode `ProfileName`). */
export function profileName(platform: Platform, type: DistributionType, bundleId: string): string {
  const wildcard = bundleId.endsWith('.*');
  return `${wildcard ? 'Wildcard ' : ''}Bitrise ${platform} ${type} - (${bundleId.replace('.*', '')})`;
}

/** `[Wildcard ]Bitrise <id with . _ - * as spaces>` (go-xcode `appIDName`), trimmed. */
export function appIdName(bundleId: string): string {
  const wildcard = bundleId.endsWith('.*');
  return `${wildcard ? 'Wildcard ' : ''}Bitrise ${bundleId.replace(/[._\-*]/g, ' ')}`.trim();
}

/** The last component becomes `*`: `com.example.app.uitests` → `com.example.app.*`. */
export function wildcardBundleId(bundleId: string): string {
  const parts = bundleId.split('.');
  return parts.length > 1 ? [...parts.slice(0, -1), '*'].join('.') : '*';
}

export interface EnsuredProfile {
  name: string;
  profileType: ProfileType;
  /** The profile's bundle ID (wildcard for UITest targets). */
  bundleId: string;
  /** reused: an existing profile passed every check; created: new on the portal; planned: dry run. */
  state: 'reused' | 'created' | 'planned';
  uuid?: string;
  profile?: ProvisioningProfile;
}

export interface DistributionAssets {
  type: DistributionType;
  /** The certificate the targets are signed with (the first of its kind matched on the portal). */
  certificate: LoadedCertificate;
  /** Keyed by target ID: every archivable target, and the UITest targets for development. */
  profiles: Map<string, EnsuredProfile>;
}

export interface EnsureOptions {
  portal: PortalClient;
  writer: PortalWriter;
  project: ProjectAnalysis;
  distribution: DistributionType;
  certificates: readonly LoadedCertificate[];
  /** The connection's test devices to register; undefined when not asked to. */
  testDevices?: readonly TestDevice[];
  minProfileDaysValid: number;
  logger: Logger;
  now?: Date;
  profileRetryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface EnsureResult {
  assets: Map<DistributionType, DistributionAssets>;
}

interface MatchedCertificates {
  local: LoadedCertificate[];
  portal: Certificate[];
}

/** go-xcode's DetailedError, rendered on one line: title, description, recommendation. */
function detailedError(title: string, description: string, recommendation: string): StepError {
  return new StepError(`${title}: ${description} ${recommendation}`);
}

/**
 * The official EnsureCodesignAssets: certificates matched on the portal by serial, devices,
 * App IDs with their capabilities, and one profile per distribution type and target, reused when
 * it is still good and regenerated otherwise. Lists are fetched once; targets run concurrently.
 */
export async function ensureCodesignAssets(options: EnsureOptions): Promise<EnsureResult> {
  const { logger, portal, project } = options;
  const platform = project.platform as Platform;

  logger.info('Checking the certificates');
  const byKind: Record<CertificateKind, LoadedCertificate[]> = { development: [], distribution: [] };
  for (const certificate of options.certificates) {
    if (certificate.info.type === 'unknown') {
      logger.warn(
        `${certificate.info.commonName} is neither a development nor a distribution certificate: ignored`,
      );
      continue;
    }
    byKind[certificate.info.type].push(certificate);
  }

  const types: DistributionType[] = [options.distribution];
  if (options.distribution !== 'development') types.push('development');
  const signsUITests = project.targets.some((t) => t.isUITest);
  const required = (type: DistributionType) => type === options.distribution || signsUITests;
  for (const type of [...types]) {
    const kind = certificateKind(type);
    if (byKind[kind].length > 0) continue;
    if (required(type)) {
      const name = CERTIFICATE_TYPE_NAME[kind];
      throw detailedError(
        `No valid ${name} type certificates uploaded`,
        `Maybe you forgot to provide a(n) ${name} type certificate.`,
        `Upload a ${name} type certificate (.p12) on the Code Signing tab of the Workflow Editor.`,
      );
    }
    types.splice(types.indexOf(type), 1);
  }

  // One list of every signing certificate of the team; local ones are matched by serial.
  const portalCertificates = await portal.listCertificates([
    ...PORTAL_CERTIFICATE_TYPES.development,
    ...PORTAL_CERTIFICATE_TYPES.distribution,
  ]);
  if (logger.isDebug) {
    logger.debug(`Certificates on the Developer Portal (${portalCertificates.length}):`);
    for (const c of portalCertificates)
      logger.debug(
        `- ${c.attributes.name}: ${c.attributes.displayName} [${c.attributes.certificateType}] serial ${c.attributes.serialNumber}`,
      );
  }
  const bySerial = new Map(
    portalCertificates
      .filter((c) => c.attributes.serialNumber)
      .map((c) => [normalizeSerial(c.attributes.serialNumber!), c] as const),
  );
  const matched = new Map<DistributionType, MatchedCertificates>();
  for (const type of [...types]) {
    const kind = certificateKind(type);
    const wantedTypes: readonly string[] = PORTAL_CERTIFICATE_TYPES[kind];
    const result: MatchedCertificates = { local: [], portal: [] };
    for (const local of byKind[kind]) {
      const remote = bySerial.get(normalizeSerial(local.info.serial));
      if (!remote || !wantedTypes.includes(remote.attributes.certificateType ?? '')) {
        logger.warn(
          `Certificate (${local.info.commonName}, serial ${local.info.serial}) not found on Developer Portal`,
        );
        continue;
      }
      logger.print(`- ${local.info.commonName}: on the Developer Portal (${remote.id})`);
      result.local.push(local);
      result.portal.push(remote);
    }
    if (result.local.length === 0) {
      if (required(type)) {
        const listing = byKind[kind].map((c) => `${c.info.commonName} (serial ${c.info.serial})`).join(', ');
        throw new StepError(
          `not found any of the following ${CERTIFICATE_TYPE_NAME[kind]} certificates on Developer Portal: ${listing}`,
          {
            hint: "upload the .p12 of a certificate of this team, or check that the connected account belongs to the certificate's team",
          },
        );
      }
      types.splice(types.indexOf(type), 1);
      continue;
    }
    if (result.local.length > 1)
      logger.warn(
        `${result.local.length} ${kind} certificates match: ${result.local[0]!.info.commonName} signs, profiles include all of them`,
      );
    matched.set(type, result);
  }
  logger.print(`Distribution types: ${types.join(', ')}`);

  const devices = types.some(withDevices) ? await ensureDevices(options, platform) : [];

  const run = new ProvisioningRun(options, platform, matched, devices);
  const assets = await run.ensureProfiles(types);
  return { assets };
}

async function ensureDevices(options: EnsureOptions, platform: Platform): Promise<Device[]> {
  const { logger, portal, writer } = options;
  logger.info('Checking the devices');
  const devices = await portal.listDevices({ platform: 'IOS', status: 'ENABLED' });
  logger.print(`${devices.length} device(s) on the Developer Portal`);
  if (options.testDevices) {
    const known = new Set(devices.map((d) => normalizeUdid(d.attributes.udid ?? '')));
    for (const device of options.testDevices) {
      if (known.has(normalizeUdid(device.udid))) continue;
      try {
        devices.push(await writer.registerDevice(device.udid, device.title));
        known.add(normalizeUdid(device.udid));
      } catch (err) {
        if (!(err instanceof DeviceRegistrationError)) throw err;
        logger.warn(
          `Failed to register device ${device.udid} (${device.title}): can be caused by invalid UDID or trying to register a Mac device`,
        );
      }
    }
  }
  const classes = DEVICE_CLASSES[platform];
  const kept = devices.filter(
    (d) =>
      d.id.startsWith(PLANNED_ID_PREFIX) ||
      !d.attributes.deviceClass ||
      classes.includes(d.attributes.deviceClass),
  );
  if (kept.length < devices.length)
    logger.print(
      `${devices.length - kept.length} device(s) are not ${platform} devices: left out of the profiles`,
    );
  return kept;
}

interface EnsuredBundleId {
  bundleId: BundleId;
  /** New, or capabilities were added: profiles made before cannot carry them. */
  changed: boolean;
  created: boolean;
}

interface Job {
  type: DistributionType;
  /** The profile's bundle ID: the target's, or the wildcard of a UITest target. */
  bundleId: string;
  targets: TargetAnalysis[];
  entitlements: Record<string, unknown>;
}

class ProvisioningRun {
  private readonly bundleIds = new Map<string, Promise<EnsuredBundleId>>();
  private readonly newICloudAppIds: string[] = [];
  private readonly now: Date;

  constructor(
    private readonly options: EnsureOptions,
    private readonly platform: Platform,
    private readonly matched: Map<DistributionType, MatchedCertificates>,
    private readonly devices: Device[],
  ) {
    this.now = options.now ?? new Date();
  }

  async ensureProfiles(types: DistributionType[]): Promise<Map<DistributionType, DistributionAssets>> {
    const { logger, project } = this.options;
    logger.info('Ensuring App IDs and profiles');
    const jobs: Job[] = [];
    for (const type of types) {
      const add = (bundleId: string, target: TargetAnalysis, entitlements: Record<string, unknown>) => {
        const same = jobs.find((j) => j.type === type && j.bundleId === bundleId);
        if (same) same.targets.push(target);
        else jobs.push({ type, bundleId, targets: [target], entitlements });
      };
      for (const target of project.targets.filter((t) => !t.isUITest))
        add(target.bundleId, target, target.entitlements);
      if (type === 'development')
        for (const target of project.targets.filter((t) => t.isUITest))
          add(wildcardBundleId(target.bundleId), target, {});
    }

    const results = await mapConcurrent(jobs, TARGET_CONCURRENCY, (job) => this.ensureProfileWithRetry(job));

    if (this.newICloudAppIds.length > 0) {
      throw new StepError(
        `Unable to automatically assign iCloud containers to the following app IDs: ${this.newICloudAppIds.join(', ')}. You have to manually add the listed containers to your app ID at: https://developer.apple.com/account/resources/identifiers/list`,
      );
    }

    const assets = new Map<DistributionType, DistributionAssets>();
    for (const type of types) {
      const certificate = this.matched.get(type)!.local[0]!;
      assets.set(type, { type, certificate, profiles: new Map() });
    }
    for (const [index, job] of jobs.entries()) {
      for (const target of job.targets) assets.get(job.type)!.profiles.set(target.id, results[index]!);
    }
    return assets;
  }

  private async ensureProfileWithRetry(job: Job): Promise<EnsuredProfile> {
    const sleep = this.options.sleep ?? realSleep;
    const delay = this.options.profileRetryDelayMs ?? PROFILE_RETRY_DELAY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ensureProfile(job);
      } catch (err) {
        if (!(err instanceof ProfilesChangedError) || attempt >= PROFILE_ATTEMPTS) throw err;
        this.options.logger.warn(
          `${profileName(this.platform, job.type, job.bundleId)}: ${err.message}; trying again in ${Math.round(delay / 1000)} s (attempt ${attempt + 1}/${PROFILE_ATTEMPTS})`,
        );
        await sleep(delay);
      }
    }
  }

  private async ensureProfile(job: Job): Promise<EnsuredProfile> {
    const { logger, writer } = this.options;
    const name = profileName(this.platform, job.type, job.bundleId);
    const profileType = PROFILE_TYPES[this.platform][job.type];
    const certificates = this.matched.get(job.type)!.portal;
    const deviceList = withDevices(job.type) ? this.devices : [];
    const bundle = await this.ensureBundleId(job.bundleId, job.entitlements, job.targets[0]!.name);

    if (!bundle.created) {
      const existing = await this.options.portal.findProfile(name, profileType);
      if (existing) {
        const problems = this.check(existing, job, certificates, deviceList, bundle);
        if (problems.length === 0) {
          const profile = this.decode(existing);
          logger.print(
            `${name}: reused (${profile.uuid}, expires ${profile.expirationDate.toISOString().slice(0, 10)})`,
          );
          return { name, profileType, bundleId: job.bundleId, state: 'reused', uuid: profile.uuid, profile };
        }
        logger.print(`${name}: regenerated, it ${problems.join('; ')}`);
        await writer.deleteProfile(existing);
      }
    }

    const created = await writer.createProfile({
      name,
      profileType,
      bundleIdId: bundle.bundleId.id,
      certificateIds: certificates.map((c) => c.id),
      deviceIds: deviceList.map((d) => d.id),
    });
    if (!created) return { name, profileType, bundleId: job.bundleId, state: 'planned' };
    const profile = this.decode(created);
    return { name, profileType, bundleId: job.bundleId, state: 'created', uuid: profile.uuid, profile };
  }

  private decode(profile: Profile): ProvisioningProfile {
    const content = profile.attributes.profileContent;
    if (!content) throw new StepError(`profile "${profile.attributes.name}" (${profile.id}) has no content`);
    return decodeProfile(Buffer.from(content, 'base64'));
  }

  /** Why the portal profile cannot be reused; empty when it can (go-xcode `checkProfile`). */
  private check(
    existing: Profile,
    job: Job,
    certificates: Certificate[],
    devices: Device[],
    bundle: EnsuredBundleId,
  ): string[] {
    if (existing.attributes.profileState !== 'ACTIVE')
      return [`is ${existing.attributes.profileState ?? 'not active'}`];
    if (bundle.changed) return ['predates capabilities just added to its App ID'];
    const profile = this.decode(existing);
    const days = this.options.minProfileDaysValid;
    const result = checkProfile(profile, {
      minDaysValid: days,
      certificateSerials: certificates.map((c) => c.attributes.serialNumber ?? ''),
      deviceUdids: devices
        .filter((d) => !d.id.startsWith(PLANNED_ID_PREFIX))
        .map((d) => d.attributes.udid ?? ''),
      now: this.now,
    });
    const problems = result.problems.map((p) =>
      p.replace(
        /^expires (.*), less than (\d+) days from now$/,
        (_m, at, n) => `expired, or will expire in less then ${n} day(s) (${at})`,
      ),
    );
    if (devices.some((d) => d.id.startsWith(PLANNED_ID_PREFIX)) && !profile.provisionsAllDevices)
      problems.push('lacks the devices to be registered');
    if (profile.bundleId !== job.bundleId) problems.push(`is for ${profile.bundleId}, not ${job.bundleId}`);
    const platform = this.platform.toLowerCase();
    if (profile.platform && profile.platform !== platform) problems.push(`is a ${profile.platform} profile`);
    const present = profile.entitlements['com.apple.developer.icloud-container-identifiers'];
    const have = new Set(Array.isArray(present) ? present.map(String) : []);
    const missing = iCloudContainers(job.entitlements).filter((c) => !have.has(c));
    if (missing.length) problems.push(`lacks the iCloud containers ${missing.join(', ')}`);
    return problems;
  }

  private ensureBundleId(
    identifier: string,
    entitlements: Record<string, unknown>,
    target: string,
  ): Promise<EnsuredBundleId> {
    let pending = this.bundleIds.get(identifier);
    if (!pending) {
      pending = this.findOrCreateBundleId(identifier, entitlements, target);
      this.bundleIds.set(identifier, pending);
    }
    return pending;
  }

  /** go-xcode `ensureBundleID`: find, else create; then enable the capabilities the entitlements need. */
  private async findOrCreateBundleId(
    identifier: string,
    entitlements: Record<string, unknown>,
    target: string,
  ): Promise<EnsuredBundleId> {
    const { logger, portal, writer } = this.options;
    const capabilities = requiredCapabilities(entitlements);
    const found = await portal.findBundleId(identifier);
    if (!found) {
      if (isAppClip(entitlements)) {
        logger.warn(
          `The App Clip's App ID (${identifier}) has to be created manually on the Developer Portal (Certificates, Identifiers & Profiles › Identifiers), with the parent app's App ID`,
        );
        throw new StepError(
          `can't create Application Identifier for App Clip target (${target}): ${identifier}`,
        );
      }
      const created = await writer.createBundleId(identifier, appIdName(identifier));
      await this.enableCapabilities(created, capabilities);
      if (iCloudContainers(entitlements).length > 0) this.newICloudAppIds.push(identifier);
      return { bundleId: created, created: true, changed: true };
    }
    if (capabilities.length === 0) return { bundleId: found, created: false, changed: false };
    const existing = await portal.listBundleIdCapabilities(found);
    const missing = capabilities.filter((c) => !satisfies(existing, c));
    if (missing.length === 0) return { bundleId: found, created: false, changed: false };
    if (isAppClip(entitlements) && missing.some((c) => c.type === 'APPLE_ID_AUTH')) {
      throw new StepError(
        `can't create Application Identifier for App Clip target (${target}) with Sign in with Apple capability: enable Sign in with Apple on ${identifier} manually on the Developer Portal`,
      );
    }
    logger.print(`App ID ${identifier} lacks ${missing.map((c) => c.type).join(', ')}`);
    await this.enableCapabilities(found, missing);
    return { bundleId: found, created: false, changed: true };
  }

  private async enableCapabilities(
    bundleId: BundleId,
    capabilities: ReturnType<typeof requiredCapabilities>,
  ): Promise<void> {
    await mapConcurrent(capabilities, 4, async (capability) => {
      await this.options.writer.enableCapability(bundleId, capability.type, capability.settings);
      if (needsManualConfiguration(capability.type))
        this.options.logger.warn(
          `${bundleId.attributes.identifier}: ${capability.type} is enabled, its details will have to be configured manually on the Developer Portal`,
        );
    });
  }
}
