import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { StepError } from '../../step/index.ts';
import { childElements, parseXmlDocument } from './xml-document.ts';

/**
 * The `.xcodeproj` paths a workspace lists, in order. CocoaPods' own `Pods/Pods.xcodeproj` is left
 * out: it never holds the app's scheme and is not signed by us.
 */
export function workspaceProjects(workspacePath: string): string[] {
  const file = join(workspacePath, 'contents.xcworkspacedata');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StepError(`failed to read workspace ${workspacePath}`, { cause: err });
  }
  const root = parseXmlDocument(text, file);
  const workspaceDir = dirname(resolve(workspacePath));
  const projects: string[] = [];
  const walk = (element: Element, groupDir: string): void => {
    for (const child of childElements(element)) {
      const location = child.getAttribute('location') ?? '';
      if (child.tagName === 'Group') {
        walk(child, resolveLocation(location, groupDir, workspaceDir) ?? groupDir);
      } else if (child.tagName === 'FileRef') {
        const path = resolveLocation(location, groupDir, workspaceDir);
        if (path?.endsWith('.xcodeproj') && !isPodsProject(path)) projects.push(path);
      }
    }
  };
  walk(root, workspaceDir);
  return projects;
}

function resolveLocation(location: string, groupDir: string, workspaceDir: string): string | undefined {
  const colon = location.indexOf(':');
  const kind = location.slice(0, colon);
  const path = location.slice(colon + 1);
  switch (kind) {
    case 'group':
      return path ? resolve(groupDir, path) : groupDir;
    case 'container':
      return path ? resolve(workspaceDir, path) : workspaceDir;
    case 'absolute':
      return isAbsolute(path) ? path : resolve(path);
    default:
      // `self:` is the workspace inside a project; developer-dir references are Xcode's own.
      return undefined;
  }
}

function isPodsProject(path: string): boolean {
  return basename(path) === 'Pods.xcodeproj' && basename(dirname(path)) === 'Pods';
}
