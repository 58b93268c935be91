import type { ProfileType } from '../../../../common/portal/index.ts';
import type { DistributionType } from '../config.ts';

/** The platforms this Step provisions. */
export type Platform = 'iOS' | 'tvOS';

/** Development profiles need a development certificate; every other type a distribution one. */
export type CertificateKind = 'development' | 'distribution';

export const certificateKind = (type: DistributionType): CertificateKind =>
  type === 'development' ? 'development' : 'distribution';

/** Development and ad-hoc profiles list devices; App Store and enterprise profiles do not. */
export const listsDevices = (type: DistributionType): boolean => type === 'development' || type === 'ad-hoc';

/** The App Store Connect API's profile type for each platform and distribution type. */
export const PROFILE_TYPES: Record<Platform, Record<DistributionType, ProfileType>> = {
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
