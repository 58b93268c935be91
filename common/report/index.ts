export {
  code,
  daysLeft,
  EXPIRY_WINDOW_DAYS,
  expiresWithin,
  expiryBar,
  expiryDate,
  flag,
  formatBytes,
  formatDate,
  formatDuration,
  identifier,
  keyValues,
  list,
  note,
  section,
  subheading,
  type TableRow,
  type TableSpec,
  table,
} from './blocks.ts';
export { escapeHtml } from './escape.ts';
export { type Content, Html, html, text } from './html.ts';
export { CONTENT_SECURITY_POLICY, type PageOutcome, type PageSpec, renderPage } from './page.ts';
export { type StepPageSpec, stepPage } from './step-page.ts';
