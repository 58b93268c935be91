/**
 * Carries out a signing plan through the writer (which, in a dry run, only records): registers
 * the devices, creates the App IDs and enables their capabilities, then deletes and creates the
 * profiles. App IDs are worked on concurrently, each followed by its own profiles.
 */
import {
  type BundleId,
  type Device,
  DeviceRegistrationError,
  mapConcurrent,
} from '../../../../common/portal/index.ts';
import type { Logger } from '../../../../common/step/index.ts';
import type { PortalWriter } from '../writer.ts';
import type { DeviceRegistration } from './devices.ts';
import { appIdName } from './names.ts';
import type { AppIdPlan, ProfileJob, SigningPlan } from './plan.ts';
import { type EnsuredProfile, ensureProfile } from './profiles.ts';

/**
 * How many App IDs are worked on at once: a 20-target app in one wave, so the latency of its
 * three dependent requests (App ID, capability, profile) is paid once; Apple's limit is per hour.
 */
const APP_ID_CONCURRENCY = 20;

export interface AppliedPlan {
  profiles: Map<ProfileJob, EnsuredProfile>;
  /** The devices registered in this run (in a dry run: those that would be). */
  registered: Device[];
}

export async function applyPlan(
  plan: SigningPlan,
  registrations: readonly DeviceRegistration[],
  writer: PortalWriter,
  logger: Logger,
): Promise<AppliedPlan> {
  // Devices first: the profiles list them. A device Apple refuses is a warning, as upstream.
  const registered = new Map<string, Device>();
  const refused = new Set<string>();
  for (const r of registrations) {
    try {
      registered.set(r.udid, await writer.registerDevice(r.udid, r.name, r.platform));
    } catch (err) {
      if (!(err instanceof DeviceRegistrationError)) throw err;
      refused.add(r.udid);
      logger.warn(
        `Failed to register device ${r.udid} (${r.name}): can be caused by invalid UDID or trying to register a Mac device`,
      );
    }
  }
  const deviceIds = (job: ProfileJob) =>
    job.devices.flatMap((d) => {
      const udid = d.attributes.udid ?? '';
      if (refused.has(udid)) return [];
      return [registered.get(udid)?.id ?? d.id];
    });

  const profiles = new Map<ProfileJob, EnsuredProfile>();
  await settleConcurrent([...plan.appIds.values()], APP_ID_CONCURRENCY, async (appId) => {
    const bundleId = await ensureAppId(appId, writer);
    const jobs = plan.jobs.filter((j) => j.bundleId === appId.identifier);
    await settleConcurrent(jobs, jobs.length, async (job) => {
      profiles.set(job, await ensureProfile(job, bundleId, deviceIds(job), writer));
    });
  });
  return { profiles, registered: [...registered.values()] };
}

async function ensureAppId(appId: AppIdPlan, writer: PortalWriter): Promise<BundleId> {
  const bundleId =
    appId.existing?.bundleId ??
    (await writer.createBundleId(appId.identifier, appIdName(appId.identifier), appId.platform));
  await settleConcurrent(appId.missing, 4, (capability) =>
    writer.enableCapability(bundleId, capability.type, capability.settings),
  );
  return bundleId;
}

/**
 * mapConcurrent that, after a failure, starts nothing new but lets the calls in flight finish
 * before it throws: they would otherwise go on logging after the Step's failure line.
 */
async function settleConcurrent<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<unknown>,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  await mapConcurrent(items, Math.max(1, limit), async (item) => {
    if (failure) return;
    try {
      await fn(item);
    } catch (error) {
      failure ??= { error };
    }
  });
  if (failure) throw failure.error;
}
