/**
 * Apple Developer Portal client (bundle IDs, capabilities, certificates, devices, profiles)
 * over two transports:
 * - `api_key`: App Store Connect API (`https://api.appstoreconnect.apple.com/v1/`, or the
 *   enterprise host) with an ES256 JWT;
 * - `apple_id`: the portal's web API (`https://developer.apple.com/services-account/v1/`) with
 *   the Apple ID session cookies of the Bitrise Apple Developer connection.
 *
 * ```ts
 * const portal = await createPortalClient({ credentials, env, logger });
 * const appId = (await portal.findBundleId('io.bitrise.app')) ?? (await portal.createBundleId({ identifier, name }));
 * const profile = await portal.createProfile({ name, profileType: 'IOS_APP_DEVELOPMENT', bundleIdId: appId.id, certificateIds, deviceIds });
 * const info = portal.decodeProfile(profile); // UUID, team, devices, entitlements…
 * ```
 *
 * Both transports: lists are paged with `limit=200` following `links.next` as given (with
 * go-xcode's sort fallback when Apple rejects its own cursor); network errors, 5xx and 429
 * (Retry-After) are retried with backoff, creates only where repeating is harmless; a 401 is
 * retried once with a new JWT; errors read `METHOD URL: status` plus `- code: title: detail`.
 *
 * App Store Connect's apps, builds, build uploads and TestFlight resources, for API keys only:
 * `createAppStoreConnectClient` (app-store-connect.ts), with the same retries and errors.
 */
export {
  type AppStoreConnectClient,
  createAppStoreConnectClient,
} from './app-store-connect.ts';
export {
  createPortalClient,
  type PortalClient,
  type PortalClientOptions,
  type PortalCredentials,
} from './client.ts';
export { mapConcurrent } from './concurrency.ts';
export { type CookieLike, cookieLike } from './cookies.ts';
export {
  DeviceRegistrationError,
  isCursorInvalid,
  PortalApiError,
  ProfilesChangedError,
} from './errors.ts';
export type {
  App,
  BetaGroup,
  Build,
  BuildUploadFile,
  BuildUploadUti,
  BundleId,
  BundleIdCapability,
  BundleIdPlatform,
  CapabilitySetting,
  CapabilityType,
  Certificate,
  CertificateType,
  Device,
  DeviceClass,
  DeviceStatus,
  Platform,
  Profile,
  ProfileType,
  StateDetail,
} from './models.ts';
export type { BuildNumber } from './resources/builds.ts';
export type { BundleIdWithRelations, CreateBundleIdParams } from './resources/bundle-ids.ts';
export type { DeviceFilter, RegisterDeviceParams } from './resources/devices.ts';
export type { CreateProfileParams } from './resources/profiles.ts';
export type { Team } from './teams.ts';
