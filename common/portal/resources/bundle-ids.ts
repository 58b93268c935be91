import { StepError } from '../../step/index.ts';
import { type PortalContext, relatedUrl, resourceUrl } from '../context.ts';
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
