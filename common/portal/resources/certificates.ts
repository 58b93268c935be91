import { normalizeSerial } from '../../codesign/certificates/serial.ts';
import { StepError } from '../../step/index.ts';
import { type PortalContext, resourceUrl } from '../context.ts';
import type { Certificate, CertificateType } from '../models.ts';
import { listAll, PAGE_LIMIT } from '../paging.ts';

/**
 * The portal certificate with this serial (hex string, or a bigint from a parsed certificate),
 * or undefined. More than one is an error, as go-xcode treats it.
 */
export async function findCertificateBySerial(
  ctx: PortalContext,
  serial: string | bigint,
): Promise<Certificate | undefined> {
  const wanted = normalizeSerial(serial);
  const found = await listAll<Certificate>(ctx.executor, ctx.logger, resourceUrl(ctx, 'certificates'), {
    // Sent in lower case, as go-xcode sends it (`big.Int.Text(16)`).
    'filter[serialNumber]': wanted.toLowerCase(),
    limit: String(PAGE_LIMIT),
  });
  const matches = found.filter(
    (c) => c.attributes.serialNumber && normalizeSerial(c.attributes.serialNumber) === wanted,
  );
  if (matches.length > 1) throw new StepError(`multiple certificates found with serial ${wanted}`);
  return matches[0];
}

export async function listCertificates(ctx: PortalContext, types: CertificateType[]): Promise<Certificate[]> {
  const query: Record<string, string> = { limit: String(PAGE_LIMIT) };
  if (types.length) query['filter[certificateType]'] = types.join(',');
  return listAll<Certificate>(ctx.executor, ctx.logger, resourceUrl(ctx, 'certificates'), query, {
    sortFallback: true,
  });
}
