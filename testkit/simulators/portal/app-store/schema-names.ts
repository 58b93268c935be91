/**
 * The generated validators (appstore-connect-sdk) the App Store Connect routes check requests and
 * answers with: apps, builds, build uploads and their files, and the TestFlight resources.
 */
export const APP_STORE_SCHEMA_NAMES = [
  'zAppsResponse',
  'zAppResponse',
  'zBuildsResponse',
  'zBuildResponse',
  'zBuildUpdateRequest',
  'zBuildUploadCreateRequest',
  'zBuildUploadResponse',
  'zBuildUploadsResponse',
  'zBuildUploadFileCreateRequest',
  'zBuildUploadFileUpdateRequest',
  'zBuildUploadFileResponse',
  'zBetaGroupsWithoutIncludesResponse',
  'zBuildBetaGroupsLinkagesRequest',
  'zBetaBuildLocalizationsWithoutIncludesResponse',
  'zBetaBuildLocalizationCreateRequest',
  'zBetaBuildLocalizationUpdateRequest',
  'zBetaBuildLocalizationResponse',
  'zBetaAppReviewSubmissionCreateRequest',
  'zBetaAppReviewSubmissionResponse',
] as const;
