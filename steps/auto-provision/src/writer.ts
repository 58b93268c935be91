import type {
  BundleId,
  BundleIdPlatform,
  CapabilitySetting,
  CapabilityType,
  CreateProfileParams,
  Device,
  PortalClient,
  Profile,
} from '../../../common/portal/index.ts';
import type { Logger } from '../../../common/step/index.ts';

/**
 * Every change the Step makes on the Developer Portal goes through here: the real writer sends
 * it, the dry-run writer only records it in the plan and answers with a placeholder.
 */
export interface PortalWriter {
  readonly dryRun: boolean;
  /** What was (or would be) changed, one line each, in order. */
  readonly changes: string[];
  /** The devices registered (or that would be), for the report. */
  readonly registeredDevices: Array<{ udid: string; title: string }>;
  createBundleId(identifier: string, name: string, platform: BundleIdPlatform): Promise<BundleId>;
  enableCapability(bundleId: BundleId, type: CapabilityType, settings?: CapabilitySetting[]): Promise<void>;
  /** Registers the device under `title` (its name in the connection). */
  registerDevice(udid: string, title: string, platform: 'IOS' | 'MAC_OS'): Promise<Device>;
  deleteProfile(profile: Profile): Promise<void>;
  /** Undefined in a dry run: there is no profile yet. */
  createProfile(params: CreateProfileParams): Promise<Profile | undefined>;
}

export const PLANNED_ID_PREFIX = 'planned:';

export function createWriter(portal: PortalClient, logger: Logger, dryRun: boolean): PortalWriter {
  const changes: string[] = [];
  const registeredDevices: Array<{ udid: string; title: string }> = [];
  const note = (line: string) => {
    changes.push(line);
    logger.print(dryRun ? `[dry run] would ${line}` : `${line[0]!.toUpperCase()}${line.slice(1)}`);
  };
  if (dryRun) {
    return {
      dryRun,
      changes,
      registeredDevices,
      async createBundleId(identifier, name, platform) {
        note(`create App ID ${identifier} ("${name}"${platform === 'IOS' ? '' : `, ${platform}`})`);
        return {
          type: 'bundleIds',
          id: `${PLANNED_ID_PREFIX}${identifier}`,
          attributes: { identifier, name, platform },
        } as BundleId;
      },
      async enableCapability(bundleId, type) {
        note(`enable ${type} on App ID ${bundleId.attributes.identifier}`);
      },
      async registerDevice(udid, title, platform) {
        note(`register device ${udid} (${title})`);
        registeredDevices.push({ udid, title });
        return {
          type: 'devices',
          id: `${PLANNED_ID_PREFIX}${udid}`,
          attributes: { udid, name: title, platform },
        } as Device;
      },
      async deleteProfile(profile) {
        note(`delete profile "${profile.attributes.name}" (${profile.attributes.uuid ?? profile.id})`);
      },
      async createProfile(params) {
        note(
          `create ${params.profileType} profile "${params.name}" with ${params.certificateIds.length} certificate(s)${params.deviceIds?.length ? ` and ${params.deviceIds.length} device(s)` : ''}`,
        );
        return undefined;
      },
    };
  }
  return {
    dryRun,
    changes,
    registeredDevices,
    async createBundleId(identifier, name, platform) {
      const created = await portal.createBundleId({ identifier, name, platform });
      note(`created App ID ${identifier} ("${name}"${platform === 'IOS' ? '' : `, ${platform}`})`);
      return created;
    },
    async enableCapability(bundleId, type, settings) {
      await portal.enableCapability(bundleId.id, type, settings);
      note(`enabled ${type} on App ID ${bundleId.attributes.identifier}`);
    },
    async registerDevice(udid, title, platform) {
      const device = await portal.registerDevice({ udid, name: title, platform });
      note(`registered device ${udid} (${title})`);
      registeredDevices.push({ udid, title });
      return device;
    },
    async deleteProfile(profile) {
      await portal.deleteProfile(profile.id);
      note(`deleted profile "${profile.attributes.name}" (${profile.attributes.uuid ?? profile.id})`);
    },
    async createProfile(params) {
      const profile = await portal.createProfile(params);
      note(
        `created ${params.profileType} profile "${params.name}" (${profile.attributes.uuid ?? profile.id})`,
      );
      return profile;
    },
  };
}
