import { DOMParser, type Element, onErrorStopParsing } from '@xmldom/xmldom';
import { StepError } from '../../step/index.ts';

/**
 * The root element of an XML document (Xcode's `.xcscheme` and `contents.xcworkspacedata`), read
 * with xmldom. Malformed XML fails here instead of yielding a partial tree.
 */
export function parseXmlDocument(text: string, what: string): Element {
  let root: Element | null;
  try {
    // onErrorStopParsing: errors (not only fatal ones) throw; without a handler xmldom prints them.
    root = new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml').documentElement;
  } catch (err) {
    throw new StepError(`failed to parse ${what}`, { cause: err });
  }
  if (!root) throw new StepError(`failed to parse ${what}: no root element`);
  return root;
}

/** The element children of `element`, in document order. */
export function childElements(element: Element): Element[] {
  return Array.from(element.childNodes).filter(
    (node): node is Element => node.nodeType === node.ELEMENT_NODE,
  );
}
