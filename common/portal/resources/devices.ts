import { type PortalContext, resourceUrl } from '../context.ts';
import { DeviceRegistrationError, PortalApiError } from '../errors.ts';
import type { BundleIdPlatform, Device, DeviceStatus } from '../models.ts';
import { listAll, PAGE_LIMIT } from '../paging.ts';

export interface DeviceFilter {
  platform?: BundleIdPlatform;
  status?: DeviceStatus;
  udid?: string;
}

export async function listDevices(ctx: PortalContext, filter: DeviceFilter = {}): Promise<Device[]> {
  const query: Record<string, string> = { limit: String(PAGE_LIMIT) };
  if (filter.platform) query['filter[platform]'] = filter.platform;
  if (filter.status) query['filter[status]'] = filter.status;
  if (filter.udid) query['filter[udid]'] = filter.udid;
  return listAll<Device>(ctx.executor, ctx.logger, resourceUrl(ctx, 'devices'), query, {
    sortFallback: true,
  });
}

export interface RegisterDeviceParams {
  udid: string;
  name?: string;
  platform?: BundleIdPlatform;
}

/** 409 (invalid UDID, a Mac, already registered) becomes a DeviceRegistrationError the caller may warn about. */
export async function registerDevice(ctx: PortalContext, params: RegisterDeviceParams): Promise<Device> {
  try {
    const response = await ctx.executor.send({
      method: 'POST',
      url: resourceUrl(ctx, 'devices'),
      idempotent: false,
      body: {
        data: {
          type: 'devices',
          attributes: {
            name: params.name ?? 'Bitrise test device',
            platform: params.platform ?? 'IOS',
            udid: params.udid,
          },
        },
      },
    });
    return (response.body as { data: Device }).data;
  } catch (err) {
    if (err instanceof PortalApiError && err.status === 409)
      throw new DeviceRegistrationError(params.udid, err);
    throw err;
  }
}
