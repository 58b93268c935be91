/**
 * What Apple checks when a profile is created, written from Apple's OpenAPI enums and the
 * behaviour fastlane, go-xcode and Codemagic document (../shared/reference/apple-platforms.md),
 * independently of the Step's own tables so that the simulator can referee them:
 * - development and ad hoc profiles must list devices, all others must not;
 * - a device's class must suit the profile's platform (no Apple TV in an iOS profile);
 * - each certificate's type must suit the profile type;
 * - the App ID's platform must suit the profile type (UNIVERSAL suits all).
 */
import type {
  BundleIdPlatform,
  CertificateType,
  DeviceClass,
  ProfileType,
} from '../../../common/portal/models.ts';
import type { RouteResult } from './routes.ts';
import type { PortalState, SimBundleId } from './state.ts';

export type ProfileFamily = 'IOS' | 'TVOS' | 'MAC' | 'MAC_CATALYST';
export type ProfileKind = 'DEVELOPMENT' | 'STORE' | 'ADHOC' | 'INHOUSE' | 'DIRECT';

export function profileFamily(type: ProfileType): ProfileFamily {
  if (type.startsWith('MAC_CATALYST_')) return 'MAC_CATALYST';
  if (type.startsWith('MAC_')) return 'MAC';
  if (type.startsWith('TVOS_')) return 'TVOS';
  return 'IOS';
}

export function profileKind(type: ProfileType): ProfileKind {
  return type.slice(type.lastIndexOf('_') + 1) as ProfileKind;
}

/** Development and ad hoc profiles hold devices; App Store, in-house and Developer ID ones do not. */
export const holdsDevices = (type: ProfileType): boolean =>
  ['DEVELOPMENT', 'ADHOC'].includes(profileKind(type));

const MACS: DeviceClass[] = ['MAC', 'APPLE_SILICON_MAC' as DeviceClass, 'INTEL_MAC' as DeviceClass];
const DEVICE_CLASSES: Record<ProfileFamily, DeviceClass[]> = {
  IOS: ['IPHONE', 'IPAD', 'IPOD', 'APPLE_WATCH', 'APPLE_VISION_PRO'],
  TVOS: ['APPLE_TV'],
  MAC: MACS,
  MAC_CATALYST: MACS,
};

const CERTIFICATE_TYPES: Record<'IOS' | 'MAC', Record<ProfileKind, CertificateType[]>> = {
  IOS: {
    DEVELOPMENT: ['DEVELOPMENT', 'IOS_DEVELOPMENT'],
    STORE: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
    ADHOC: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
    INHOUSE: ['DISTRIBUTION', 'IOS_DISTRIBUTION'],
    DIRECT: [],
  },
  MAC: {
    DEVELOPMENT: ['DEVELOPMENT', 'MAC_APP_DEVELOPMENT'],
    STORE: ['DISTRIBUTION', 'MAC_APP_DISTRIBUTION'],
    ADHOC: [],
    INHOUSE: [],
    DIRECT: ['DEVELOPER_ID_APPLICATION', 'DEVELOPER_ID_APPLICATION_G2'],
  },
};

/** The device classes a profile of this type may list. */
export const deviceClassesFor = (type: ProfileType): DeviceClass[] => DEVICE_CLASSES[profileFamily(type)];

/** The certificate types a profile of this type may contain. */
export function certificateTypesFor(type: ProfileType): CertificateType[] {
  const family = profileFamily(type);
  return CERTIFICATE_TYPES[family === 'MAC' || family === 'MAC_CATALYST' ? 'MAC' : 'IOS'][profileKind(type)];
}

/** The App ID platform a profile of this type needs: macOS apps a MAC_OS App ID, the rest an iOS one. */
export function appIdPlatformFor(type: ProfileType): BundleIdPlatform {
  return profileFamily(type) === 'MAC' ? 'MAC_OS' : 'IOS';
}

const conflict = (code: string, detail: string): RouteResult => ({
  status: 409,
  schema: 'zErrorResponse',
  body: {
    errors: [
      {
        id: crypto.randomUUID(),
        status: '409',
        code,
        title: 'There is a problem with the request entity',
        detail,
      },
    ],
  },
});

export interface ProfileRequest {
  name: string;
  profileType: ProfileType;
  bundleId: SimBundleId;
  certificateIds: string[];
  deviceIds: string[];
}

/** Apple's answer when it refuses to create the profile; undefined when it accepts it. */
export function profileCreationProblem(state: PortalState, request: ProfileRequest): RouteResult | undefined {
  const { profileType, bundleId } = request;
  const wantedPlatform = appIdPlatformFor(profileType);
  if (bundleId.platform !== 'UNIVERSAL' && bundleId.platform !== wantedPlatform)
    return conflict(
      'ENTITY_ERROR.RELATIONSHIP.INVALID',
      `You are not allowed to create '${profileType}' profile with App ID '${bundleId.identifier}'.`,
    );
  if (holdsDevices(profileType) && request.deviceIds.length === 0)
    return conflict('ENTITY_ERROR.RELATIONSHIP.REQUIRED', "The relationship 'devices' is required.");
  if (!holdsDevices(profileType) && request.deviceIds.length > 0)
    return conflict(
      'ENTITY_ERROR.RELATIONSHIP.NOT_ALLOWED',
      `The relationship 'devices' is not allowed for ${profileType} profiles.`,
    );
  const classes = DEVICE_CLASSES[profileFamily(profileType)];
  for (const id of request.deviceIds) {
    const device = state.devices.find((d) => d.id === id);
    if (device && !classes.includes(device.deviceClass))
      return conflict('ENTITY_ERROR.RELATIONSHIP.INVALID', 'Invalid deviceClass for profile type.');
  }
  const types = certificateTypesFor(profileType);
  for (const id of request.certificateIds) {
    const certificate = state.certificates.find((c) => c.id === id);
    if (certificate && !types.includes(certificate.certificateType))
      return conflict(
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
        `Certificate '${certificate.name}' (${certificate.certificateType}) cannot be used in a ${profileType} profile.`,
      );
  }
  return undefined;
}

/** The `Platform` array Apple writes into a profile of this type. */
export function profilePlatforms(type: ProfileType): string[] {
  const family = profileFamily(type);
  if (family === 'TVOS') return ['tvOS'];
  if (family === 'IOS') return ['iOS', 'xrOS', 'visionOS'];
  return ['OSX'];
}
