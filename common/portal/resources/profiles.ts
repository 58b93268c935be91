import { decodeProfile as decodeProfileFile, type ProvisioningProfile } from '../../codesign/index.ts';
import { StepError } from '../../step/index.ts';
import { type PortalContext, relatedUrl, resourceUrl } from '../context.ts';
import { PortalApiError, ProfilesChangedError, UNEXPECTED_ANSWER_HINT } from '../errors.ts';
import type { BundleId, Certificate, Profile, ProfileType } from '../models.ts';
import { getOne, listAll, PAGE_LIMIT } from '../paging.ts';
import { listBundleIdProfiles } from './bundle-ids.ts';

/** The listed profile with exactly this name and type. Expired profiles are never listed by Apple. */
export async function findProfile(
  ctx: PortalContext,
  name: string,
  profileType: ProfileType,
): Promise<Profile | undefined> {
  const profiles = await listAll<Profile>(ctx.executor, ctx.logger, resourceUrl(ctx, 'profiles'), {
    'filter[name]': name,
    'filter[profileType]': profileType,
    limit: String(PAGE_LIMIT),
  });
  return profiles.find((p) => p.attributes.name === name && p.attributes.profileType === profileType);
}

export interface CreateProfileParams {
  name: string;
  profileType: ProfileType;
  bundleIdId: string;
  certificateIds: string[];
  /** Development and ad-hoc profiles only; omitted from the request when empty. */
  deviceIds?: string[];
}

const NAME_CONFLICT = /Multiple profiles found with the name/i;

/**
 * Creates a profile. When Apple refuses because a profile of that name already exists (an
 * expired one, hidden from the profile list), the same-named profiles of the App ID are deleted
 * and the creation is tried once more, as go-xcode does.
 */
export async function createProfile(ctx: PortalContext, params: CreateProfileParams): Promise<Profile> {
  try {
    return await postProfile(ctx, params);
  } catch (err) {
    if (!(err instanceof PortalApiError) || !err.errors.some((e) => NAME_CONFLICT.test(e.detail))) throw err;
    const stale = (await listBundleIdProfiles(ctx, params.bundleIdId)).filter(
      (p) => p.attributes.name === params.name,
    );
    if (stale.length === 0) throw err;
    ctx.logger.warn(
      `A profile named "${params.name}" already exists (${stale.length}): deleting it and creating it again`,
    );
    for (const profile of stale) await deleteProfile(ctx, profile.id);
    return postProfile(ctx, params);
  }
}

async function postProfile(ctx: PortalContext, params: CreateProfileParams): Promise<Profile> {
  const relationships: Record<string, unknown> = {
    bundleId: { data: { id: params.bundleIdId, type: 'bundleIds' } },
    certificates: { data: params.certificateIds.map((id) => ({ id, type: 'certificates' })) },
  };
  if (params.deviceIds?.length)
    relationships.devices = { data: params.deviceIds.map((id) => ({ id, type: 'devices' })) };
  const response = await ctx.executor.send({
    method: 'POST',
    url: resourceUrl(ctx, 'profiles'),
    idempotent: false,
    body: {
      data: {
        type: 'profiles',
        attributes: { name: params.name, profileType: params.profileType },
        relationships,
      },
    },
  });
  return (response.body as { data: Profile }).data;
}

/** Deleting a profile that is already gone is not an error. */
export async function deleteProfile(ctx: PortalContext, id: string): Promise<void> {
  try {
    await ctx.executor.send({ method: 'DELETE', url: resourceUrl(ctx, `profiles/${id}`), idempotent: true });
  } catch (err) {
    if (err instanceof PortalApiError && err.status === 404) return;
    throw err;
  }
}

export async function listProfileCertificates(ctx: PortalContext, profile: Profile): Promise<Certificate[]> {
  const url = relatedUrl(
    ctx,
    profile.relationships?.certificates?.links?.related,
    `profiles/${profile.id}/certificates`,
  );
  return listAll<Certificate>(ctx.executor, ctx.logger, url, { limit: String(PAGE_LIMIT) }).catch(
    changedOn404,
  );
}

export async function getProfileBundleId(ctx: PortalContext, profile: Profile): Promise<BundleId> {
  const url = relatedUrl(
    ctx,
    profile.relationships?.bundleId?.links?.related,
    `profiles/${profile.id}/bundleId`,
  );
  return getOne<BundleId>(ctx.executor, url).catch(changedOn404);
}

function changedOn404(err: unknown): never {
  if (err instanceof PortalApiError && err.status === 404) throw new ProfilesChangedError(err);
  throw err;
}

/** The `.mobileprovision` Apple returns as `profileContent`, decoded by the code-signing module. */
export function decodeProfile(profile: Profile): ProvisioningProfile {
  const content = profile.attributes.profileContent;
  if (!content)
    throw new StepError(`profile ${profile.id} carries no profileContent`, { hint: UNEXPECTED_ANSWER_HINT });
  return decodeProfileFile(Buffer.from(content, 'base64'));
}
