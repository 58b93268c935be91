import { describe, expect, it } from 'vitest';
import {
  daysLeft,
  expiryBar,
  expiryDate,
  formatBytes,
  formatDuration,
  identifier,
  keyValues,
  section,
  table,
} from '../blocks.ts';
import { CONTENT_SECURITY_POLICY, renderPage } from '../page.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000);

function page(sections = [section('Things', keyValues([['Name', 'value']]))]) {
  return renderPage({
    stepId: 'some-step',
    title: 'Some Step',
    outcome: 'failed',
    summary: 'It did things.',
    failure: { reason: 'Apple said <b>no</b>: try again', details: ['line one', 'line <two>'] },
    sections,
    generatedAt: NOW,
  });
}

describe('renderPage', () => {
  it('is one self-contained document: doctype, language, charset, CSP meta, inline style only', () => {
    const doc = page();
    expect(doc.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">')).toBe(true);
    expect(doc).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    );
    expect(doc).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(doc.match(/<style>/g)).toHaveLength(1);
    expect(doc).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|\son[a-z]+=|javascript:|url\(/i);
    expect(doc).not.toMatch(/(src|href)=/i);
    expect(doc).not.toMatch(/https?:\/\//);
  });

  it('has light and dark palettes and a narrow-screen layout', () => {
    const doc = page();
    expect(doc).toContain('color-scheme: light dark');
    expect(doc).toContain('@media (prefers-color-scheme: dark)');
    expect(doc).toMatch(/@media \(max-width: \d+px\)/);
  });

  it('shows the status, the failure reason and its details, escaped', () => {
    const doc = page();
    expect(doc).toContain('<title>Some Step · Failed</title>');
    expect(doc).toContain('<span class="status status-failed">Failed</span>');
    expect(doc).toContain('<p class="reason">Apple said &lt;b&gt;no&lt;/b&gt;: try again</p>');
    expect(doc).toContain(
      '<summary>2 more lines from the log</summary><pre>line one\nline &lt;two&gt;</pre>',
    );
    expect(doc).toContain('<time datetime="2026-03-01T12:00:00.000Z">2026-03-01 12:00 UTC</time>');
  });

  it('shows a short failure explanation open and folds a long one', () => {
    const render = (lines: number) =>
      renderPage({
        stepId: 's',
        title: 'T',
        outcome: 'failed',
        failure: { reason: 'r', details: Array.from({ length: lines }, (_, i) => `line ${i}`) },
        sections: [],
        generatedAt: NOW,
      });
    expect(render(15)).toContain('<details open><summary>15 more lines from the log</summary>');
    expect(render(16)).toContain('<details><summary>16 more lines from the log</summary>');
  });

  it('a success has no failure section', () => {
    const doc = renderPage({ stepId: 's', title: 'T', outcome: 'dry run', sections: [], generatedAt: NOW });
    expect(doc).toContain('<span class="status status-dry-run">Dry run</span>');
    expect(doc).not.toContain('Why it failed');
  });
});

describe('table', () => {
  const spec = {
    caption: 'Profiles <all>',
    columns: ['Target', 'Expires'],
    rows: [
      { cells: ['App', expiryDate(inDays(300), NOW)] },
      { cells: ['Widget "x"', expiryDate(inDays(12), NOW)], highlight: true },
    ],
  };

  it('has a caption, column headers and row headers with scope', () => {
    const markup = table(spec).markup;
    expect(markup).toContain('<caption>Profiles &lt;all&gt;</caption>');
    expect(markup).toContain(
      '<thead><tr><th scope="col">Target</th><th scope="col">Expires</th></tr></thead>',
    );
    expect(markup).toContain('<tr><th scope="row">App</th>');
    expect(markup).toContain('<tr class="soon"><th scope="row">Widget &quot;x&quot;</th>');
  });

  it('labels every data cell with its column, for the stacked layout of narrow screens', () => {
    expect(table(spec).markup).toContain('<tr><th scope="row">App</th><td data-label="Expires">');
  });

  it('scrolls in a focusable, labelled region', () => {
    expect(table(spec).markup).toMatch(
      /^<div class="table-wrap" role="region" aria-label="Profiles &lt;all&gt;" tabindex="0"><table>/,
    );
  });

  it('says so instead of drawing an empty table', () => {
    expect(table({ ...spec, rows: [], empty: 'No profiles.' }).markup).toBe(
      '<p class="note">No profiles.</p>',
    );
  });
});

describe('expiry', () => {
  it('flags dates within 30 days in words, not only by colour', () => {
    expect(expiryDate(inDays(12), NOW).markup).toContain(
      '<span class="muted">(12 days left)</span><span class="flag">expires within 30 days</span>',
    );
    expect(expiryDate(inDays(31), NOW).markup).not.toContain('flag');
    expect(expiryDate(inDays(-1), NOW).markup).toContain('<span class="flag flag-bad">expired</span>');
    expect(expiryDate(undefined, NOW).markup).toContain('unknown');
  });

  it('draws the 30-day bar with the days left as text and as an accessible meter', () => {
    const bar = expiryBar(new Date(NOW.getTime() + 22.5 * 86_400_000), NOW).markup;
    expect(bar).toContain('<meter min="0" max="30" low="6" high="14" optimum="30" value="22"');
    expect(bar).toContain('aria-label="22 of 30 days left, ends 2026-03-24 00:00 UTC"');
    expect(bar).toContain('<span>22 of 30 days left, ends 2026-03-24 00:00 UTC</span>');
  });

  it('an expired session shows an empty bar and says when it ended', () => {
    const bar = expiryBar(inDays(-3), NOW).markup;
    expect(bar).toContain('value="0"');
    expect(bar).toContain('expired on 2026-02-26 12:00 UTC');
  });

  it('counts whole days', () => {
    expect(daysLeft(inDays(1.99), NOW)).toBe(1);
    expect(daysLeft(inDays(-0.5), NOW)).toBe(-1);
  });
});

describe('identifier', () => {
  it('may wrap after each dot, and escapes each part', () => {
    expect(identifier('com.example.<app>').markup).toBe('<code>com.<wbr>example.<wbr>&lt;app&gt;</code>');
  });
});

describe('formatting', () => {
  it('durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12.4 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
  });

  it('sizes, with the exact byte count', () => {
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(1_234_567)).toBe('1.2 MB (1,234,567 bytes)');
  });
});
