import { StepError } from '../../step/index.ts';
import { type PortalContext, relatedUrl, resourceUrl } from '../context.ts';
import { PortalApiError, ProfilesChangedError } from '../errors.ts';
import type {
  BundleId,
  BundleIdCapability,
  BundleIdPlatform,
  CapabilitySetting,
  CapabilityType,
  Profile,
} from '../models.ts';
import { listAll, PAGE_LIMIT } from '../paging.ts';

/** Apple's identifier filter matches like SQL LIKE, so the exact match happens here. */
export async function findBundleId(ctx: PortalContext, identifier: string): Promise<BundleId | undefined> {
  const candidates = await listAll<BundleId>(
    ctx.executor,
    ctx.logger,
    resourceUrl(ctx, 'bundleIds'),
    { 'filter[identifier]': identifier, limit: String(PAGE_LIMIT) },
    { sortFallback: true },
  );
  return candidates.find((b) => b.attributes.identifier === identifier);
}

export interface CreateBundleIdParams {
  identifier: string;
  name: string;
  /** IOS covers tvOS and watchOS App IDs too. */
  platform?: BundleIdPlatform;
}

export async function createBundleId(ctx: PortalContext, params: CreateBundleIdParams): Promise<BundleId> {
  const response = await ctx.executor
    .send({
      method: 'POST',
      url: resourceUrl(ctx, 'bundleIds'),
      idempotent: false,
      body: {
        data: {
          type: 'bundleIds',
          attributes: {
            identifier: params.identifier,
            name: params.name,
            platform: params.platform ?? 'IOS',
          },
        },
      },
    })
    .catch((err: unknown) => {
      throw new StepError(`failed to register AppID for bundleID (${params.identifier})`, { cause: err });
    });
  return (response.body as { data: BundleId }).data;
}

export async function listBundleIdCapabilities(
  ctx: PortalContext,
  bundleId: BundleId,
): Promise<BundleIdCapability[]> {
  const url = relatedUrl(
    ctx,
    bundleId.relationships?.bundleIdCapabilities?.links?.related,
    `bundleIds/${bundleId.id}/bundleIdCapabilities`,
  );
  return listAll<BundleIdCapability>(ctx.executor, ctx.logger, url, { limit: String(PAGE_LIMIT) });
}

export async function enableCapability(
  ctx: PortalContext,
  bundleIdId: string,
  capabilityType: CapabilityType,
  settings?: CapabilitySetting[],
): Promise<BundleIdCapability> {
  const response = await ctx.executor.send({
    method: 'POST',
    url: resourceUrl(ctx, 'bundleIdCapabilities'),
    // Enabling a capability twice leaves it enabled, so repeating after a lost answer is harmless.
    idempotent: true,
    body: {
      data: {
        type: 'bundleIdCapabilities',
        attributes: { capabilityType, ...(settings ? { settings } : {}) },
        relationships: { bundleId: { data: { id: bundleIdId, type: 'bundleIds' } } },
      },
    },
  });
  return (response.body as { data: BundleIdCapability }).data;
}

/** Every profile of the App ID, including expired ones that the profile list hides. */
export async function listBundleIdProfiles(
  ctx: PortalContext,
  bundleId: BundleId | string,
): Promise<Profile[]> {
  const id = typeof bundleId === 'string' ? bundleId : bundleId.id;
  const related = typeof bundleId === 'string' ? undefined : bundleId.relationships?.profiles?.links?.related;
  const url = relatedUrl(ctx, related, `bundleIds/${id}/profiles`);
  return listAll<Profile>(ctx.executor, ctx.logger, url, { limit: String(PAGE_LIMIT) });
}

/** An App ID with its capabilities and every profile made for it (expired ones included). */
export interface BundleIdWithRelations {
  bundleId: BundleId;
  capabilities: BundleIdCapability[];
  profiles: Profile[];
}

/** Apple's most related resources per resource of an `include=` (`limit[profiles]`, `limit[bundleIdCapabilities]`). */
const INCLUDED_LIMIT = 50;
/** Identifiers per `filter[identifier]`, so that a request line stays well under URL limits. */
const IDENTIFIERS_PER_REQUEST = 40;

/**
 * The App IDs with exactly these identifiers, each with its capabilities and profiles, in as few
 * requests as Apple allows: one list per 40 identifiers with both relationships included (200
 * App IDs a page, 50 related resources each). Only an App ID with more related resources than
 * that costs a read of the rest through its relationship link.
 */
export async function listBundleIdsWithRelations(
  ctx: PortalContext,
  identifiers: readonly string[],
): Promise<BundleIdWithRelations[]> {
  const wanted = [...new Set(identifiers)];
  const chunks: string[][] = [];
  for (let i = 0; i < wanted.length; i += IDENTIFIERS_PER_REQUEST)
    chunks.push(wanted.slice(i, i + IDENTIFIERS_PER_REQUEST));
  const lists = await Promise.all(
    chunks.map(async (chunk) => {
      const included: unknown[] = [];
      const bundleIds = await listAll<BundleId>(
        ctx.executor,
        ctx.logger,
        resourceUrl(ctx, 'bundleIds'),
        {
          'filter[identifier]': chunk.join(','),
          include: 'bundleIdCapabilities,profiles',
          limit: String(PAGE_LIMIT),
          'limit[bundleIdCapabilities]': String(INCLUDED_LIMIT),
          'limit[profiles]': String(INCLUDED_LIMIT),
        },
        { included },
      );
      return { bundleIds, included };
    }),
  );
  const byKey = new Map<string, unknown>();
  for (const { included } of lists)
    for (const resource of included as Array<{ type?: string; id?: string }>)
      byKey.set(`${resource.type}/${resource.id}`, resource);
  // Apple's identifier filter is a LIKE match: keep the exact ones, each once.
  const exact = new Map<string, BundleId>();
  for (const { bundleIds } of lists)
    for (const b of bundleIds) if (wanted.includes(b.attributes.identifier ?? '')) exact.set(b.id, b);
  return Promise.all(
    [...exact.values()].map(async (bundleId) => ({
      bundleId,
      capabilities: await related<BundleIdCapability>(
        byKey,
        bundleId.relationships?.bundleIdCapabilities,
        'bundleIdCapabilities',
        () => listBundleIdCapabilities(ctx, bundleId),
      ),
      profiles: await related<Profile>(byKey, bundleId.relationships?.profiles, 'profiles', () =>
        listBundleIdProfiles(ctx, bundleId),
      ),
    })),
  );
}

/** The included resources a relationship names, or all of them through its link when Apple cut the list. */
async function related<T>(
  byKey: Map<string, unknown>,
  relationship: { data?: Array<{ id: string }>; meta?: { paging?: { total?: number } } } | undefined,
  type: string,
  readAll: () => Promise<T[]>,
): Promise<T[]> {
  const data = relationship?.data;
  const total = relationship?.meta?.paging?.total;
  const found = (data ?? []).map((ref) => byKey.get(`${type}/${ref.id}`));
  const complete =
    data !== undefined && found.every(Boolean) && (total === undefined || total <= found.length);
  if (complete) return found as T[];
  // The App ID was listed a moment ago: a 404 now means another client changed it meanwhile.
  return readAll().catch((err: unknown) => {
    if (err instanceof PortalApiError && err.status === 404) throw new ProfilesChangedError(err);
    throw err;
  });
}
