import { connectionSection } from '../../../common/apple/index.ts';
import {
  code,
  formatDuration,
  type Html,
  html,
  keyValues,
  list,
  note,
  section,
  stepPage,
} from '../../../common/report/index.ts';
import {
  type ReportPage,
  type StepContext,
  type StepOutcome,
  shellQuote,
} from '../../../common/step/index.ts';
import type { Config } from './config.ts';
import type { Toolchain } from './dependencies.ts';
import { type Result, savedLogs } from './run.ts';

const REPORT_NAME = 'fastlane-wrapper';

/** The lane, the fastlane that ran it, how long it took and how it ended; the saved logs on failure. */
export function report(outcome: StepOutcome<Config, Result, Toolchain>, ctx: StepContext): ReportPage {
  const { config, dependencies, failure, durations } = outcome;
  const now = new Date(ctx.clock.now());
  const lane = config ? config.laneArgs.map(shellQuote).join(' ') : undefined;
  const ran = durations.run !== undefined;
  const summary = !config
    ? 'Stopped before fastlane ran: the inputs or the connection were not usable.'
    : failure === undefined
      ? html`Ran ${code(`fastlane ${lane}`)} in ${formatDuration(durations.run ?? 0)}.`
      : ran
        ? html`${code(`fastlane ${lane}`)} failed after ${formatDuration(durations.run ?? 0)}.`
        : 'Stopped while fastlane was being set up.';
  const sections: Html[] = [];
  if (config) {
    sections.push(
      connectionSection(config.credentials, {
        now,
        missing: 'No Apple credentials were found: fastlane ran without Apple authentication.',
      }),
      section(
        'fastlane',
        keyValues([
          ['Lane', code(lane ?? '')],
          ['Working directory', code(config.inputs.work_dir)],
          [
            'fastlane version',
            dependencies?.fastlaneVersion ?? html`<span class="muted">not reported</span>`,
          ],
          ['Started with', launcherText(config)],
          ['Duration', ran ? formatDuration(durations.run!) : html`<span class="muted">did not run</span>`],
          ['Result', failure === undefined ? 'succeeded' : ran ? 'failed' : 'not run'],
        ]),
      ),
    );
    if (failure !== undefined && ran) sections.push(savedLogsSection(config, savedLogs.of(failure) ?? []));
  }
  return stepPage(outcome, {
    stepId: REPORT_NAME,
    title: 'fastlane with the connected Apple account',
    summary,
    sections,
    now,
  });
}

function launcherText(config: Config): Html | string {
  if (config.launcher.kind === 'bundler')
    return html`${code('bundle exec fastlane')} (fastlane ${config.lock?.fastlaneVersion ?? ''} from ${code(config.lock?.path ?? 'Gemfile.lock')})`;
  return html`the installed ${code('fastlane')}`;
}

function savedLogsSection(config: Config, saved: readonly string[]): Html {
  if (!config.inputs.deploy_dir)
    return section(
      'Saved logs',
      note('deploy_dir is not set, so fastlane env and the build logs were not saved.'),
    );
  return section(
    'Saved logs',
    html`<p>In ${code(config.inputs.deploy_dir)}, which the Deploy to Bitrise.io Step uploads:</p>`,
    list(
      saved.map((path) => code(path)),
      'Nothing was saved: fastlane env did not run and fastlane wrote no build logs.',
    ),
  );
}
