import { type Content, Html, html } from './html.ts';

/** Building blocks of a report page. Each returns markup; every value inside is escaped. */

const DAY_MS = 86_400_000;

/** Apple ID sessions last 30 days; profiles and certificates are flagged this long before they end. */
const EXPIRY_WINDOW_DAYS = 30;

export function section(title: string, ...content: Content[]): Html {
  return html`<section><h2>${title}</h2>${content}</section>`;
}

/** A definition list of label → value; rows that are `undefined` or `false` are left out. */
export function keyValues(rows: ReadonlyArray<readonly [string, Content] | undefined | false>): Html {
  const items = rows.filter((row): row is readonly [string, Content] => Boolean(row));
  return html`<dl class="kv">${items.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}</dl>`;
}

export interface TableRow {
  /** The first cell is the row's header (`<th scope="row">`). */
  cells: readonly Content[];
  /** Marks the row, e.g. something that expires within 30 days; say why in a cell too. */
  highlight?: boolean;
}

export interface TableSpec {
  caption: string;
  columns: readonly string[];
  rows: readonly TableRow[];
  /** Shown instead of the table when there are no rows. */
  empty?: string;
}

/**
 * A semantic table: caption, column headers and row headers with `scope`. It scrolls sideways in
 * its own focusable region on narrow screens, so columns keep readable widths at 400 px.
 */
export function table(spec: TableSpec): Html {
  if (spec.rows.length === 0) return note(spec.empty ?? 'None.');
  const head = html`<thead><tr>${spec.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>`;
  const body = spec.rows.map((row) => {
    const [first, ...rest] = row.cells;
    // data-label: the column's name, shown beside the value when narrow screens stack the rows.
    const cells = rest.map((c, i) => html`<td data-label="${spec.columns[i + 1] ?? ''}">${c}</td>`);
    return html`<tr${row.highlight ? new Html(' class="soon"') : ''}><th scope="row">${first}</th>${cells}</tr>`;
  });
  return html`<div class="table-wrap" role="region" aria-label="${spec.caption}" tabindex="0"><table><caption>${spec.caption}</caption>${head}<tbody>${body}</tbody></table></div>`;
}

export function list(items: readonly Content[], empty = 'None.'): Html {
  if (items.length === 0) return note(empty);
  return html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`;
}

export function note(content: Content): Html {
  return html`<p class="note">${content}</p>`;
}

export function code(value: string): Html {
  return html`<code>${value}</code>`;
}

/** A dotted identifier (bundle ID, domain) as code that wraps after its dots, not inside words. */
export function identifier(value: string): Html {
  const parts = value.split('.');
  return html`<code>${parts.map((part, i) => (i < parts.length - 1 ? html`${part}.<wbr>` : part))}</code>`;
}

/** A short visible label next to a value, so a highlight never relies on colour alone. */
function flag(label: string, kind: 'warn' | 'bad' = 'warn'): Html {
  return html`<span class="${kind === 'bad' ? 'flag flag-bad' : 'flag'}">${label}</span>`;
}

/** `2026-08-01 14:05 UTC`: the build machine's time zone means nothing to the reader. */
export function formatDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `2026-08-01`, with the time in the tooltip: enough for an expiry months away. */
function shortDate(date: Date): Html {
  return html`<time datetime="${date.toISOString()}" title="${formatDate(date)}">${date.toISOString().slice(0, 10)}</time>`;
}

/** Whole days from now until `expires`; negative once it has passed. */
export function daysLeft(expires: Date, now: Date): number {
  return Math.floor((expires.getTime() - now.getTime()) / DAY_MS);
}

export function expiresWithin(expires: Date | undefined, now: Date, days = EXPIRY_WINDOW_DAYS): boolean {
  return expires !== undefined && expires.getTime() - now.getTime() < days * DAY_MS;
}

/** An expiry date with the days left, flagged when it is within 30 days or past. */
export function expiryDate(expires: Date | undefined, now: Date): Html {
  if (!expires) return html`<span class="muted">unknown</span>`;
  const days = daysLeft(expires, now);
  if (expires.getTime() <= now.getTime()) return html`${shortDate(expires)} ${flag('expired', 'bad')}`;
  const left = `${days} day${days === 1 ? '' : 's'} left`;
  return html`${shortDate(expires)} <span class="muted">(${left})</span>${
    expiresWithin(expires, now) ? flag('expires within 30 days') : ''
  }`;
}

/**
 * The remaining part of a 30-day window as a `<meter>` (announced by screen readers) with the
 * same information as text next to it.
 */
export function expiryBar(expires: Date, now: Date, windowDays = EXPIRY_WINDOW_DAYS): Html {
  const days = daysLeft(expires, now);
  const value = Math.min(windowDays, Math.max(0, days));
  const label =
    expires.getTime() <= now.getTime()
      ? `expired on ${formatDate(expires)}`
      : `${days} of ${windowDays} days left, ends ${formatDate(expires)}`;
  return html`<div class="expiry"><meter min="0" max="${windowDays}" low="6" high="14" optimum="${windowDays}" value="${value}" aria-label="${label}">${value} of ${windowDays} days</meter><span>${label}</span></div>`;
}

/** `850 ms`, `12.4 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** `1.2 MB (1,234,567 bytes)`. */
export function formatBytes(bytes: number): string {
  const exact = `${bytes.toLocaleString('en-US')} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1000) return exact;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]} (${exact})`;
}
