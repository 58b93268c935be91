import { randomBytes, randomUUID } from 'node:crypto';
import type { PlistValue } from 'plist';
import type {
  BundleIdPlatform,
  CapabilityType,
  CertificateType,
  DeviceClass,
  ProfileType,
} from '../../../common/portal/models.ts';
import { randomSerialHex } from '../tls/index.ts';
import { type AppStoreSeed, AppStoreState } from './app-store/state.ts';
import { issueDeveloperCertificate, issueMobileProvision } from './issuer.ts';
import {
  appIdPlatformFor,
  certificateTypesFor,
  deviceClassesFor,
  holdsDevices,
  profileFamily,
  profilePlatforms,
} from './provisioning-rules.ts';

export interface SimTeam {
  teamId: string;
  name: string;
}

export interface SimCapability {
  id: string;
  capabilityType: CapabilityType;
  settings?: unknown[];
}

export interface SimBundleId {
  id: string;
  identifier: string;
  name: string;
  platform: BundleIdPlatform;
  seedId: string;
  capabilities: SimCapability[];
}

export interface SimCertificate {
  id: string;
  /** Upper-case hex, as Apple shows it. */
  serialNumber: string;
  certificateType: CertificateType;
  name: string;
  displayName: string;
  platform: BundleIdPlatform;
  expirationDate: Date;
  der: Buffer;
}

export interface SimDevice {
  id: string;
  udid: string;
  name: string;
  platform: BundleIdPlatform;
  deviceClass: DeviceClass;
  status: 'ENABLED' | 'DISABLED';
  model: string;
  addedDate: Date;
}

export interface SimProfile {
  id: string;
  uuid: string;
  name: string;
  profileType: ProfileType;
  platform: BundleIdPlatform;
  profileState: 'ACTIVE' | 'INVALID';
  createdDate: Date;
  expirationDate: Date;
  bundleIdId: string;
  certificateIds: string[];
  deviceIds: string[];
  /** The `.mobileprovision` bytes (`profileContent` is their base64). */
  content: Buffer;
  /** The entitlements written into the profile, for assertions. */
  entitlements: Record<string, PlistValue>;
}

export interface CertificateSeed {
  serialHex?: string;
  certificateType?: CertificateType;
  commonName?: string;
  expirationDate?: Date;
}
export interface DeviceSeed {
  udid: string;
  name?: string;
  platform?: BundleIdPlatform;
  deviceClass?: DeviceClass;
  status?: 'ENABLED' | 'DISABLED';
}
export interface BundleIdSeed {
  identifier: string;
  name?: string;
  platform?: BundleIdPlatform;
  capabilities?: CapabilityType[];
}
export interface ProfileSeed {
  name: string;
  profileType: ProfileType;
  bundleIdentifier: string;
  /** Default: every certificate of a matching kind. */
  certificateIds?: string[];
  /** Default for development and ad-hoc: every enabled device. */
  deviceIds?: string[];
  /** Expired profiles are hidden from the profile list, as on Apple's portal. */
  expired?: boolean;
  profileState?: 'ACTIVE' | 'INVALID';
}

export interface PortalSeed {
  certificates?: CertificateSeed[];
  devices?: DeviceSeed[];
  bundleIds?: BundleIdSeed[];
  profiles?: ProfileSeed[];
  /** App Store Connect: apps with their builds, uploads and beta groups. */
  appStore?: AppStoreSeed;
}

const DAY = 86_400_000;

/** The common-name prefix Apple gives each certificate type. */
const CERTIFICATE_NAMES: Partial<Record<CertificateType, string>> = {
  DEVELOPMENT: 'Apple Development',
  DISTRIBUTION: 'Apple Distribution',
  IOS_DEVELOPMENT: 'iPhone Developer',
  IOS_DISTRIBUTION: 'iPhone Distribution',
  MAC_APP_DEVELOPMENT: 'Mac Developer',
  MAC_APP_DISTRIBUTION: '3rd Party Mac Developer Application',
  DEVELOPER_ID_APPLICATION: 'Developer ID Application',
  DEVELOPER_ID_APPLICATION_G2: 'Developer ID Application',
};
const wholeSeconds = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);

/** The simulated team's portal content, in memory. */
export class PortalState {
  readonly bundleIds: SimBundleId[] = [];
  readonly certificates: SimCertificate[] = [];
  readonly devices: SimDevice[] = [];
  readonly profiles: SimProfile[] = [];
  /** App Store Connect's side: apps, builds, build uploads, TestFlight. */
  readonly appStore = new AppStoreState();

  constructor(
    readonly team: SimTeam,
    readonly now: () => Date = () => new Date(),
  ) {}

  newId(): string {
    // Apple's resource IDs are 10 upper-case alphanumerics.
    return randomBytes(8)
      .toString('base64url')
      .replace(/[^A-Za-z0-9]/g, 'X')
      .toUpperCase()
      .slice(0, 10)
      .padEnd(10, 'Z');
  }

  seed(seed: PortalSeed): void {
    for (const c of seed.certificates ?? []) this.addCertificate(c);
    for (const d of seed.devices ?? []) this.addDevice(d);
    for (const b of seed.bundleIds ?? []) this.addBundleId(b);
    for (const p of seed.profiles ?? []) this.addProfile(p);
    if (seed.appStore) this.appStore.seed(seed.appStore);
  }

  addCertificate(seed: CertificateSeed = {}): SimCertificate {
    const certificateType = seed.certificateType ?? 'DEVELOPMENT';
    const commonName =
      seed.commonName ??
      `${CERTIFICATE_NAMES[certificateType] ?? 'Apple Distribution'}: ${this.team.name} (${this.team.teamId})`;
    const serialNumber = (seed.serialHex ?? randomSerialHex()).toUpperCase();
    const expirationDate = seed.expirationDate ?? new Date(this.now().getTime() + 365 * DAY);
    const cert: SimCertificate = {
      id: this.newId(),
      serialNumber,
      certificateType,
      name: commonName.split(':')[0]!,
      displayName: commonName.split(': ')[1] ?? commonName,
      platform: /^(MAC|DEVELOPER_ID)/.test(certificateType) ? 'MAC_OS' : 'IOS',
      expirationDate,
      der: issueDeveloperCertificate({
        serialHex: serialNumber,
        commonName,
        teamId: this.team.teamId,
        teamName: this.team.name,
        notAfter: expirationDate,
      }),
    };
    this.certificates.push(cert);
    return cert;
  }

  addDevice(seed: DeviceSeed): SimDevice {
    const device: SimDevice = {
      id: this.newId(),
      udid: seed.udid,
      name: seed.name ?? `Device ${seed.udid.slice(0, 6)}`,
      platform: seed.platform ?? 'IOS',
      deviceClass: seed.deviceClass ?? 'IPHONE',
      status: seed.status ?? 'ENABLED',
      model: seed.deviceClass === 'IPAD' ? 'iPad Pro' : 'iPhone 15',
      addedDate: this.now(),
    };
    this.devices.push(device);
    return device;
  }

  addBundleId(seed: BundleIdSeed): SimBundleId {
    const bundleId: SimBundleId = {
      id: this.newId(),
      identifier: seed.identifier,
      name: seed.name ?? `App ${seed.identifier.replace(/[._*-]/g, ' ')}`,
      platform: seed.platform ?? 'IOS',
      seedId: this.team.teamId,
      capabilities: [],
    };
    for (const capabilityType of seed.capabilities ?? [])
      bundleId.capabilities.push({ id: this.newId(), capabilityType });
    this.bundleIds.push(bundleId);
    return bundleId;
  }

  addProfile(seed: ProfileSeed): SimProfile {
    const bundleId =
      this.bundleIds.find((b) => b.identifier === seed.bundleIdentifier) ??
      this.addBundleId({ identifier: seed.bundleIdentifier });
    // Defaults as Apple would accept them: certificates of the right type, devices of the right class.
    const certificateTypes = certificateTypesFor(seed.profileType);
    const certificateIds =
      seed.certificateIds ??
      this.certificates.filter((c) => certificateTypes.includes(c.certificateType)).map((c) => c.id);
    const classes = deviceClassesFor(seed.profileType);
    const deviceIds = holdsDevices(seed.profileType)
      ? (seed.deviceIds ??
        this.devices
          .filter((d) => d.status === 'ENABLED' && classes.includes(d.deviceClass))
          .map((d) => d.id))
      : [];
    const created = new Date(this.now().getTime() - (seed.expired ? 400 * DAY : 0));
    return this.issueProfile({
      name: seed.name,
      profileType: seed.profileType,
      bundleId,
      certificateIds,
      deviceIds,
      createdDate: created,
      expirationDate: new Date(created.getTime() + 365 * DAY),
      profileState: seed.profileState ?? 'ACTIVE',
    });
  }

  issueProfile(params: {
    name: string;
    profileType: ProfileType;
    bundleId: SimBundleId;
    certificateIds: string[];
    deviceIds: string[];
    createdDate?: Date;
    expirationDate?: Date;
    profileState?: 'ACTIVE' | 'INVALID';
  }): SimProfile {
    // Whole seconds, as in Apple's plists (and its API dates end in .000).
    const createdDate = wholeSeconds(params.createdDate ?? this.now());
    const expirationDate = wholeSeconds(params.expirationDate ?? new Date(createdDate.getTime() + 365 * DAY));
    const uuid = randomUUID();
    const entitlements = this.entitlementsFor(params.bundleId, params.profileType);
    const inHouse = /INHOUSE/.test(params.profileType);
    const content = issueMobileProvision({
      uuid,
      name: params.name,
      appIdName: params.bundleId.name,
      teamId: this.team.teamId,
      teamName: this.team.name,
      platforms: profilePlatforms(params.profileType),
      createdDate,
      expirationDate,
      entitlements,
      developerCertificates: params.certificateIds.map(
        (id) => this.certificates.find((c) => c.id === id)!.der,
      ),
      provisionedDevices: params.deviceIds.length
        ? params.deviceIds.map((id) => this.devices.find((d) => d.id === id)!.udid)
        : undefined,
      provisionsAllDevices: inHouse || undefined,
    });
    const profile: SimProfile = {
      id: this.newId(),
      uuid,
      name: params.name,
      profileType: params.profileType,
      // Apple answers with the App ID's platform, so a universal App ID's profiles say UNIVERSAL.
      platform: params.bundleId.platform === 'UNIVERSAL' ? 'UNIVERSAL' : appIdPlatformFor(params.profileType),
      profileState: params.profileState ?? 'ACTIVE',
      createdDate,
      expirationDate,
      bundleIdId: params.bundleId.id,
      certificateIds: params.certificateIds,
      deviceIds: params.deviceIds,
      content,
      entitlements,
    };
    this.profiles.push(profile);
    return profile;
  }

  isExpired(profile: SimProfile): boolean {
    return profile.expirationDate.getTime() <= this.now().getTime();
  }

  private entitlementsFor(bundleId: SimBundleId, profileType: ProfileType): Record<string, PlistValue> {
    const development = /DEVELOPMENT/.test(profileType);
    const appId = `${bundleId.seedId}.${bundleId.identifier}`;
    const family = profileFamily(profileType);
    // macOS profiles name the App ID with com.apple.application-identifier, Catalyst ones with both (TN3125).
    const entitlements: Record<string, PlistValue> = {
      ...(family === 'MAC' ? {} : { 'application-identifier': appId }),
      ...(family === 'MAC' || family === 'MAC_CATALYST' ? { 'com.apple.application-identifier': appId } : {}),
      'com.apple.developer.team-identifier': this.team.teamId,
      'keychain-access-groups': [`${bundleId.seedId}.*`],
      'get-task-allow': development,
    };
    for (const capability of bundleId.capabilities) {
      if (capability.capabilityType === 'PUSH_NOTIFICATIONS') {
        entitlements['aps-environment'] = development ? 'development' : 'production';
      }
      if (capability.capabilityType === 'APP_GROUPS')
        entitlements['com.apple.security.application-groups'] = [];
      if (capability.capabilityType === 'ASSOCIATED_DOMAINS')
        entitlements['com.apple.developer.associated-domains'] = '*';
      if (capability.capabilityType === 'ACCESS_WIFI_INFORMATION') {
        entitlements['com.apple.developer.networking.wifi-info'] = true;
      }
    }
    return entitlements;
  }
}
