import { stripAnsi } from '../step/colors.ts';
import { redactor } from '../step/redactor.ts';
import { escapeHtml } from './escape.ts';

/** Markup built by this module; the only thing a template inserts without escaping it. */
export class Html {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

/** What a template accepts: markup, or values that are shown as text. Empty values render nothing. */
export type Content = Html | string | number | null | undefined | false | readonly Content[];

/**
 * A value as the page shows it: colours removed, secrets masked as in the build log, escaped.
 * Redaction runs before escaping, so a secret that holds `&` or `<` is still found.
 */
export function text(value: string | number): string {
  return escapeHtml(redactor.redact(stripAnsi(String(value))));
}

function render(content: Content): string {
  if (content instanceof Html) return content.markup;
  if (Array.isArray(content)) return content.map(render).join('');
  if (content === null || content === undefined || content === false) return '';
  return text(content as string | number);
}

/**
 * A tagged template whose interpolations are escaped unless they are {@link Html}, so escaping is
 * the default and forgetting it is impossible. Use it only with quoted attribute values.
 */
export function html(strings: TemplateStringsArray, ...values: Content[]): Html {
  let markup = strings[0]!;
  for (let i = 0; i < values.length; i++) markup += render(values[i]!) + strings[i + 1]!;
  return new Html(markup);
}
