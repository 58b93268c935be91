import type { ProvisioningProfile } from '../codesign/index.ts';
import { type Clock, createHttpClient, type Env, type Logger, type Secret } from '../step/index.ts';
import { ApiKeyTransport } from './api-key-transport.ts';
import { AppleIdTransport } from './apple-id-transport.ts';
import type { PortalContext } from './context.ts';
import { type CookieLike, cookieJarFromConnection } from './cookies.ts';
import { DEFAULT_RETRY, Executor } from './executor.ts';
import type {
  BundleId,
  BundleIdCapability,
  CapabilitySetting,
  CapabilityType,
  Certificate,
  CertificateType,
  Device,
  Profile,
  ProfileType,
} from './models.ts';
import * as bundleIds from './resources/bundle-ids.ts';
import * as certificates from './resources/certificates.ts';
import * as devices from './resources/devices.ts';
import * as profiles from './resources/profiles.ts';
import { listTeams, selectTeam, type Team } from './teams.ts';

export type PortalCredentials =
  | { kind: 'api_key'; keyId: string; issuerId: string; privateKey: Secret; isEnterprise?: boolean }
  | { kind: 'apple_id'; cookies: CookieLike[]; teamId?: string };

export interface PortalClientOptions {
  credentials: PortalCredentials;
  env: Env;
  logger: Logger;
  /** First retry delay (doubling per attempt); default 1 s. Tests pass a few milliseconds. */
  retryBaseDelayMs?: number;
  /** Attempts per request, the first included; default 5. */
  retryAttempts?: number;
  /** Per-attempt timeout; default 30 s. */
  timeoutMs?: number;
  /** The Step's clock: waits between attempts, and the scale of timeouts and waits; default the real clock. */
  clock?: Clock;
}

export interface PortalClient {
  readonly transport: 'api_key' | 'apple_id';
  /** Apple ID sessions: the team all requests act for. */
  readonly team?: Team;
  findBundleId(identifier: string): Promise<BundleId | undefined>;
  createBundleId(params: bundleIds.CreateBundleIdParams): Promise<BundleId>;
  listBundleIdCapabilities(bundleId: BundleId): Promise<BundleIdCapability[]>;
  enableCapability(
    bundleIdId: string,
    capabilityType: CapabilityType,
    settings?: CapabilitySetting[],
  ): Promise<BundleIdCapability>;
  listBundleIdProfiles(bundleId: BundleId | string): Promise<Profile[]>;
  /** The App IDs with exactly these identifiers, with capabilities and profiles, in as few requests as possible. */
  listBundleIdsWithRelations(identifiers: readonly string[]): Promise<bundleIds.BundleIdWithRelations[]>;
  findCertificateBySerial(serial: string | bigint): Promise<Certificate | undefined>;
  listCertificates(types: CertificateType[]): Promise<Certificate[]>;
  listDevices(filter?: devices.DeviceFilter): Promise<Device[]>;
  registerDevice(params: devices.RegisterDeviceParams): Promise<Device>;
  findProfile(name: string, profileType: ProfileType): Promise<Profile | undefined>;
  createProfile(params: profiles.CreateProfileParams): Promise<Profile>;
  deleteProfile(id: string): Promise<void>;
  listProfileCertificates(profile: Profile): Promise<Certificate[]>;
  getProfileBundleId(profile: Profile): Promise<BundleId>;
  decodeProfile(profile: Profile): ProvisioningProfile;
}

/**
 * Connects to the Developer Portal with an API key or an Apple ID session. For an Apple ID the
 * team is resolved here (listTeams.action), so a wrong or missing team fails early.
 */
export async function createPortalClient(options: PortalClientOptions): Promise<PortalClient> {
  const http = createHttpClient({ env: options.env, timeoutMs: options.timeoutMs, clock: options.clock });
  const settings = {
    ...DEFAULT_RETRY,
    attempts: options.retryAttempts ?? DEFAULT_RETRY.attempts,
    baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    clock: options.clock,
  };
  const { credentials, logger } = options;
  let team: Team | undefined;
  let executor: Executor;
  if (credentials.kind === 'api_key') {
    executor = new Executor(http, new ApiKeyTransport(credentials), logger, settings);
  } else {
    const transport = new AppleIdTransport(await cookieJarFromConnection(credentials.cookies));
    executor = new Executor(http, transport, logger, settings);
    team = selectTeam(await listTeams(executor, transport), credentials.teamId);
    transport.teamId = team.teamId;
  }
  const ctx: PortalContext = { executor, logger, baseUrl: executor.transport.baseUrl };
  return {
    transport: credentials.kind,
    team,
    findBundleId: (identifier) => bundleIds.findBundleId(ctx, identifier),
    createBundleId: (params) => bundleIds.createBundleId(ctx, params),
    listBundleIdCapabilities: (bundleId) => bundleIds.listBundleIdCapabilities(ctx, bundleId),
    enableCapability: (id, type, capabilitySettings) =>
      bundleIds.enableCapability(ctx, id, type, capabilitySettings),
    listBundleIdProfiles: (bundleId) => bundleIds.listBundleIdProfiles(ctx, bundleId),
    listBundleIdsWithRelations: (identifiers) => bundleIds.listBundleIdsWithRelations(ctx, identifiers),
    findCertificateBySerial: (serial) => certificates.findCertificateBySerial(ctx, serial),
    listCertificates: (types) => certificates.listCertificates(ctx, types),
    listDevices: (filter) => devices.listDevices(ctx, filter),
    registerDevice: (params) => devices.registerDevice(ctx, params),
    findProfile: (name, type) => profiles.findProfile(ctx, name, type),
    createProfile: (params) => profiles.createProfile(ctx, params),
    deleteProfile: (id) => profiles.deleteProfile(ctx, id),
    listProfileCertificates: (profile) => profiles.listProfileCertificates(ctx, profile),
    getProfileBundleId: (profile) => profiles.getProfileBundleId(ctx, profile),
    decodeProfile: (profile) => profiles.decodeProfile(profile),
  };
}
