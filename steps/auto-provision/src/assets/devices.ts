import type { TestDevice } from '../../../../common/bitrise/test-devices.ts';
import { normalizeUdid } from '../../../../common/codesign/index.ts';
import type { Device, DeviceClass } from '../../../../common/portal/index.ts';
import type { Logger } from '../../../../common/step/index.ts';
import { PLANNED_ID_PREFIX } from '../writer.ts';

/** A device to register: from the connection (with its title) or from test_device_list_path. */
export interface DeviceRegistration {
  udid: string;
  /** The name it gets on the portal: its title in the connection, `Device <n>` from the file. */
  name: string;
  platform: 'IOS' | 'MAC_OS';
  /** What the connection says it is (`ios`, `tvos`, `watchos`, `mac`…), when it says. */
  deviceType?: string;
  source: 'connection' | 'file';
}

/** Apple allows 100 devices of each family per membership year. */
export const DEVICES_PER_CLASS = 100;

/** An Intel Mac's UDID is its hardware UUID; every other device's is not shaped like one. */
const MAC_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function platformOf(udid: string, deviceType: string | undefined): 'IOS' | 'MAC_OS' {
  if (deviceType && /mac/i.test(deviceType)) return 'MAC_OS';
  return MAC_UUID.test(udid) ? 'MAC_OS' : 'IOS';
}

/**
 * The devices to register: the connection's test devices (when asked) and the file's, each UDID
 * once, that the portal does not have yet, and only on the platforms being signed.
 */
export function devicesToRegister(options: {
  portalDevices: readonly Device[];
  testDevices?: readonly TestDevice[];
  fileUdids: readonly string[];
  /** The device platforms the profiles being made list: IOS, MAC_OS. */
  platforms: ReadonlySet<'IOS' | 'MAC_OS'>;
  logger: Logger;
}): DeviceRegistration[] {
  const known = new Set(options.portalDevices.map((d) => normalizeUdid(d.attributes.udid ?? '')));
  const wanted: DeviceRegistration[] = [
    ...(options.testDevices ?? []).map(
      (d): DeviceRegistration => ({
        udid: d.udid,
        name: d.title || 'Bitrise test device',
        platform: platformOf(d.udid, d.deviceType),
        deviceType: d.deviceType || undefined,
        source: 'connection',
      }),
    ),
    ...options.fileUdids.map(
      (udid, index): DeviceRegistration => ({
        udid,
        name: `Device ${index + 1}`,
        platform: platformOf(udid, undefined),
        source: 'file',
      }),
    ),
  ];
  const out: DeviceRegistration[] = [];
  for (const device of wanted) {
    const key = normalizeUdid(device.udid);
    if (known.has(key)) continue;
    known.add(key);
    if (!options.platforms.has(device.platform)) {
      options.logger.print(
        `${device.udid} (${device.name}) is ${device.platform === 'MAC_OS' ? 'a Mac' : 'an iOS device'}: not registered, no profile being made lists such devices`,
      );
      continue;
    }
    out.push(device);
  }
  return out;
}

/** A device that a dry run would register: it is in the plan, not on the portal. */
export const isPlanned = (device: Device): boolean => device.id.startsWith(PLANNED_ID_PREFIX);

/** The stand-in for a device registered in this run, until the portal has answered. */
export function plannedDevice(registration: DeviceRegistration): Device {
  return {
    type: 'devices',
    id: `${PLANNED_ID_PREFIX}${registration.udid}`,
    attributes: { udid: registration.udid, name: registration.name, platform: registration.platform },
  } as Device;
}

/**
 * Whether a profile whose devices must be of `classes` can list the device. A device registered
 * in this run has no class yet: an iOS one is taken for an iPhone-family device unless the
 * connection says it is an Apple TV.
 */
export function suits(
  device: Device,
  classes: readonly DeviceClass[],
  registration?: DeviceRegistration,
): boolean {
  const deviceClass = device.attributes.deviceClass;
  if (deviceClass) return classes.includes(deviceClass);
  const platform = device.attributes.platform;
  if (platform === 'MAC_OS') return classes.includes('MAC');
  if (registration?.deviceType && /tv/i.test(registration.deviceType)) return classes.includes('APPLE_TV');
  return classes.includes('IPHONE');
}

const CLASS_NAMES: Record<string, string> = {
  IPHONE: 'iPhone',
  IPAD: 'iPad',
  IPOD: 'iPod touch',
  APPLE_WATCH: 'Apple Watch',
  APPLE_TV: 'Apple TV',
  APPLE_VISION_PRO: 'Apple Vision Pro',
  MAC: 'Mac',
  APPLE_SILICON_MAC: 'Mac',
  INTEL_MAC: 'Mac',
};

/**
 * Slots left per device class after the registrations: Apple counts enabled devices per class,
 * and a disabled one keeps its slot until the membership year renews, so these are upper bounds.
 * An iOS device registered now gets its class (iPhone, iPad…) from Apple, so it is counted apart.
 */
export function slotsLeft(
  portalDevices: readonly Device[],
  registrations: readonly DeviceRegistration[],
): { classes: Array<{ deviceClass: string; used: number; left: number }>; pendingIos: number } {
  const used = new Map<string, number>();
  const add = (name: string) => used.set(name, (used.get(name) ?? 0) + 1);
  for (const device of portalDevices)
    if (device.attributes.status !== 'DISABLED')
      add(
        CLASS_NAMES[device.attributes.deviceClass ?? ''] ?? device.attributes.deviceClass ?? 'unknown class',
      );
  for (const registration of registrations) if (registration.platform === 'MAC_OS') add('Mac');
  return {
    classes: [...used].map(([deviceClass, n]) => ({
      deviceClass,
      used: n,
      left: Math.max(0, DEVICES_PER_CLASS - n),
    })),
    pendingIos: registrations.filter((r) => r.platform === 'IOS').length,
  };
}

/** Prints the registrations and the slots they leave, in the log and the dry run alike. */
export function logDevicePlan(
  logger: Logger,
  portalDevices: readonly Device[],
  registrations: readonly DeviceRegistration[],
  dryRun: boolean,
): void {
  logger.print(`${portalDevices.length} enabled device(s) on the Developer Portal`);
  if (registrations.length > 0) {
    logger.print(`Devices ${dryRun ? 'that would be' : 'to be'} registered (${registrations.length}):`);
    for (const r of registrations)
      logger.print(
        `- ${r.udid} "${r.name}" (${r.platform === 'MAC_OS' ? 'Mac' : 'iOS'}, from the ${r.source === 'file' ? 'test_device_list_path file' : 'connection'})`,
      );
  }
  const { classes, pendingIos } = slotsLeft(portalDevices, registrations);
  const parts = classes.map((s) => `${s.deviceClass} ${s.left} of ${DEVICES_PER_CLASS}`);
  if (pendingIos > 0) parts.push(`and ${pendingIos} iOS device(s) to register take a slot of their class`);
  if (parts.length > 0) logger.print(`Device slots left this membership year: ${parts.join(', ')}`);
}
