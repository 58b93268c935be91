import type { TestDevice } from '../../../../common/bitrise/test-devices.ts';
import { normalizeUdid } from '../../../../common/codesign/index.ts';
import { type Device, DeviceRegistrationError, type PortalClient } from '../../../../common/portal/index.ts';
import type { Logger } from '../../../../common/step/index.ts';
import { PLANNED_ID_PREFIX, type PortalWriter } from '../writer.ts';
import type { Platform } from './distribution.ts';

/** The device classes a profile of each platform can list. */
const DEVICE_CLASSES: Record<Platform, string[]> = {
  iOS: ['APPLE_WATCH', 'IPAD', 'IPHONE', 'IPOD'],
  tvOS: ['APPLE_TV'],
};

export interface DeviceOptions {
  portal: PortalClient;
  writer: PortalWriter;
  logger: Logger;
  platform: Platform;
  /** The connection's test devices to register; undefined when not asked to. */
  testDevices?: readonly TestDevice[];
}

/**
 * The enabled devices of the platform, after registering the connection's test devices that the
 * portal lacks. A device the portal refuses is a warning, as upstream: it may be a Mac or a typo.
 */
export async function ensureDevices(options: DeviceOptions): Promise<Device[]> {
  const { logger, portal, writer, platform } = options;
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
    (d) => isPlanned(d) || !d.attributes.deviceClass || classes.includes(d.attributes.deviceClass),
  );
  if (kept.length < devices.length)
    logger.print(
      `${devices.length - kept.length} device(s) are not ${platform} devices: left out of the profiles`,
    );
  return kept;
}

/** A device that a dry run would register: it is in the plan, not on the portal. */
export const isPlanned = (device: Device): boolean => device.id.startsWith(PLANNED_ID_PREFIX);
