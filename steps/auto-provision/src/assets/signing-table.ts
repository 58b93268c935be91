/**
 * The table printed before anything changes (and in dry runs): target → bundle ID → platform →
 * profile type → profile (name, UUID, expiry) → certificate. The Step's result carries the same
 * rows, filled in after the changes, for the report page.
 */
import type { ProfileType } from '../../../../common/portal/index.ts';
import type { Logger } from '../../../../common/step/index.ts';
import type { DistributionType } from '../config.ts';
import { platformLabel } from '../platforms.ts';
import type { AppliedPlan } from './apply.ts';
import type { SigningPlan } from './plan.ts';
import { decodePortalProfile } from './portal-profile.ts';

export interface SigningRow {
  target: string;
  /** app, app-extension, watch-app…, or UITest. */
  kind: string;
  bundleId: string;
  /** iOS, iPadOS, watchOS, tvOS, visionOS, macOS or Mac Catalyst. */
  platform: string;
  distribution: DistributionType;
  profileType?: ProfileType;
  profile?: {
    name: string;
    /** Before the changes: reuse, create or replace; after them: reused, created or planned (dry run). */
    state: 'reuse' | 'create' | 'replace' | 'reused' | 'created' | 'planned';
    uuid?: string;
    expires?: Date;
    /** Why the portal's profile is replaced. */
    reasons?: string[];
  };
  certificate?: { commonName: string; serial: string; expires: Date };
  /** Why this target platform is not signed for this distribution type. */
  skipped?: string;
}

export function signingRows(plan: SigningPlan, applied?: AppliedPlan): SigningRow[] {
  const rows: SigningRow[] = [];
  for (const job of plan.jobs) {
    const ensured = applied?.profiles.get(job);
    const existing = job.existing && job.action === 'reuse' ? decodePortalProfile(job.existing) : undefined;
    const signing = job.certificates[0]!.local.info;
    for (const { target, variant } of job.members)
      rows.push({
        target: target.name,
        kind: target.isUITest ? 'UITest' : target.kind,
        bundleId: job.bundleId,
        platform: platformLabel(variant.platform, variant.deviceFamilies),
        distribution: job.type,
        profileType: job.profileType,
        profile: {
          name: job.name,
          state: ensured?.state ?? job.action,
          uuid: ensured?.uuid ?? existing?.uuid,
          expires: ensured?.profile?.expirationDate ?? existing?.expirationDate,
          ...(job.action === 'replace' ? { reasons: job.reasons } : {}),
        },
        certificate: { commonName: signing.commonName, serial: signing.serial, expires: signing.notAfter },
      });
  }
  for (const s of plan.skipped)
    rows.push({
      target: s.target.name,
      kind: s.target.isUITest ? 'UITest' : s.target.kind,
      bundleId: s.variant.bundleId,
      platform: platformLabel(s.variant.platform, s.variant.deviceFamilies),
      distribution: s.type,
      skipped: s.reason,
    });
  return rows;
}

const day = (date: Date | undefined) => (date ? date.toISOString().slice(0, 10) : '');

function profileCell(row: SigningRow): string {
  const p = row.profile;
  if (!p) return `skipped: ${row.skipped}`;
  switch (p.state) {
    case 'reuse':
    case 'reused':
      return `${p.name} (${p.uuid}, expires ${day(p.expires)}, reused)`;
    case 'created':
      return `${p.name} (${p.uuid}, expires ${day(p.expires)}, new)`;
    case 'replace':
      return `${p.name} (new, replaces the one that ${p.reasons?.join('; ')})`;
    default:
      return `${p.name} (new)`;
  }
}

/** Prints the rows as an aligned text table. */
export function logSigningTable(logger: Logger, rows: readonly SigningRow[], heading: string): void {
  const header = [
    'Target',
    'Bundle ID',
    'Platform',
    'Profile type',
    'Profile (name, UUID, expiry)',
    'Certificate',
  ];
  const cells = rows.map((r) => [
    r.kind === 'app' ? r.target : `${r.target} (${r.kind})`,
    r.bundleId,
    r.platform,
    r.profileType ?? r.distribution,
    profileCell(r),
    r.certificate
      ? `${r.certificate.commonName} (serial ${r.certificate.serial}, expires ${day(r.certificate.expires)})`
      : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (i < 4 ? c[i]!.length : 0))));
  const line = (c: string[]) =>
    c
      .map((text, i) => (i < 4 ? text.padEnd(widths[i]!) : text))
      .join(' | ')
      .trimEnd();
  logger.info(heading);
  logger.print(line(header));
  logger.print(
    widths
      .slice(0, 4)
      .map((w) => '-'.repeat(w))
      .join('-+-'),
  );
  for (const c of cells) logger.print(line(c));
}
