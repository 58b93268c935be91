import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { redactor as processRedactor, type Redactor } from './redactor.ts';

/**
 * Set by the Bitrise CLI on every run (step-contract.md §2.7); bitrise.io shows each
 * `<dir>/<name>/index.html` in the build's Reports tab. Read here and nowhere else.
 */
export const HTML_REPORT_DIR_ENV = 'BITRISE_HTML_REPORT_DIR';

/** A Step's report: a folder name under the report dir and a self-contained HTML document. */
export interface ReportPage {
  name: string;
  html: string;
}

/** Where reports go, absolute; undefined when BITRISE_HTML_REPORT_DIR is unset or empty. */
export function reportDirectory(env: Record<string, string | undefined>, cwd: string): string | undefined {
  const dir = env[HTML_REPORT_DIR_ENV]?.trim();
  return dir ? resolve(cwd, dir) : undefined;
}

/**
 * Writes `<dir>/<name>/index.html`, 0644 as the CLI uploads it, and returns its path. The whole
 * document goes through the redactor once more, so a secret a page builder forgot to mask still
 * never reaches the file.
 */
export function writeReportPage(page: ReportPage, dir: string, redactor: Redactor = processRedactor): string {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(page.name)) throw new Error(`invalid report name "${page.name}"`);
  const folder = join(dir, page.name);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'index.html');
  writeFileSync(path, redactor.redact(page.html), { mode: 0o644 });
  // The mode above applies only to a new file, and the umask may have narrowed it.
  chmodSync(path, 0o644);
  return path;
}
