import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { StepError } from '../../step/index.ts';
import { workspaceProjects } from './workspace.ts';
import { parseXmlDocument } from './xml-document.ts';

export interface BuildableReference {
  blueprintIdentifier: string;
  buildableName: string;
  blueprintName: string;
  /** Absolute path of the `.xcodeproj` the target lives in. */
  containerPath: string;
}

export interface BuildActionEntry {
  buildForArchiving: boolean;
  buildForTesting: boolean;
  reference: BuildableReference;
}

export interface Scheme {
  name: string;
  path: string;
  buildEntries: BuildActionEntry[];
  testables: BuildableReference[];
  archiveConfiguration?: string;
}

/**
 * Finds `<scheme>.xcscheme` the way Xcode lists schemes: shared schemes first, then the users'
 * ones; for a workspace its own schemes, then those of its projects (Pods excluded).
 */
export function findScheme(projectPath: string, name: string): Scheme {
  const path = resolve(projectPath);
  const containers = path.endsWith('.xcworkspace') ? [path, ...workspaceProjects(path)] : [path];
  for (const container of containers) {
    for (const candidate of schemeCandidates(container, name)) {
      if (existsSync(candidate)) return parseScheme(candidate, name, dirname(container));
    }
  }
  throw new StepError(`project (${projectPath}) does not contain scheme (${name})`);
}

function schemeCandidates(container: string, name: string): string[] {
  const shared = join(container, 'xcshareddata', 'xcschemes', `${name}.xcscheme`);
  const userData = join(container, 'xcuserdata');
  let users: string[] = [];
  try {
    users = readdirSync(userData)
      .filter((d) => d.endsWith('.xcuserdatad'))
      .sort()
      .map((d) => join(userData, d, 'xcschemes', `${name}.xcscheme`));
  } catch {
    // no user data
  }
  return [shared, ...users];
}

/** `containerDir` is the folder holding the `.xcodeproj`/`.xcworkspace` that owns the scheme. */
function parseScheme(path: string, name: string, containerDir: string): Scheme {
  const root = parseXmlDocument(readFileSync(path, 'utf8'), path);
  const all = (element: Element, tag: string): Element[] => Array.from(element.getElementsByTagName(tag));
  const attr = (element: Element, key: string): string => element.getAttribute(key) ?? '';
  const reference = (element: Element): BuildableReference | undefined => {
    const ref = all(element, 'BuildableReference')[0];
    if (!ref) return undefined;
    return {
      blueprintIdentifier: attr(ref, 'BlueprintIdentifier'),
      buildableName: attr(ref, 'BuildableName'),
      blueprintName: attr(ref, 'BlueprintName'),
      containerPath: resolveContainer(attr(ref, 'ReferencedContainer'), containerDir),
    };
  };
  const buildEntries: BuildActionEntry[] = [];
  for (const entry of all(root, 'BuildActionEntry')) {
    const ref = reference(entry);
    if (!ref) continue;
    buildEntries.push({
      buildForArchiving: attr(entry, 'buildForArchiving') === 'YES',
      buildForTesting: attr(entry, 'buildForTesting') === 'YES',
      reference: ref,
    });
  }
  const testables = all(root, 'TestableReference')
    .map(reference)
    .filter((r): r is BuildableReference => r !== undefined);
  const archive = all(root, 'ArchiveAction')[0];
  return {
    name,
    path,
    buildEntries,
    testables,
    archiveConfiguration: (archive && attr(archive, 'buildConfiguration')) || undefined,
  };
}

function resolveContainer(container: string, containerDir: string): string {
  const path = container.replace(/^container:/, '');
  return resolve(containerDir, path);
}
