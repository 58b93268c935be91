import { connectionSection, type ReportTeam } from '../../../common/apple/index.ts';
import type { LoadedCertificate } from '../../../common/codesign/index.ts';
import type { Device } from '../../../common/portal/index.ts';
import {
  code,
  expiresWithin,
  expiryDate,
  type Html,
  html,
  identifier,
  keyValues,
  list,
  note,
  section,
  stepPage,
  type TableRow,
  table,
} from '../../../common/report/index.ts';
import type { ReportPage, StepContext, StepOutcome } from '../../../common/step/index.ts';
import type { EnsuredProfile } from './assets/profiles.ts';
import type { Config } from './config.ts';
import { type Result, type RunProgress, runProgress } from './run.ts';

const REPORT_NAME = 'auto-provision';

/**
 * Apple allows 100 devices of each family (iPhone, iPad, Apple Watch, …) per membership year, and a
 * removed device keeps its slot until the year renews; the portal lists only enabled devices, so
 * what the report shows is an upper bound.
 */
const DEVICES_PER_FAMILY = 100;

const DEVICE_FAMILIES: Record<string, string> = {
  IPHONE: 'iPhone',
  IPAD: 'iPad',
  IPOD: 'iPod touch',
  APPLE_WATCH: 'Apple Watch',
  APPLE_TV: 'Apple TV',
  APPLE_VISION_PRO: 'Apple Vision Pro',
  MAC: 'Mac',
};

const STATE_LABELS: Record<EnsuredProfile['state'], string> = {
  reused: 'reused',
  created: 'created',
  planned: 'would be created',
};

const muted = (text: string) => html`<span class="muted">${text}</span>`;

/**
 * Which profile and certificate each target got and when they expire, the devices and the portal
 * changes; anything that expires within 30 days is highlighted.
 */
export function report(outcome: StepOutcome<Config, Result>, ctx: StepContext): ReportPage {
  const { config, result, failure } = outcome;
  const now = new Date(ctx.clock.now());
  const dryRun = config?.inputs.dry_run === true;
  const sections: Html[] = [];
  let summary: Html | string =
    'Stopped before the Developer Portal was reached: the inputs, the project or the connection were not usable.';
  if (config) {
    // Undefined when the Step failed before it reached the Developer Portal.
    const progress = result?.progress ?? runProgress.of(failure);
    const changes = progress?.changes ?? [];
    summary = summaryText(config, result, failure !== undefined, progress);
    sections.push(
      connectionSection(config.credentials, { now, teams: teamsOf(progress) }),
      result ? profilesSection(result, now) : targetsSection(config),
      certificatesSection(progress, result, now),
      devicesSection(config, progress, result),
      section(
        dryRun ? 'Developer Portal changes planned' : 'Developer Portal changes',
        progress
          ? list(changes, dryRun ? 'None: everything needed exists.' : 'None: everything needed existed.')
          : note('The Developer Portal was not reached.'),
      ),
    );
  }
  return stepPage(outcome, {
    stepId: REPORT_NAME,
    title: 'iOS Auto Provision',
    dryRun,
    summary,
    sections,
    now,
  });
}

function summaryText(
  config: Config,
  result: Result | undefined,
  failed: boolean,
  progress: RunProgress | undefined,
): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const changes = progress?.changes.length ?? 0;
  if (failed)
    return progress
      ? `Failed after ${count(changes, 'Developer Portal change')}.`
      : 'Failed before the Developer Portal was reached.';
  const profiles = [...(result?.assets.values() ?? [])].flatMap((a) => [...new Set(a.profiles.values())]);
  const by = (state: EnsuredProfile['state']) => profiles.filter((p) => p.state === state).length;
  const types = [...(result?.assets.keys() ?? [])].join(' and ');
  if (config.inputs.dry_run)
    return `Dry run for ${types}: ${count(by('reused'), 'profile')} can be reused, ${by('planned')} would be created, ${count(changes, 'Developer Portal change')} planned. Nothing was changed.`;
  return `Signed for ${types}: ${count(by('reused'), 'profile')} reused, ${by('created')} created, ${count(changes, 'Developer Portal change')}.`;
}

function teamsOf(progress: RunProgress | undefined): ReportTeam[] | undefined {
  const team = progress?.team;
  if (team) return [team];
  const teams = new Map<string, ReportTeam>();
  for (const c of progress?.certificates ?? [])
    if (c.info.teamId) teams.set(c.info.teamId, { teamId: c.info.teamId, name: c.info.teamName });
  return teams.size > 0 ? [...teams.values()] : undefined;
}

/** The rows of the signing table the log printed, as they ended: every target platform, skipped ones too. */
function profilesSection(result: Result, now: Date): Html {
  const rows: TableRow[] = result.table.map((row) => {
    const profile = row.profile;
    const type = row.profileType ? html`${row.distribution}<br>${code(row.profileType)}` : row.distribution;
    if (!profile || !row.certificate)
      return {
        cells: [
          row.target,
          identifier(row.bundleId),
          row.platform,
          type,
          muted(`not signed: ${row.skipped}`),
          '',
          '',
          '',
        ],
      };
    const state = STATE_LABELS[profile.state as EnsuredProfile['state']] ?? profile.state;
    return {
      cells: [
        row.target,
        identifier(row.bundleId),
        row.platform,
        type,
        html`${profile.name} ${muted(`(${state})`)}${profile.uuid ? html`<br>${code(profile.uuid)}` : ''}`,
        profile.state === 'planned' ? muted('when created') : expiryDate(profile.expires, now),
        row.certificate.commonName,
        expiryDate(row.certificate.expires, now),
      ],
      highlight: expiresWithin(profile.expires, now) || expiresWithin(row.certificate.expires, now),
    };
  });
  return section(
    'Profiles',
    table({
      caption: 'Target → bundle ID → platform → profile type → profile → certificate',
      columns: [
        'Target',
        'Bundle ID',
        'Platform',
        'Profile type',
        'Profile',
        'Profile expires',
        'Certificate',
        'Certificate expires',
      ],
      rows,
      empty: 'No profiles.',
    }),
    rows.some((r) => r.highlight)
      ? note('Highlighted rows hold a profile or certificate that expires within 30 days.')
      : '',
  );
}

/** After a failure there are no profiles: the targets show what was to be signed. */
function targetsSection(config: Config): Html {
  return section(
    'Targets',
    table({
      caption: 'The targets to sign (no profiles: the Step failed before they were all ensured)',
      columns: ['Target', 'Bundle ID', 'Platform', 'Kind'],
      rows: config.project.targets.map((t) => ({
        cells: [
          t.name,
          identifier(t.bundleId),
          t.variants.map((v) => v.platform).join(', '),
          t.isUITest ? 'UI test' : t.kind,
        ],
      })),
    }),
  );
}

function certificatesSection(progress: RunProgress | undefined, result: Result | undefined, now: Date): Html {
  const loaded: readonly LoadedCertificate[] = progress?.certificates ?? [];
  if (loaded.length === 0) return section('Certificates', note('No certificate was loaded.'));
  const signing = new Set([...(result?.assets.values() ?? [])].map((a) => a.certificate.info.sha1));
  const next = [...loaded].sort((a, b) => a.info.notAfter.getTime() - b.info.notAfter.getTime())[0]!;
  return section(
    'Certificates',
    keyValues([['Next to expire', html`${next.info.commonName}: ${expiryDate(next.info.notAfter, now)}`]]),
    table({
      caption: 'The certificates from certificate_urls',
      columns: ['Certificate', 'Type', 'Team', 'Serial', 'Signs', 'Expires'],
      rows: loaded.map((c) => ({
        cells: [
          c.info.commonName,
          c.info.type,
          `${c.info.teamName} (${c.info.teamId})`,
          code(c.info.serial),
          signing.has(c.info.sha1) ? 'yes' : 'no',
          expiryDate(c.info.notAfter, now),
        ],
        highlight: expiresWithin(c.info.notAfter, now),
      })),
    }),
  );
}

function devicesSection(config: Config, progress: RunProgress | undefined, result: Result | undefined): Html {
  const registered = progress?.registeredDevices ?? [];
  const registeredList = list(
    registered.map((d) => html`${code(d.udid)} ${d.title}`),
    config.inputs.register_test_devices
      ? "None: the portal had every one of the connection's test devices."
      : 'None: register_test_devices is off.',
  );
  const heading = config.inputs.dry_run ? 'Would be registered' : 'Registered by this run';
  if (!result)
    return section(
      'Devices',
      keyValues([[heading, registeredList]]),
      note('The Step failed before the devices were all checked.'),
    );
  if (result.devices.length === 0 && registered.length === 0)
    return section('Devices', note('App Store and enterprise profiles hold no devices: none were checked.'));
  return section(
    'Devices',
    keyValues([
      [heading, registeredList],
      ['In the profiles', `${result.devices.length} device${result.devices.length === 1 ? '' : 's'}`],
      ['Slots left', slotsLeft(result.devices)],
    ]),
    note(
      `Apple allows ${DEVICES_PER_FAMILY} devices of each family per membership year; disabled devices keep their slot until the year renews, so fewer may be left.`,
    ),
  );
}

function slotsLeft(devices: readonly Device[]): Html {
  const counts = new Map<string, number>();
  for (const device of devices) {
    const family =
      DEVICE_FAMILIES[device.attributes.deviceClass ?? ''] ?? 'not yet known (registered in this run)';
    counts.set(family, (counts.get(family) ?? 0) + 1);
  }
  return list(
    [...counts].map(([family, n]) =>
      family.startsWith('not yet')
        ? `${n} device${n === 1 ? '' : 's'} of a family ${family}`
        : `${family}: at most ${Math.max(0, DEVICES_PER_FAMILY - n)} of ${DEVICES_PER_FAMILY} (${n} enabled)`,
    ),
  );
}
