import { afterEach, describe, expect, it } from 'vitest';
import { MASK, redactor } from '../../step/redactor.ts';
import { escapeHtml } from '../escape.ts';
import { Html, html, text } from '../html.ts';

afterEach(() => redactor.clear());

describe('escapeHtml', () => {
  it('replaces the five characters that can end a text node or a quoted attribute', () => {
    expect(escapeHtml(`<script>alert(1)</script> "'&`)).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &quot;&#39;&amp;',
    );
  });

  it('escapes an ampersand once, so entities in the input are shown as typed', () => {
    expect(escapeHtml('&lt; &amp;')).toBe('&amp;lt; &amp;amp;');
  });

  it('leaves other text, Unicode included, as it is', () => {
    expect(escapeHtml('Café Référence › 2FA ✓')).toBe('Café Référence › 2FA ✓');
  });
});

describe('html template', () => {
  it('escapes every interpolated value and keeps the markup of the template', () => {
    const hostile = `<img src=x onerror=alert(1)>"'&`;
    expect(html`<p title="${hostile}">${hostile}</p>`.markup).toBe(
      '<p title="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;">&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</p>',
    );
  });

  it('inserts nested templates as markup, and arrays and empty values as expected', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${[1, ' & ', 2]}${undefined}${null}${false}</p>`.markup).toBe(
      '<p><b>&lt;i&gt;</b>1 &amp; 2</p>',
    );
  });

  it('never trusts a string that looks like markup: only Html instances are inserted raw', () => {
    const looksLikeMarkup = { markup: '<script>' } as unknown as string;
    expect(html`${looksLikeMarkup}`.markup).toBe('[object Object]');
    expect(html`${new Html('<br>')}`.markup).toBe('<br>');
  });

  it('masks registered secrets before escaping, also secrets that contain escaped characters', () => {
    redactor.add('s3cr<t&value');
    expect(text('token s3cr<t&value here')).toBe(`token ${MASK} here`);
    expect(html`<td>${'s3cr<t&value'}</td>`.markup).toBe(`<td>${MASK}</td>`);
  });

  it('removes terminal colour codes from values', () => {
    expect(text('\u001b[31;1mfailed\u001b[0m')).toBe('failed');
  });
});
