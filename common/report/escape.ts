const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text made safe for an HTML text node or a quoted attribute value. All five characters are
 * replaced, so the same function serves both places and a value can never close a tag or an
 * attribute, whatever it holds (cookie names, profile names and Apple's error text are untrusted).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}
