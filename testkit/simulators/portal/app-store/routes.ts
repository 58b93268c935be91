import { randomUUID } from 'node:crypto';
import {
  apiError,
  collection,
  entityError,
  notFound,
  type Route,
  type RouteContext,
  type RouteResult,
} from '../routes.ts';
import {
  renderApp,
  renderBetaGroup,
  renderBuild,
  renderBuildUpload,
  renderBuildUploadFile,
  renderLocalization,
  renderReviewSubmission,
} from './render.ts';
import type { AppStoreState, SimPlatform } from './state.ts';

/**
 * App Store Connect's build upload and TestFlight endpoints, as Apple documents them (see
 * /work/shared/reference/app-store-connect-upload.md): apps, builds, build uploads and their files,
 * beta groups, What to Test localizations and beta review submissions. Requests and answers are
 * checked against the generated schema by the server, like every other route.
 */

type Body<T> = { data: T };
const data = <T>(ctx: RouteContext) => (ctx.body as Body<T>).data;
const filter = (ctx: RouteContext, name: string) =>
  ctx.params.get(`filter[${name}]`)?.split(',').filter(Boolean);
const matches = (values: string[] | undefined, value: string) => !values || values.includes(value);

/** Every route first moves time-driven states along (uploads finishing, builds processed). */
function appStore(ctx: RouteContext): AppStoreState {
  const state = ctx.state.appStore;
  state.advance();
  return state;
}

const one = (
  ctx: RouteContext,
  status: number,
  body: unknown,
  schema: RouteResult['schema'],
): RouteResult => ({
  status,
  body: { data: body, links: { self: `${ctx.base}${ctx.path}` } },
  schema,
});

export const appStoreRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/v1\/apps$/,
    handle: (ctx) => {
      const bundleIds = filter(ctx, 'bundleId');
      // Like the portal's identifier filters, Apple's bundleId filter matches substrings.
      const items = appStore(ctx).apps.filter(
        (a) => !bundleIds || bundleIds.some((b) => a.bundleId.includes(b)),
      );
      return collection(ctx, items, renderApp, 'zAppsResponse');
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/apps\/([^/]+)$/,
    handle: (ctx, m) => {
      const app = appStore(ctx).apps.find((a) => a.id === m[1]);
      if (!app) return notFound('apps', m[1]!);
      return one(ctx, 200, renderApp(ctx, app), 'zAppResponse');
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/apps\/([^/]+)\/betaGroups$/,
    handle: (ctx, m) => {
      const state = appStore(ctx);
      if (!state.apps.some((a) => a.id === m[1])) return notFound('apps', m[1]!);
      const items = state.betaGroups.filter((g) => g.appId === m[1]);
      return collection(ctx, items, renderBetaGroup, 'zBetaGroupsWithoutIncludesResponse');
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/apps\/([^/]+)\/buildUploads$/,
    handle: (ctx, m) => {
      const state = appStore(ctx);
      if (!state.apps.some((a) => a.id === m[1])) return notFound('apps', m[1]!);
      const [versions, shortVersions, platforms, states] = [
        'cfBundleVersion',
        'cfBundleShortVersionString',
        'platform',
        'state',
      ].map((name) => filter(ctx, name));
      const items = state.uploads.filter(
        (u) =>
          u.appId === m[1] &&
          matches(versions, u.version) &&
          matches(shortVersions, u.shortVersion) &&
          matches(platforms, u.platform) &&
          matches(states, u.state),
      );
      return collection(ctx, items, (c, u) => renderBuildUpload(c, u, state), 'zBuildUploadsResponse');
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/builds$/,
    handle: (ctx) => {
      const state = appStore(ctx);
      const [apps, versions, shortVersions, platforms, processing] = [
        'app',
        'version',
        'preReleaseVersion.version',
        'preReleaseVersion.platform',
        'processingState',
      ].map((name) => filter(ctx, name));
      const items = state.builds.filter(
        (b) =>
          matches(apps, b.appId) &&
          matches(versions, b.version) &&
          matches(shortVersions, b.shortVersion) &&
          matches(platforms, b.platform) &&
          matches(processing, state.processingState(b)),
      );
      return collection(ctx, items, (c, b) => renderBuild(c, b, state), 'zBuildsResponse');
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/builds\/([^/]+)$/,
    handle: (ctx, m) => {
      const state = appStore(ctx);
      const build = state.builds.find((b) => b.id === m[1]);
      if (!build) return notFound('builds', m[1]!);
      return one(ctx, 200, renderBuild(ctx, build, state), 'zBuildResponse');
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/v1\/builds\/([^/]+)$/,
    requestSchema: 'zBuildUpdateRequest',
    handle: (ctx, m) => {
      const state = appStore(ctx);
      const body = data<{ id: string; attributes?: { usesNonExemptEncryption?: boolean | null } }>(ctx);
      const build = state.builds.find((b) => b.id === m[1]);
      if (!build) return notFound('builds', m[1]!);
      if (body.id !== build.id) return idMismatch(body.id, build.id);
      const answer = body.attributes?.usesNonExemptEncryption;
      if (answer !== undefined) build.usesNonExemptEncryption = answer;
      return one(ctx, 200, renderBuild(ctx, build, state), 'zBuildResponse');
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/builds\/([^/]+)\/relationships\/betaGroups$/,
    requestSchema: 'zBuildBetaGroupsLinkagesRequest',
    handle: (ctx, m) => {
      const state = appStore(ctx);
      const build = state.builds.find((b) => b.id === m[1]);
      if (!build) return notFound('builds', m[1]!);
      const groups = data<Array<{ id: string }>>(ctx).map((link) =>
        state.betaGroups.find((g) => g.id === link.id && g.appId === build.appId),
      );
      if (groups.some((g) => !g))
        return entityError('A beta group does not exist for this app.', 'ENTITY_ERROR.RELATIONSHIP.INVALID');
      for (const group of groups) if (!group!.buildIds.includes(build.id)) group!.buildIds.push(build.id);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/builds\/([^/]+)\/betaBuildLocalizations$/,
    handle: (ctx, m) => {
      const state = appStore(ctx);
      if (!state.builds.some((b) => b.id === m[1])) return notFound('builds', m[1]!);
      const items = state.localizations.filter((l) => l.buildId === m[1]);
      return collection(ctx, items, renderLocalization, 'zBetaBuildLocalizationsWithoutIncludesResponse');
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/betaBuildLocalizations$/,
    requestSchema: 'zBetaBuildLocalizationCreateRequest',
    handle: (ctx) => {
      const state = appStore(ctx);
      const body = data<{
        attributes: { locale: string; whatsNew?: string | null };
        relationships: { build: { data: { id: string } } };
      }>(ctx);
      const buildId = body.relationships.build.data.id;
      if (!state.builds.some((b) => b.id === buildId))
        return entityError('The build relationship is invalid.', 'ENTITY_ERROR.RELATIONSHIP.INVALID');
      if (state.localizations.some((l) => l.buildId === buildId && l.locale === body.attributes.locale))
        return apiError(
          409,
          'ENTITY_ERROR.DUPLICATE',
          'The provided entity is a duplicate',
          `The build already has a localization for ${body.attributes.locale}.`,
        );
      const localization = {
        id: randomUUID(),
        buildId,
        locale: body.attributes.locale,
        whatsNew: body.attributes.whatsNew ?? undefined,
      };
      state.localizations.push(localization);
      return one(ctx, 201, renderLocalization(ctx, localization), 'zBetaBuildLocalizationResponse');
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/v1\/betaBuildLocalizations\/([^/]+)$/,
    requestSchema: 'zBetaBuildLocalizationUpdateRequest',
    handle: (ctx, m) => {
      const state = appStore(ctx);
      const body = data<{ id: string; attributes?: { whatsNew?: string | null } }>(ctx);
      const localization = state.localizations.find((l) => l.id === m[1]);
      if (!localization) return notFound('betaBuildLocalizations', m[1]!);
      if (body.id !== localization.id) return idMismatch(body.id, localization.id);
      if (body.attributes?.whatsNew !== undefined)
        localization.whatsNew = body.attributes.whatsNew ?? undefined;
      return one(ctx, 200, renderLocalization(ctx, localization), 'zBetaBuildLocalizationResponse');
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/betaAppReviewSubmissions$/,
    requestSchema: 'zBetaAppReviewSubmissionCreateRequest',
    handle: (ctx) => {
      const state = appStore(ctx);
      const buildId = data<{ relationships: { build: { data: { id: string } } } }>(ctx).relationships.build
        .data.id;
      const build = state.builds.find((b) => b.id === buildId);
      if (!build)
        return entityError('The build relationship is invalid.', 'ENTITY_ERROR.RELATIONSHIP.INVALID');
      if (state.processingState(build) !== 'VALID')
        return stateError(`Build ${build.version} is ${state.processingState(build)}, not processed.`);
      if (build.usesNonExemptEncryption === null)
        return stateError(`Build ${build.version} is missing export compliance.`);
      if (state.reviewSubmissions.some((s) => s.buildId === build.id))
        return stateError(`Build ${build.version} was already submitted for beta review.`);
      const submission = { id: randomUUID(), buildId, submittedDate: new Date() };
      state.reviewSubmissions.push(submission);
      return one(ctx, 201, renderReviewSubmission(ctx, submission), 'zBetaAppReviewSubmissionResponse');
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/buildUploads$/,
    requestSchema: 'zBuildUploadCreateRequest',
    handle: (ctx) => {
      const state = appStore(ctx);
      const body = data<{
        attributes: { cfBundleShortVersionString: string; cfBundleVersion: string; platform: SimPlatform };
        relationships: { app: { data: { id: string } } };
      }>(ctx);
      const appId = body.relationships.app.data.id;
      if (!state.apps.some((a) => a.id === appId))
        return entityError('The app relationship is invalid.', 'ENTITY_ERROR.RELATIONSHIP.INVALID');
      const upload = state.createUpload({
        appId,
        shortVersion: body.attributes.cfBundleShortVersionString,
        version: body.attributes.cfBundleVersion,
        platform: body.attributes.platform,
      });
      return one(ctx, 201, renderBuildUpload(ctx, upload, state), 'zBuildUploadResponse');
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/buildUploads\/([^/]+)$/,
    handle: (ctx, m) => {
      const state = appStore(ctx);
      const upload = state.uploads.find((u) => u.id === m[1]);
      if (!upload) return notFound('buildUploads', m[1]!);
      const includeBuild = (ctx.params.get('include') ?? '').split(',').includes('build');
      const build = includeBuild ? state.builds.find((b) => b.id === upload.buildId) : undefined;
      return {
        status: 200,
        schema: 'zBuildUploadResponse',
        body: {
          data: renderBuildUpload(ctx, upload, state, { includeBuild }),
          ...(build ? { included: [renderBuild(ctx, build, state)] } : {}),
          links: { self: `${ctx.base}${ctx.path}` },
        },
      };
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/buildUploadFiles$/,
    requestSchema: 'zBuildUploadFileCreateRequest',
    handle: (ctx) => {
      const state = appStore(ctx);
      const body = data<{
        attributes: { assetType: string; fileName: string; fileSize: number; uti: string };
        relationships: { buildUpload: { data: { id: string } } };
      }>(ctx);
      const upload = state.uploads.find((u) => u.id === body.relationships.buildUpload.data.id);
      if (!upload)
        return entityError('The buildUpload relationship is invalid.', 'ENTITY_ERROR.RELATIONSHIP.INVALID');
      if (upload.state !== 'AWAITING_UPLOAD' || upload.fileId)
        return stateError('The build upload already has its file.');
      const { fileSize } = body.attributes;
      if (!Number.isInteger(fileSize) || fileSize <= 0)
        return entityError(`fileSize ${fileSize} is not a positive whole number.`);
      const file = state.reserveFile({ upload, ...body.attributes });
      return one(ctx, 201, renderBuildUploadFile(ctx, file), 'zBuildUploadFileResponse');
    },
  },
  {
    method: 'PATCH',
    pattern: /^\/v1\/buildUploadFiles\/([^/]+)$/,
    requestSchema: 'zBuildUploadFileUpdateRequest',
    handle: (ctx, m) => {
      const state = appStore(ctx);
      const body = data<{
        id: string;
        attributes?: {
          uploaded?: boolean | null;
          sourceFileChecksums?: { file?: { hash?: string; algorithm?: string } };
        };
      }>(ctx);
      const file = state.files.find((f) => f.id === m[1]);
      if (!file) return notFound('buildUploadFiles', m[1]!);
      if (body.id !== file.id) return idMismatch(body.id, file.id);
      if (body.attributes?.uploaded === true && !file.uploaded) {
        const received = state.receivedBytes(file);
        if (received !== file.fileSize)
          return stateError(
            `The file is incomplete: ${received} of ${file.fileSize} bytes were uploaded (${file.receivedParts.size} of ${file.operations.length} parts).`,
          );
        state.commit(file, body.attributes.sourceFileChecksums);
      }
      return one(ctx, 200, renderBuildUploadFile(ctx, file), 'zBuildUploadFileResponse');
    },
  },
];

function idMismatch(sent: string, path: string): RouteResult {
  return apiError(
    409,
    'ENTITY_ERROR.ID.INVALID',
    'The provided entity id is invalid',
    `The resource id '${sent}' does not match the URL's '${path}'.`,
  );
}

function stateError(detail: string): RouteResult {
  return apiError(409, 'ENTITY_ERROR.STATE.INVALID', 'The resource is not in a valid state', detail);
}

export function findAppStoreRoute(
  method: string,
  path: string,
): { route: Route; match: RegExpMatchArray } | undefined {
  for (const route of appStoreRoutes) {
    if (route.method !== method) continue;
    const match = path.match(route.pattern);
    if (match) return { route, match };
  }
  return undefined;
}

export function appStorePathExists(path: string): boolean {
  return appStoreRoutes.some((r) => r.pattern.test(path));
}
