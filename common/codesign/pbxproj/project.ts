import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import xcode from 'xcode';
import { StepError } from '../../step/index.ts';
import { dictAt, type PDict, parseOpenStep, settingText } from './openstep.ts';
import { pbxprojPathOf } from './paths.ts';

type Obj = Record<string, unknown>;

export interface NativeTarget {
  id: string;
  name: string;
  productType: string;
  /** The product's file name, e.g. `App.app`, when the project records it. */
  productFile?: string;
  productReference?: string;
  buildConfigurationList: string;
  /** IDs of same-project targets this one depends on, through target dependencies. */
  dependencyIds: string[];
  /** IDs of same-project targets whose products this one copies in (embed phases). */
  embeddedIds: string[];
}

export interface BuildConfiguration {
  id: string;
  name: string;
  /** Raw `buildSettings`, keys as written (conditions included), list values joined by spaces. */
  buildSettings: Record<string, string>;
  /** Absolute path of the base `.xcconfig`, when it has one and it can be located. */
  xcconfigPath?: string;
}

/** Xcode's quoted strings come back from the `xcode` parser with their quotes and escapes. */
export function unquote(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return '';
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
  }
  return value;
}

function idOf(value: unknown): string {
  if (value && typeof value === 'object' && 'value' in value) return unquote((value as Obj)['value']);
  return unquote(value);
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * An Xcode project read with the `xcode` package (object graph) plus our span-keeping reader for
 * build settings, which the `xcode` parser would turn into numbers (team `0123456789` → 123456789).
 */
export class PbxProject {
  readonly pbxprojPath: string;
  /** The `.xcodeproj` folder. */
  readonly path: string;
  /** SRCROOT / PROJECT_DIR. */
  readonly projectDir: string;
  readonly name: string;
  private readonly objects = new Map<string, Obj>();
  private readonly rawObjects: PDict;
  readonly rootId: string;
  private parentOf?: Map<string, string>;

  private constructor(projectPath: string) {
    this.pbxprojPath = resolve(pbxprojPathOf(projectPath));
    this.path = dirname(this.pbxprojPath);
    this.name = this.path.replace(/^.*\//, '').replace(/\.xcodeproj$/, '');
    let text: string;
    try {
      text = readFileSync(this.pbxprojPath, 'utf8');
    } catch (err) {
      throw new StepError(`failed to read ${this.pbxprojPath}`, { cause: err });
    }
    let hash: { project: { objects: Obj; rootObject: string } };
    try {
      const project = xcode.project(this.pbxprojPath);
      project.parseSync();
      hash = project.hash;
      const root = parseOpenStep(text);
      this.rawObjects = (root.kind === 'dict' ? dictAt(root, 'objects') : undefined) ?? fail();
    } catch (err) {
      throw new StepError(`failed to parse ${this.pbxprojPath}`, { cause: err });
    }
    this.flatten(hash.project.objects);
    this.rootId = idOf(hash.project.rootObject);
    const rootObject = this.objects.get(this.rootId);
    if (!rootObject) throw new StepError(`${this.pbxprojPath}: root object ${this.rootId} is missing`);
    this.projectDir = resolve(dirname(this.path), unquote(rootObject['projectDirPath']));
  }

  static load(projectPath: string): PbxProject {
    return new PbxProject(projectPath);
  }

  /** The `xcode` parser groups objects by isa only inside `Begin … section` comments; accept both. */
  private flatten(objects: Obj): void {
    for (const [key, value] of Object.entries(objects)) {
      if (key.endsWith('_comment') || !value || typeof value !== 'object') continue;
      const obj = value as Obj;
      if (typeof obj['isa'] === 'string') this.objects.set(key, obj);
      else this.flatten(obj);
    }
  }

  object(id: string | undefined): Obj | undefined {
    return id ? this.objects.get(id) : undefined;
  }

  get root(): Obj {
    return this.objects.get(this.rootId)!;
  }

  targets(): NativeTarget[] {
    const all = listOf(this.root['targets']).map(idOf);
    const byProduct = new Map<string, string>();
    for (const id of all) {
      const ref = idOf(this.object(id)?.['productReference']);
      if (ref) byProduct.set(ref, id);
    }
    return all.flatMap((id) => {
      const obj = this.object(id);
      if (!obj) return [];
      const productReference = idOf(obj['productReference']) || undefined;
      const product = this.object(productReference);
      const dependencyIds = listOf(obj['dependencies']).flatMap((dep) => {
        const dependency = this.object(idOf(dep));
        const direct = idOf(dependency?.['target']);
        if (direct) return [direct];
        const proxy = this.object(idOf(dependency?.['targetProxy']));
        // Only proxies into this very project name a target we can read.
        return proxy && idOf(proxy['containerPortal']) === this.rootId
          ? [idOf(proxy['remoteGlobalIDString'])]
          : [];
      });
      const embeddedIds = listOf(obj['buildPhases']).flatMap((phaseId) => {
        const phase = this.object(idOf(phaseId));
        if (phase?.['isa'] !== 'PBXCopyFilesBuildPhase') return [];
        return listOf(phase['files']).flatMap((fileId) => {
          const target = byProduct.get(idOf(this.object(idOf(fileId))?.['fileRef']));
          return target ? [target] : [];
        });
      });
      return [
        {
          id,
          name: unquote(obj['name']),
          productType: unquote(obj['productType']),
          productFile: product ? unquote(product['path']) || undefined : undefined,
          productReference,
          buildConfigurationList: idOf(obj['buildConfigurationList']),
          dependencyIds,
          embeddedIds,
        },
      ];
    });
  }

  /** The project-level configurations. */
  projectConfigurations(): BuildConfiguration[] {
    return this.configurations(idOf(this.root['buildConfigurationList']));
  }

  configurations(listId: string): BuildConfiguration[] {
    return listOf(this.object(listId)?.['buildConfigurations']).flatMap((value) => {
      const id = idOf(value);
      const obj = this.object(id);
      if (!obj) return [];
      return [
        {
          id,
          name: unquote(obj['name']),
          buildSettings: this.rawSettings(id),
          xcconfigPath: this.xcconfigOf(obj),
        },
      ];
    });
  }

  /** `TargetAttributes[id]` of the PBXProject, e.g. DevelopmentTeam and ProvisioningStyle. */
  targetAttributes(id: string): Record<string, string> {
    const all = (this.root['attributes'] as Obj | undefined)?.['TargetAttributes'] as Obj | undefined;
    const attrs = all?.[id] as Obj | undefined;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(attrs ?? {})) {
      if (typeof value === 'string' || typeof value === 'number') out[key] = unquote(value);
    }
    return out;
  }

  private rawSettings(configId: string): Record<string, string> {
    const settings = dictAt(dictAt(this.rawObjects, configId), 'buildSettings');
    const out: Record<string, string> = {};
    for (const e of settings?.entries ?? []) out[e.key] = settingText(e.value);
    return out;
  }

  private xcconfigOf(config: Obj): string | undefined {
    const ref = idOf(config['baseConfigurationReference']);
    if (ref) return this.filePath(ref);
    // Xcode 16 folders: the xcconfig sits inside a synchronized folder.
    const anchor = idOf(config['baseConfigurationReferenceAnchor']);
    const relative = unquote(config['baseConfigurationReferenceRelativePath']);
    if (anchor && relative) {
      const folder = this.filePath(anchor);
      return folder ? join(folder, relative) : undefined;
    }
    return undefined;
  }

  /** Where a file reference or group lives on disk, when its source tree is known here. */
  filePath(id: string): string | undefined {
    const obj = this.object(id);
    if (!obj) return undefined;
    const path = unquote(obj['path']);
    const tree = unquote(obj['sourceTree']) || '<group>';
    switch (tree) {
      case '<absolute>':
        return path;
      case 'SOURCE_ROOT':
        return resolve(this.projectDir, path);
      case '<group>': {
        const parent = this.parent(id);
        const base = parent ? this.filePath(parent) : this.projectDir;
        if (base === undefined) return undefined;
        return path ? (isAbsolute(path) ? path : resolve(base, path)) : base;
      }
      default:
        // BUILT_PRODUCTS_DIR, SDKROOT, DEVELOPER_DIR: not part of the checkout.
        return undefined;
    }
  }

  private parent(id: string): string | undefined {
    if (!this.parentOf) {
      this.parentOf = new Map();
      for (const [groupId, obj] of this.objects) {
        for (const child of listOf(obj['children'])) this.parentOf.set(idOf(child), groupId);
      }
    }
    return this.parentOf.get(id);
  }
}

function fail(): never {
  throw new Error('no objects dictionary');
}
