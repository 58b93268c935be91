/**
 * Debian's Chromium, driven by playwright-core, as the judge of the report pages: they are opened
 * from disk the way a person opens them, and whatever the page tries (a script, a request, a
 * console error) is recorded. No browser is downloaded; the system's `chromium` is used.
 *
 * Deliberately free of vitest imports, like the Ruby referee.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

/** The browser; override with CHROMIUM_BIN to test with another build. */
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/** No profile sync, updates, QUIC or background traffic: the page's requests are the only ones. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why Chromium cannot judge here (missing or not runnable), or undefined when it can. */
export function probeChromium(executable: string = CHROMIUM): string | undefined {
  if (!existsSync(executable)) return `${executable} does not exist`;
  const probe = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error) return `cannot run "${executable}": ${probe.error.message}`;
  if (probe.status !== 0) return `"${executable} --version" exited with ${probe.status}`;
  return undefined;
}

let availability: { reason: string | undefined } | undefined;

export function chromiumUnavailableReason(): string | undefined {
  availability ??= { reason: probeChromium() };
  return availability.reason;
}

/**
 * Test gate for suites that need the browser, as `describe.skipIf(skipWithoutChromium())(…)`:
 * missing locally it warns and skips; missing with CI set it throws, because CI must render the pages.
 */
export function skipWithoutChromium(
  suite = 'Report page browser tests',
  {
    reason = chromiumUnavailableReason(),
    env = process.env,
  }: { reason?: string; env?: NodeJS.ProcessEnv } = {},
): boolean {
  if (reason === undefined) return false;
  const install = "install Debian's chromium (apt-get install chromium), or set CHROMIUM_BIN";
  if (env.CI) throw new Error(`${suite} need Chromium in CI, but ${reason}; ${install}`);
  console.warn(`[skipped] ${suite}: ${reason}. To run them, ${install}.`);
  return true;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh user-data-dir of its own, removed on close. */
export async function launchBrowser(): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface Viewport {
  width: number;
  height: number;
  colorScheme: 'light' | 'dark';
}

export const REPORT_VIEWPORTS: readonly Viewport[] = [
  { width: 1280, height: 900, colorScheme: 'light' },
  { width: 1280, height: 900, colorScheme: 'dark' },
  { width: 400, height: 900, colorScheme: 'light' },
  { width: 400, height: 900, colorScheme: 'dark' },
];

export interface RenderedView extends Viewport {
  /** Wider than the viewport means the reader has to scroll the whole page sideways. */
  scrollWidth: number;
  screenshot: string;
}

export interface RenderedPage {
  /** document.body.textContent, as the reader sees the values. */
  text: string;
  title: string;
  /** The Content-Security-Policy meta element's content, or undefined without one. */
  csp: string | undefined;
  /** `<script>` elements in the DOM. */
  scripts: number;
  consoleErrors: string[];
  pageErrors: string[];
  /** alert/confirm/prompt dialogs: a script ran. */
  dialogs: string[];
  /** Every request other than the page's own file. */
  otherRequests: string[];
  failedRequests: string[];
  views: RenderedView[];
}

/**
 * Opens the HTML file, records what happened, and takes a full-page screenshot per viewport into
 * `screenshotDir` (`<width>-<scheme>.png`).
 */
export async function renderFile(
  browser: Browser,
  file: string,
  screenshotDir: string,
  viewports: readonly Viewport[] = REPORT_VIEWPORTS,
): Promise<RenderedPage> {
  const url = pathToFileURL(file).href;
  const page = await browser.context.newPage();
  const record: Omit<RenderedPage, 'text' | 'title' | 'csp' | 'scripts' | 'views'> = {
    consoleErrors: [],
    pageErrors: [],
    dialogs: [],
    otherRequests: [],
    failedRequests: [],
  };
  page.on('console', (message) => {
    if (message.type() === 'error') record.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => record.pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    record.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    if (request.url() !== url) record.otherRequests.push(request.url());
  });
  page.on('requestfailed', (request) =>
    record.failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`),
  );
  try {
    mkdirSync(screenshotDir, { recursive: true });
    const views: RenderedView[] = [];
    for (const viewport of viewports) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      await page.emulateMedia({ colorScheme: viewport.colorScheme });
      await page.goto(url, { waitUntil: 'load' });
      const screenshot = join(screenshotDir, `${viewport.width}-${viewport.colorScheme}.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
      // Expressions as strings: this package is type-checked without the DOM library.
      const scrollWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      views.push({ ...viewport, scrollWidth, screenshot });
    }
    const dom = (await page.evaluate(`({
      text: document.body.textContent ?? '',
      title: document.title,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? undefined,
      scripts: document.scripts.length,
    })`)) as Pick<RenderedPage, 'text' | 'title' | 'csp' | 'scripts'>;
    return { ...record, ...dom, views };
  } finally {
    await page.close();
  }
}
