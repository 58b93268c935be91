import { formatDate } from './blocks.ts';
import { type Content, Html, html } from './html.ts';
import { STYLES } from './styles.ts';

/**
 * Nothing but the inline stylesheet may load or run: no scripts, images, fonts, frames or
 * requests of any kind. The same policy is in the page, so it holds wherever the file is opened.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

export type PageOutcome = 'succeeded' | 'failed' | 'dry run';

export interface PageSpec {
  /** The Step's id, shown above the title. */
  stepId: string;
  title: string;
  outcome: PageOutcome;
  /** One line under the status: what the Step did, in a sentence. */
  summary?: Content;
  /** The failure reason and the lines that explain it, as the log ends with them. */
  failure?: { reason: string; details: readonly string[] };
  sections: readonly Content[];
  generatedAt: Date;
}

/** A failure explained in this few lines is shown open; a longer one starts folded. */
const OPEN_DETAIL_LINES = 15;

// Ours, not values: inserted as they are (escaping would turn their quotes into entities).
const STYLESHEET = new Html(STYLES);
const CSP_ATTRIBUTE = new Html(CONTENT_SECURITY_POLICY);

const OUTCOME_LABELS: Record<PageOutcome, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  'dry run': 'Dry run',
};

/** One self-contained HTML document: inline CSS, no scripts, no external resources. */
export function renderPage(spec: PageSpec): string {
  const statusClass = `status status-${spec.outcome.replace(' ', '-')}`;
  const failure = spec.failure
    ? html`<section class="failure"><h2>Why it failed</h2><p class="reason">${spec.failure.reason}</p>${
        spec.failure.details.length > 0
          ? html`<details${spec.failure.details.length <= OPEN_DETAIL_LINES ? new Html(' open') : ''}><summary>${spec.failure.details.length} more line${spec.failure.details.length === 1 ? '' : 's'} from the log</summary><pre>${spec.failure.details.join('\n')}</pre></details>`
          : ''
      }</section>`
    : '';
  const document = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP_ATTRIBUTE}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>${spec.title} · ${OUTCOME_LABELS[spec.outcome]}</title>
<style>${STYLESHEET}</style>
</head>
<body>
<header>
<p class="eyebrow">Bitrise Step report · ${spec.stepId}</p>
<h1>${spec.title}</h1>
<p><span class="${statusClass}">${OUTCOME_LABELS[spec.outcome]}</span></p>
${spec.summary ? html`<p class="summary">${spec.summary}</p>` : ''}
</header>
<main>
${failure}
${spec.sections}
</main>
<footer>Written <time datetime="${spec.generatedAt.toISOString()}">${formatDate(spec.generatedAt)}</time>. Values the build log masks are masked here too.</footer>
</body>
</html>
`;
  return document.markup;
}
