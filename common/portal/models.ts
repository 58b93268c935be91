/**
 * The Developer Portal's JSON:API models, typed from Apple's App Store Connect OpenAPI spec
 * (as generated into appstore-connect-sdk). Type-only imports: nothing of the package reaches
 * a bundle.
 */
import type {
  App as AppleApp,
  BetaAppReviewSubmission as AppleBetaAppReviewSubmission,
  BetaBuildLocalization as AppleBetaBuildLocalization,
  BetaGroup as AppleBetaGroup,
  Build as AppleBuild,
  BuildUpload as AppleBuildUpload,
  BuildUploadFile as AppleBuildUploadFile,
  BundleId as AppleBundleId,
  BundleIdCapability as AppleBundleIdCapability,
  Certificate as AppleCertificate,
  Device as AppleDevice,
  Profile as AppleProfile,
  BundleIdPlatform,
  CapabilitySetting,
  CapabilityType,
  CertificateType,
  Checksums,
  ErrorResponse,
  PagedDocumentLinks,
  PagingInformation,
  Platform,
  StateDetail,
} from 'appstore-connect-sdk/openapi';

export type {
  BundleIdPlatform,
  CapabilitySetting,
  CapabilityType,
  CertificateType,
  Checksums,
  ErrorResponse,
  Platform,
  StateDetail,
};

/** Apple marks every attribute optional; the portal always sends them, so the client requires the block. */
type WithAttributes<T extends { attributes?: object }> = Omit<T, 'attributes'> & {
  attributes: NonNullable<T['attributes']>;
};

export type BundleId = WithAttributes<AppleBundleId>;
export type BundleIdCapability = WithAttributes<AppleBundleIdCapability>;
export type Certificate = WithAttributes<AppleCertificate>;
export type Device = WithAttributes<AppleDevice>;
export type Profile = WithAttributes<AppleProfile>;

// App Store Connect: builds, their uploads and TestFlight.
export type App = WithAttributes<AppleApp>;
export type Build = WithAttributes<AppleBuild>;
export type BuildUpload = WithAttributes<AppleBuildUpload>;
export type BuildUploadFile = WithAttributes<AppleBuildUploadFile>;
export type BetaGroup = WithAttributes<AppleBetaGroup>;
export type BetaBuildLocalization = WithAttributes<AppleBetaBuildLocalization>;
export type BetaAppReviewSubmission = AppleBetaAppReviewSubmission;
/** The file types a build upload takes. */
export type BuildUploadUti = NonNullable<AppleBuildUploadFile['attributes']>['uti'] & string;

export type ProfileType = NonNullable<AppleProfile['attributes']>['profileType'] & string;
export type DeviceStatus = NonNullable<AppleDevice['attributes']>['status'] & string;
export type DeviceClass = NonNullable<AppleDevice['attributes']>['deviceClass'] & string;

/** One page of a JSON:API collection. */
export interface CollectionPage<T> {
  data: T[];
  links: PagedDocumentLinks;
  meta?: PagingInformation;
  /** Related resources asked for with `include=`. */
  included?: unknown[];
}
