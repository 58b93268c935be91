import { describeFailure } from '../step/errors.ts';
import type { ReportPage } from '../step/report-file.ts';
import type { StepOutcome } from '../step/run.ts';
import type { Content } from './html.ts';
import { type PageOutcome, renderPage } from './page.ts';

export interface StepPageSpec {
  /** The Step's id: the page's folder under BITRISE_HTML_REPORT_DIR. */
  stepId: string;
  title: string;
  /** A dry run that succeeded is shown as a dry run, so no one reads it as done. */
  dryRun?: boolean;
  summary?: Content;
  sections: readonly Content[];
  /** From the Step's clock: when the page is written, for the days left and the footer. */
  now: Date;
}

/** A Step's report page: its status and failure reason from the outcome, then its own sections. */
export function stepPage(outcome: StepOutcome<unknown, unknown>, spec: StepPageSpec): ReportPage {
  const failed = outcome.failure !== undefined;
  const status: PageOutcome = failed ? 'failed' : spec.dryRun ? 'dry run' : 'succeeded';
  return {
    name: spec.stepId,
    html: renderPage({
      stepId: spec.stepId,
      title: spec.title,
      outcome: status,
      summary: spec.summary,
      failure: failed ? describeFailure(outcome.failure) : undefined,
      sections: spec.sections,
      generatedAt: spec.now,
    }),
  };
}
