import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { connectionSection } from '../../../common/apple/index.ts';
import {
  code,
  formatBytes,
  formatDuration,
  type Html,
  html,
  identifier,
  keyValues,
  list,
  note,
  section,
  stepPage,
} from '../../../common/report/index.ts';
import {
  ExecError,
  type ReportPage,
  type StepContext,
  type StepOutcome,
} from '../../../common/step/index.ts';
import type { Config } from './config.ts';
import type { Toolchain } from './dependencies.ts';
import type { Result, TransferStats, UploadedBuild } from './run.ts';
import { apiUploadProgress } from './upload/api-upload.ts';

const REPORT_NAME = 'deploy-to-itunes-connect';

const muted = (text: string) => html`<span class="muted">${text}</span>`;

/** How much of a failed deliver's output the page repeats: App Store Connect's refusal is at the end. */
const OUTPUT_LINES = 30;

/** The artifact, how it was uploaded and how long that took; the build after the upload when known. */
export function report(outcome: StepOutcome<Config, Result, Toolchain>, ctx: StepContext): ReportPage {
  const { config, result, failure, durations } = outcome;
  const now = new Date(ctx.clock.now());
  const dryRun = config?.inputs.dry_run === true;
  const sections: Html[] = [];
  let summary: Html | string =
    'Stopped before the upload: the inputs, the artifact or the connection were not usable.';
  if (config) {
    const what = config.artifact.kind === 'ipa' ? 'The IPA' : 'The PKG';
    // An API upload that failed after App Store Connect made the build (processing, TestFlight).
    const uploadedBuild = result?.build ?? apiUploadProgress.of(failure);
    summary =
      failure !== undefined
        ? uploadedBuild
          ? `${what} is uploaded (build ${uploadedBuild.id}), but the Step failed after it.`
          : durations.run !== undefined
            ? `The upload failed after ${formatDuration(durations.run)}.`
            : 'Stopped while fastlane was being set up: nothing was uploaded.'
        : dryRun
          ? 'Dry run: the artifact and the connection were checked, nothing was uploaded.'
          : `${what} is uploaded to App Store Connect${result?.uploadMs !== undefined ? ` in ${formatDuration(result.uploadMs)}` : ''}.`;
    sections.push(
      connectionSection(config.credentials, { now }),
      artifactSection(config),
      uploadSection(config, outcome),
    );
    if (result?.uploaded || uploadedBuild) sections.push(buildSection(uploadedBuild));
    // Apple's refusal explains the failure: right under the reason.
    const output = deliverOutput(failure);
    if (output) sections.unshift(output);
  }
  return stepPage(outcome, {
    stepId: REPORT_NAME,
    title: 'Deploy to App Store Connect',
    dryRun,
    summary,
    sections,
    now,
  });
}

function artifactSection(config: Config): Html {
  const { artifact } = config;
  const size =
    artifact.kind === 'pkg' ? artifact.size : statSync(artifact.path, { throwIfNoEntry: false })?.size;
  const sizeText = size === undefined ? muted('unknown') : formatBytes(size);
  if (artifact.kind === 'pkg')
    return section(
      'Artifact',
      keyValues([
        ['File', code(basename(artifact.path))],
        ['Kind', 'macOS installer package (.pkg)'],
        ['Size', sizeText],
      ]),
    );
  return section(
    'Artifact',
    keyValues([
      ['File', code(basename(artifact.path))],
      ['App', code(artifact.app)],
      ['Bundle ID', identifier(artifact.bundleId)],
      ['Version', artifact.version || muted('not set')],
      ['Build', artifact.build || muted('not set')],
      artifact.platformName !== '' && ['Built for', artifact.platformName],
      ['Size', sizeText],
    ]),
  );
}

function uploadMethod(config: Config, toolchain: Toolchain | undefined): Html | string {
  if (config.upload.method === 'api') return "App Store Connect's build upload API (no fastlane, no Xcode)";
  const deliver = code('fastlane deliver');
  if (toolchain?.method !== 'deliver') return html`${deliver} ${muted('(fastlane was not set up)')}`;
  const { xcodeMajor } = toolchain;
  if (xcodeMajor === undefined) return html`${deliver} (no Xcode on this machine)`;
  if (xcodeMajor >= 14) return html`${deliver}, which uploads with altool (Xcode ${xcodeMajor})`;
  return html`${deliver} with the iTMSTransporter (Xcode ${xcodeMajor})`;
}

function uploadSection(config: Config, outcome: StepOutcome<Config, Result, Toolchain>): Html {
  const { inputs } = config;
  const { result, failure, durations } = outcome;
  const app = inputs.app_id
    ? html`Apple ID ${code(inputs.app_id)}`
    : html`bundle ID ${code(inputs.bundle_id)}`;
  const team = inputs.team_name || inputs.team_id;
  const skipped = [
    inputs.skip_metadata && 'metadata',
    inputs.skip_screenshots && 'screenshots',
    inputs.skip_app_version_update && 'app version update',
  ].filter((s): s is string => Boolean(s));
  let uploadTime: Html | string;
  if (inputs.dry_run) uploadTime = muted('dry run: no upload');
  else if (result?.uploadMs !== undefined) uploadTime = formatDuration(result.uploadMs);
  else if (failure !== undefined && durations.run !== undefined)
    uploadTime = `failed after ${formatDuration(durations.run)}`;
  else uploadTime = muted('did not start');
  const processingMs = (result?.build ?? apiUploadProgress.of(failure))?.processingMs;
  return section(
    'Upload',
    keyValues([
      ['Method', uploadMethod(config, outcome.dependencies)],
      ['App on App Store Connect', app],
      team ? ['Team', team] : false,
      ['Platform', inputs.platform],
      ['Skipped', skipped.length ? skipped.join(', ') : muted('nothing')],
      ['Submit for review', inputs.submit_for_review ? 'yes' : 'no'],
      ['Upload time', uploadTime],
      result?.transfer ? ['Transfer', transferText(result.transfer)] : false,
      ['Processing time', processingMs !== undefined ? formatDuration(processingMs) : muted('not followed')],
    ]),
  );
}

/** `200.0 MB in 25 parts; 2 sent again (216.8 MB sent)` */
function transferText(transfer: TransferStats): string {
  const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;
  const again = transfer.retriedParts
    ? `; ${transfer.retriedParts} sent again (${mb(transfer.sentBytes)} sent)`
    : '';
  return `${mb(transfer.fileBytes)} in ${transfer.parts} part${transfer.parts === 1 ? '' : 's'}${again}`;
}

function buildSection(build: UploadedBuild | undefined): Html {
  if (!build)
    return section(
      'After the upload',
      note(
        "fastlane deliver does not report the build's ID or its processing: App Store Connect › TestFlight shows the build once Apple has processed it (usually 5 to 30 minutes).",
      ),
    );
  return section(
    'After the upload',
    keyValues([
      ['Build ID', code(build.id)],
      ['Processing state', build.processingState ?? muted('unknown')],
      ['TestFlight', list(build.testFlightActions, 'No TestFlight changes.')],
    ]),
  );
}

/** The end of what a failed deliver printed: App Store Connect's answer, as untrusted text. */
function deliverOutput(failure: unknown): Html | undefined {
  let cause: unknown = failure;
  while (cause instanceof Error && !(cause instanceof ExecError)) cause = cause.cause;
  if (!(cause instanceof ExecError) || !cause.result) return undefined;
  const lines = `${cause.result.stdout}${cause.result.stderr}`.trimEnd().split('\n');
  if (lines.length === 1 && lines[0] === '') return undefined;
  return section(
    `The last lines ${cause.tool} printed`,
    html`<pre>${lines.slice(-OUTPUT_LINES).join('\n')}</pre>`,
  );
}
