import type { RouteContext } from '../routes.ts';
import type {
  AppStoreState,
  SimApp,
  SimBetaBuildLocalization,
  SimBetaGroup,
  SimBetaReviewSubmission,
  SimBuild,
  SimBuildUpload,
  SimBuildUploadFile,
} from './state.ts';
import { UPLOAD_METHOD, uploadOperationUrl } from './upload-url.ts';

/** App Store Connect's JSON:API documents for the simulated resources, shaped as Apple's schema says. */

const iso = (date: Date) => date.toISOString();
const DAY = 86_400_000;

/** The headers each upload operation must be sent with. */
export const UPLOAD_REQUEST_HEADERS = [{ name: 'Content-Type', value: 'application/octet-stream' }];

const self = (ctx: RouteContext, kind: string, id: string) => ({ self: `${ctx.base}/v1/${kind}/${id}` });

function related(ctx: RouteContext, kind: string, id: string, name: string) {
  return {
    links: {
      self: `${ctx.base}/v1/${kind}/${id}/relationships/${name}`,
      related: `${ctx.base}/v1/${kind}/${id}/${name}`,
    },
  };
}

export function renderApp(ctx: RouteContext, app: SimApp) {
  return {
    type: 'apps' as const,
    id: app.id,
    attributes: {
      name: app.name,
      bundleId: app.bundleId,
      sku: app.sku,
      primaryLocale: app.primaryLocale,
    },
    relationships: {
      betaGroups: related(ctx, 'apps', app.id, 'betaGroups'),
      buildUploads: related(ctx, 'apps', app.id, 'buildUploads'),
    },
    links: self(ctx, 'apps', app.id),
  };
}

export function renderBuild(ctx: RouteContext, build: SimBuild, appStore: AppStoreState) {
  return {
    type: 'builds' as const,
    id: build.id,
    attributes: {
      version: build.version,
      uploadedDate: iso(build.uploadedDate),
      expirationDate: iso(new Date(build.uploadedDate.getTime() + 90 * DAY)),
      expired: false,
      minOsVersion: '16.0',
      processingState: appStore.processingState(build),
      // Nullable in Apple's answers, but the generated schema has no null: left out until answered.
      ...(build.usesNonExemptEncryption === null
        ? {}
        : { usesNonExemptEncryption: build.usesNonExemptEncryption }),
    },
    relationships: {
      app: { data: { type: 'apps' as const, id: build.appId }, ...related(ctx, 'builds', build.id, 'app') },
      betaBuildLocalizations: related(ctx, 'builds', build.id, 'betaBuildLocalizations'),
    },
    links: self(ctx, 'builds', build.id),
  };
}

export function renderBuildUpload(
  ctx: RouteContext,
  upload: SimBuildUpload,
  appStore: AppStoreState,
  options: { includeBuild?: boolean } = {},
) {
  return {
    type: 'buildUploads' as const,
    id: upload.id,
    attributes: {
      cfBundleShortVersionString: upload.shortVersion,
      cfBundleVersion: upload.version,
      createdDate: iso(upload.createdDate),
      state: { state: upload.state, errors: appStore.uploadErrors(upload), warnings: [], infos: [] },
      platform: upload.platform,
      ...(upload.uploadedDate ? { uploadedDate: iso(upload.uploadedDate) } : {}),
    },
    relationships: {
      ...(options.includeBuild && upload.buildId
        ? { build: { data: { type: 'builds' as const, id: upload.buildId } } }
        : {}),
      ...(upload.fileId
        ? { assetFile: { data: { type: 'buildUploadFiles' as const, id: upload.fileId } } }
        : {}),
    },
    links: self(ctx, 'buildUploads', upload.id),
  };
}

export function renderBuildUploadFile(ctx: RouteContext, file: SimBuildUploadFile) {
  return {
    type: 'buildUploadFiles' as const,
    id: file.id,
    attributes: {
      assetDeliveryState: {
        state: file.uploaded ? 'UPLOAD_COMPLETE' : 'AWAITING_UPLOAD',
        errors: [],
        warnings: [],
      },
      assetType: file.assetType,
      fileName: file.fileName,
      fileSize: file.fileSize,
      uti: file.uti,
      ...(file.checksums ? { sourceFileChecksums: file.checksums } : {}),
      ...(file.uploaded
        ? {}
        : {
            uploadOperations: file.operations.map((op) => ({
              method: UPLOAD_METHOD,
              url: uploadOperationUrl(file, op),
              length: op.length,
              offset: op.offset,
              requestHeaders: UPLOAD_REQUEST_HEADERS,
              expiration: iso(op.expiration),
              partNumber: op.partNumber,
            })),
          }),
    },
    links: self(ctx, 'buildUploadFiles', file.id),
  };
}

export function renderBetaGroup(ctx: RouteContext, group: SimBetaGroup) {
  return {
    type: 'betaGroups' as const,
    id: group.id,
    attributes: {
      name: group.name,
      isInternalGroup: group.isInternalGroup,
      hasAccessToAllBuilds: false,
      publicLinkEnabled: false,
      feedbackEnabled: true,
    },
    links: self(ctx, 'betaGroups', group.id),
  };
}

export function renderLocalization(ctx: RouteContext, localization: SimBetaBuildLocalization) {
  return {
    type: 'betaBuildLocalizations' as const,
    id: localization.id,
    attributes: {
      locale: localization.locale,
      ...(localization.whatsNew === undefined ? {} : { whatsNew: localization.whatsNew }),
    },
    links: self(ctx, 'betaBuildLocalizations', localization.id),
  };
}

export function renderReviewSubmission(ctx: RouteContext, submission: SimBetaReviewSubmission) {
  return {
    type: 'betaAppReviewSubmissions' as const,
    id: submission.id,
    attributes: { betaReviewState: 'WAITING_FOR_REVIEW', submittedDate: iso(submission.submittedDate) },
    links: self(ctx, 'betaAppReviewSubmissions', submission.id),
  };
}
