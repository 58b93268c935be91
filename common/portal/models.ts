/**
 * The Developer Portal's JSON:API models, typed from Apple's App Store Connect OpenAPI spec
 * (as generated into appstore-connect-sdk). Type-only imports: nothing of the package reaches
 * a bundle.
 */
import type {
  BundleId as AppleBundleId,
  BundleIdCapability as AppleBundleIdCapability,
  Certificate as AppleCertificate,
  Device as AppleDevice,
  Profile as AppleProfile,
  BundleIdPlatform,
  CapabilitySetting,
  CapabilityType,
  CertificateType,
  ErrorResponse,
  PagedDocumentLinks,
  PagingInformation,
} from 'appstore-connect-sdk/openapi';

export type { BundleIdPlatform, CapabilitySetting, CapabilityType, CertificateType, ErrorResponse };

/** Apple marks every attribute optional; the portal always sends them, so the client requires the block. */
type WithAttributes<T extends { attributes?: object }> = Omit<T, 'attributes'> & {
  attributes: NonNullable<T['attributes']>;
};

export type BundleId = WithAttributes<AppleBundleId>;
export type BundleIdCapability = WithAttributes<AppleBundleIdCapability>;
export type Certificate = WithAttributes<AppleCertificate>;
export type Device = WithAttributes<AppleDevice>;
export type Profile = WithAttributes<AppleProfile>;

export type ProfileType = NonNullable<AppleProfile['attributes']>['profileType'] & string;
export type DeviceStatus = NonNullable<AppleDevice['attributes']>['status'] & string;
export type DeviceClass = NonNullable<AppleDevice['attributes']>['deviceClass'] & string;

/** One page of a JSON:API collection. */
export interface CollectionPage<T> {
  data: T[];
  links: PagedDocumentLinks;
  meta?: PagingInformation;
}
