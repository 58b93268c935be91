/**
 * Just enough XML for Xcode's scheme and workspace files: elements and attributes, no text.
 * Both formats are attribute-only, so a full XML stack would add a dependency for nothing.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

const ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };

function decode(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

export function parseXml(text: string, what: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  const tag =
    /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE[^>]*>|<\/\s*([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    const [, closing, name, attrText, selfClosing] = match;
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== closing || stack.length === 0)
        throw new Error(`${what}: unexpected </${closing}>`);
    } else if (name) {
      const attrs: Record<string, string> = {};
      for (const attr of (attrText ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attrs[attr[1]!] = decode(attr[2] ?? attr[3] ?? '');
      }
      const element: XmlElement = { name, attrs, children: [] };
      stack.at(-1)!.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length !== 1) throw new Error(`${what}: <${stack.at(-1)!.name}> is not closed`);
  const top = root.children[0];
  if (!top) throw new Error(`${what}: no root element`);
  return top;
}

export function* descendants(element: XmlElement, name: string): Generator<XmlElement> {
  for (const child of element.children) {
    if (child.name === name) yield child;
    yield* descendants(child, name);
  }
}
