import { randomUUID } from 'node:crypto';
import type { CapabilityType, ProfileType } from '../../../common/portal/models.ts';
import { addIncluded, parseInclude } from './include.ts';
import { type PageResult, paginate } from './paging.ts';
import { profileCreationProblem } from './provisioning-rules.ts';
import type { SchemaName } from './schemas.ts';
import type {
  PortalState,
  SimBundleId,
  SimCapability,
  SimCertificate,
  SimDevice,
  SimProfile,
} from './state.ts';

export interface RouteContext {
  state: PortalState;
  method: string;
  /** Transport-independent path, e.g. `/v1/devices`. */
  path: string;
  params: URLSearchParams;
  body: unknown;
  /** `https://api.appstoreconnect.apple.com` or `https://developer.apple.com/services-account`. */
  base: string;
  pageSizeCap: number;
  forceInvalidCursor: boolean;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  /** The generated validator the response body must satisfy. */
  schema?: SchemaName;
}

export interface Route {
  method: string;
  pattern: RegExp;
  requestSchema?: SchemaName;
  handle: (ctx: RouteContext, match: RegExpMatchArray) => RouteResult;
}

export function apiError(status: number, code: string, title: string, detail: string): RouteResult {
  return {
    status,
    body: { errors: [{ id: randomUUID(), status: String(status), code, title, detail }] },
    schema: 'zErrorResponse',
  };
}

export const notFound = (kind: string, id: string) =>
  apiError(
    404,
    'NOT_FOUND',
    'The specified resource does not exist',
    `There is no resource of type '${kind}' with id '${id}'`,
  );

export const entityError = (detail: string, code = 'ENTITY_ERROR.ATTRIBUTE.INVALID') =>
  apiError(409, code, 'The provided entity includes an attribute with an invalid value', detail);

const iso = (date: Date) => date.toISOString();

function relationship(ctx: RouteContext, kind: string, id: string, name: string) {
  return {
    links: {
      self: `${ctx.base}/v1/${kind}/${id}/relationships/${name}`,
      related: `${ctx.base}/v1/${kind}/${id}/${name}`,
    },
  };
}

function renderBundleId(ctx: RouteContext, b: SimBundleId) {
  return {
    type: 'bundleIds',
    id: b.id,
    attributes: { name: b.name, identifier: b.identifier, platform: b.platform, seedId: b.seedId },
    relationships: {
      bundleIdCapabilities: relationship(ctx, 'bundleIds', b.id, 'bundleIdCapabilities'),
      profiles: relationship(ctx, 'bundleIds', b.id, 'profiles'),
    },
    links: { self: `${ctx.base}/v1/bundleIds/${b.id}` },
  };
}

function renderCapability(ctx: RouteContext, c: SimCapability) {
  return {
    type: 'bundleIdCapabilities',
    id: c.id,
    attributes: { capabilityType: c.capabilityType, settings: c.settings ?? [] },
    links: { self: `${ctx.base}/v1/bundleIdCapabilities/${c.id}` },
  };
}

function renderCertificate(ctx: RouteContext, c: SimCertificate) {
  return {
    type: 'certificates',
    id: c.id,
    attributes: {
      name: c.name,
      certificateType: c.certificateType,
      displayName: c.displayName,
      serialNumber: c.serialNumber,
      platform: c.platform,
      expirationDate: iso(c.expirationDate),
      certificateContent: c.der.toString('base64'),
      activated: true,
    },
    links: { self: `${ctx.base}/v1/certificates/${c.id}` },
  };
}

function renderDevice(ctx: RouteContext, d: SimDevice) {
  return {
    type: 'devices',
    id: d.id,
    attributes: {
      name: d.name,
      platform: d.platform,
      udid: d.udid,
      deviceClass: d.deviceClass,
      status: d.status,
      model: d.model,
      addedDate: iso(d.addedDate),
    },
    links: { self: `${ctx.base}/v1/devices/${d.id}` },
  };
}

function renderProfile(ctx: RouteContext, p: SimProfile) {
  return {
    type: 'profiles',
    id: p.id,
    attributes: {
      name: p.name,
      platform: p.platform,
      profileType: p.profileType,
      profileState: ctx.state.isExpired(p) ? 'INVALID' : p.profileState,
      profileContent: p.content.toString('base64'),
      uuid: p.uuid,
      createdDate: iso(p.createdDate),
      expirationDate: iso(p.expirationDate),
    },
    relationships: {
      bundleId: relationship(ctx, 'profiles', p.id, 'bundleId'),
      certificates: relationship(ctx, 'profiles', p.id, 'certificates'),
      devices: relationship(ctx, 'profiles', p.id, 'devices'),
    },
    links: { self: `${ctx.base}/v1/profiles/${p.id}` },
  };
}

export function collection<T extends { id: string }>(
  ctx: RouteContext,
  items: T[],
  render: (ctx: RouteContext, item: T) => unknown,
  schema: SchemaName,
): RouteResult {
  const page: PageResult<T> = paginate(
    items,
    { collectionUrl: `${ctx.base}${ctx.path}`, params: ctx.params, pageSizeCap: ctx.pageSizeCap },
    { forceInvalidCursor: ctx.forceInvalidCursor },
  );
  if (!page.ok) return apiError(page.status, page.code, page.title, page.detail);
  return {
    status: 200,
    schema,
    body: {
      data: page.items.map((item) => render(ctx, item)),
      links: { self: page.self, ...(page.next ? { next: page.next } : {}) },
      meta: { paging: { total: page.total, limit: page.limit } },
    },
  };
}

const filter = (ctx: RouteContext, name: string) =>
  ctx.params.get(`filter[${name}]`)?.split(',').filter(Boolean);
const normalizeSerial = (s: string) => s.toLowerCase().replace(/^0+/, '');
const normalizeUdid = (s: string) => s.toLowerCase().replace(/-/g, '');
// iOS UDIDs: 40 hex digits (older devices) or 8-16 hex digits with a dash (A12 and later).
const VALID_UDID = /^([0-9a-f]{40}|[0-9a-f]{8}-[0-9a-f]{16})$/i;
// Macs: Apple silicon provisioning UDIDs look like new iOS ones, Intel Macs' are hardware UUIDs.
const VALID_MAC_UDID =
  /^([0-9a-f]{8}-[0-9a-f]{16}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

type Body<T> = { data: T };
const data = <T>(ctx: RouteContext) => (ctx.body as Body<T>).data;

const routes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/v1\/bundleIds$/,
    handle: (ctx) => {
      // The simulator models no apps, so `app` is not offered for include.
      const include = parseInclude(
        ctx.params,
        ['bundleIdCapabilities', 'profiles'],
        'zBundleIdsGetCollectionData',
      );
      if (!include.ok) return include.error;
      const identifiers = filter(ctx, 'identifier');
      const platforms = filter(ctx, 'platform');
      const items = ctx.state.bundleIds.filter(
        (b) =>
          // Apple's identifier filter behaves like SQL LIKE: a substring match.
          (!identifiers || identifiers.some((i) => b.identifier.includes(i))) &&
          (!platforms || platforms.includes(b.platform)),
      );
      const bundleId = (id: string) => ctx.state.bundleIds.find((b) => b.id === id)!;
      return addIncluded(collection(ctx, items, renderBundleId, 'zBundleIdsResponse'), include.request, {
        bundleIdCapabilities: {
          type: 'bundleIdCapabilities',
          of: (id) => bundleId(id).capabilities,
          render: (c) => renderCapability(ctx, c as SimCapability),
        },
        // Like the relationship link, the included profiles count expired ones too.
        profiles: {
          type: 'profiles',
          of: (id) => ctx.state.profiles.filter((p) => p.bundleIdId === id),
          render: (p) => renderProfile(ctx, p as SimProfile),
        },
      });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/bundleIds$/,
    requestSchema: 'zBundleIdCreateRequest',
    handle: (ctx) => {
      const { attributes } = data<{ attributes: { identifier: string; name: string; platform: 'IOS' } }>(ctx);
      if (ctx.state.bundleIds.some((b) => b.identifier === attributes.identifier)) {
        return entityError(
          `An App ID with Identifier '${attributes.identifier}' is not available. Please enter a different string.`,
        );
      }
      const bundleId = ctx.state.addBundleId(attributes);
      return {
        status: 201,
        body: {
          data: renderBundleId(ctx, bundleId),
          links: { self: `${ctx.base}/v1/bundleIds/${bundleId.id}` },
        },
        schema: 'zBundleIdResponse',
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/bundleIds\/([^/]+)$/,
    handle: (ctx, m) => {
      const bundleId = ctx.state.bundleIds.find((b) => b.id === m[1]);
      if (!bundleId) return notFound('bundleIds', m[1]!);
      return {
        status: 200,
        body: { data: renderBundleId(ctx, bundleId), links: { self: `${ctx.base}${ctx.path}` } },
        schema: 'zBundleIdResponse',
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/bundleIds\/([^/]+)\/bundleIdCapabilities$/,
    handle: (ctx, m) => {
      const bundleId = ctx.state.bundleIds.find((b) => b.id === m[1]);
      if (!bundleId) return notFound('bundleIds', m[1]!);
      return collection(
        ctx,
        bundleId.capabilities,
        renderCapability,
        'zBundleIdCapabilitiesWithoutIncludesResponse',
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/bundleIds\/([^/]+)\/profiles$/,
    handle: (ctx, m) => {
      const bundleId = ctx.state.bundleIds.find((b) => b.id === m[1]);
      if (!bundleId) return notFound('bundleIds', m[1]!);
      // Unlike the profile list, the relationship includes expired profiles.
      const items = ctx.state.profiles.filter((p) => p.bundleIdId === bundleId.id);
      return collection(ctx, items, renderProfile, 'zProfilesWithoutIncludesResponse');
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/bundleIdCapabilities$/,
    requestSchema: 'zBundleIdCapabilityCreateRequest',
    handle: (ctx) => {
      const body = data<{
        attributes: { capabilityType: CapabilityType; settings?: unknown[] };
        relationships: { bundleId: { data: { id: string } } };
      }>(ctx);
      const bundleId = ctx.state.bundleIds.find((b) => b.id === body.relationships.bundleId.data.id);
      if (!bundleId) {
        return entityError(
          `There is no bundleIds with id '${body.relationships.bundleId.data.id}'`,
          'ENTITY_ERROR.RELATIONSHIP.INVALID',
        );
      }
      let capability = bundleId.capabilities.find((c) => c.capabilityType === body.attributes.capabilityType);
      if (capability) {
        capability.settings = body.attributes.settings ?? capability.settings;
      } else {
        capability = {
          id: ctx.state.newId(),
          capabilityType: body.attributes.capabilityType,
          settings: body.attributes.settings,
        };
        bundleId.capabilities.push(capability);
      }
      return {
        status: 201,
        body: {
          data: renderCapability(ctx, capability),
          links: { self: `${ctx.base}/v1/bundleIdCapabilities/${capability.id}` },
        },
        schema: 'zBundleIdCapabilityResponse',
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/certificates$/,
    handle: (ctx) => {
      const types = filter(ctx, 'certificateType');
      const serials = filter(ctx, 'serialNumber')?.map(normalizeSerial);
      const items = ctx.state.certificates.filter(
        (c) =>
          (!types || types.includes(c.certificateType)) &&
          (!serials || serials.includes(normalizeSerial(c.serialNumber))),
      );
      return collection(ctx, items, renderCertificate, 'zCertificatesResponse');
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/devices$/,
    handle: (ctx) => {
      const platforms = filter(ctx, 'platform');
      const statuses = filter(ctx, 'status');
      const udids = filter(ctx, 'udid')?.map(normalizeUdid);
      const items = ctx.state.devices.filter(
        (d) =>
          (!platforms || platforms.includes(d.platform)) &&
          (!statuses || statuses.includes(d.status)) &&
          (!udids || udids.includes(normalizeUdid(d.udid))),
      );
      return collection(ctx, items, renderDevice, 'zDevicesResponse');
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/devices$/,
    requestSchema: 'zDeviceCreateRequest',
    handle: (ctx) => {
      const { attributes } = data<{ attributes: { name: string; platform: 'IOS' | 'MAC_OS'; udid: string } }>(
        ctx,
      );
      const valid = attributes.platform === 'MAC_OS' ? VALID_MAC_UDID : VALID_UDID;
      if (!valid.test(attributes.udid)) return entityError(`Device UDID '${attributes.udid}' is not valid.`);
      if (ctx.state.devices.some((d) => normalizeUdid(d.udid) === normalizeUdid(attributes.udid))) {
        return entityError(`A device with number '${attributes.udid}' already exists on this team.`);
      }
      const device = ctx.state.addDevice({
        udid: attributes.udid,
        name: attributes.name,
        platform: attributes.platform,
        deviceClass: attributes.platform === 'MAC_OS' ? 'MAC' : 'IPHONE',
      });
      return {
        status: 201,
        body: { data: renderDevice(ctx, device), links: { self: `${ctx.base}/v1/devices/${device.id}` } },
        schema: 'zDeviceResponse',
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/profiles$/,
    handle: (ctx) => {
      const names = ctx.params.get('filter[name]');
      const types = filter(ctx, 'profileType');
      // Apple leaves expired profiles out of this list; they still block their name.
      const items = ctx.state.profiles.filter(
        (p) =>
          !ctx.state.isExpired(p) &&
          (names === null || p.name === names) &&
          (!types || types.includes(p.profileType)),
      );
      return collection(ctx, items, renderProfile, 'zProfilesResponse');
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/profiles$/,
    requestSchema: 'zProfileCreateRequest',
    handle: (ctx) => {
      const body = data<{
        attributes: { name: string; profileType: ProfileType };
        relationships: {
          bundleId: { data: { id: string } };
          certificates: { data: Array<{ id: string }> };
          devices?: { data?: Array<{ id: string }> };
        };
      }>(ctx);
      const { name, profileType } = body.attributes;
      if (ctx.state.profiles.some((p) => p.name === name)) {
        return entityError(
          `Multiple profiles found with the name '${name}'.  Please remove the duplicate profiles and try again.`,
          'ENTITY_ERROR.ATTRIBUTE.INVALID',
        );
      }
      const bundleId = ctx.state.bundleIds.find((b) => b.id === body.relationships.bundleId.data.id);
      if (!bundleId)
        return entityError('The bundleId relationship is invalid.', 'ENTITY_ERROR.RELATIONSHIP.INVALID');
      const certificateIds = body.relationships.certificates.data.map((c) => c.id);
      if (
        !certificateIds.length ||
        certificateIds.some((id) => !ctx.state.certificates.some((c) => c.id === id))
      ) {
        return entityError('The certificates relationship is invalid.', 'ENTITY_ERROR.RELATIONSHIP.INVALID');
      }
      const deviceIds = body.relationships.devices?.data?.map((d) => d.id) ?? [];
      if (deviceIds.some((id) => !ctx.state.devices.some((d) => d.id === id))) {
        return entityError('The devices relationship is invalid.', 'ENTITY_ERROR.RELATIONSHIP.INVALID');
      }
      const refused = profileCreationProblem(ctx.state, {
        name,
        profileType,
        bundleId,
        certificateIds,
        deviceIds,
      });
      if (refused) return refused;
      const profile = ctx.state.issueProfile({ name, profileType, bundleId, certificateIds, deviceIds });
      return {
        status: 201,
        body: { data: renderProfile(ctx, profile), links: { self: `${ctx.base}/v1/profiles/${profile.id}` } },
        schema: 'zProfileResponse',
      };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/v1\/profiles\/([^/]+)$/,
    handle: (ctx, m) => {
      const index = ctx.state.profiles.findIndex((p) => p.id === m[1]);
      if (index < 0) return notFound('profiles', m[1]!);
      ctx.state.profiles.splice(index, 1);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/profiles\/([^/]+)\/certificates$/,
    handle: (ctx, m) => {
      const profile = ctx.state.profiles.find((p) => p.id === m[1]);
      if (!profile) return notFound('profiles', m[1]!);
      const items = ctx.state.certificates.filter((c) => profile.certificateIds.includes(c.id));
      return collection(ctx, items, renderCertificate, 'zCertificatesWithoutIncludesResponse');
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/profiles\/([^/]+)\/devices$/,
    handle: (ctx, m) => {
      const profile = ctx.state.profiles.find((p) => p.id === m[1]);
      if (!profile) return notFound('profiles', m[1]!);
      const items = ctx.state.devices.filter((d) => profile.deviceIds.includes(d.id));
      return collection(ctx, items, renderDevice, 'zDevicesWithoutIncludesResponse');
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/profiles\/([^/]+)\/bundleId$/,
    handle: (ctx, m) => {
      const profile = ctx.state.profiles.find((p) => p.id === m[1]);
      if (!profile) return notFound('profiles', m[1]!);
      const bundleId = ctx.state.bundleIds.find((b) => b.id === profile.bundleIdId)!;
      return {
        status: 200,
        body: { data: renderBundleId(ctx, bundleId), links: { self: `${ctx.base}${ctx.path}` } },
        schema: 'zBundleIdWithoutIncludesResponse',
      };
    },
  },
];

export function findRoute(
  method: string,
  path: string,
): { route: Route; match: RegExpMatchArray } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = path.match(route.pattern);
    if (match) return { route, match };
  }
  return undefined;
}

export function pathExists(path: string): boolean {
  return routes.some((r) => r.pattern.test(path));
}
