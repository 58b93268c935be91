export {
  code,
  daysLeft,
  expiresWithin,
  expiryBar,
  expiryDate,
  formatBytes,
  formatDate,
  formatDuration,
  identifier,
  keyValues,
  list,
  note,
  section,
  type TableRow,
  table,
} from './blocks.ts';
export { escapeHtml } from './escape.ts';
export { type Content, Html, html, text } from './html.ts';
export { CONTENT_SECURITY_POLICY, type PageOutcome, renderPage } from './page.ts';
export { stepPage } from './step-page.ts';
