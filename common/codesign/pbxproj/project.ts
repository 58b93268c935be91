import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { StepError } from '../../step/index.ts';
import { dictAt, type PDict, parseOpenStep, settingText, stringAt, stringsAt } from './openstep.ts';
import { pbxprojPathOf } from './paths.ts';

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

const loaded = new Map<string, { key: string; project: PbxProject }>();

/**
 * An Xcode project's object graph, queried straight from our OpenStep tree (`openstep.ts`): the
 * same tree the signing edits use, so every value is the text Xcode wrote (a team `0123456789`
 * stays a string) and the file is parsed once.
 */
export class PbxProject {
  readonly pbxprojPath: string;
  /** The `.xcodeproj` folder. */
  readonly path: string;
  /** SRCROOT / PROJECT_DIR. */
  readonly projectDir: string;
  readonly name: string;
  readonly rootId: string;
  private readonly objects: PDict;
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
    let root: PDict;
    try {
      const parsed = parseOpenStep(text);
      if (parsed.kind !== 'dict') throw new Error('the root is not a dictionary');
      root = parsed;
      this.objects = dictAt(root, 'objects') ?? fail('no objects dictionary');
    } catch (err) {
      throw new StepError(`failed to parse ${this.pbxprojPath}`, { cause: err });
    }
    this.rootId = stringAt(root, 'rootObject') ?? '';
    const rootObject = this.object(this.rootId);
    if (!rootObject) throw new StepError(`${this.pbxprojPath}: root object ${this.rootId} is missing`);
    this.projectDir = resolve(dirname(this.path), stringAt(rootObject, 'projectDirPath') ?? '');
  }

  /**
   * The project at `projectPath`, parsed once while its file is unchanged: a Step reads the same
   * project more than once (before and after the signing team is known), and a PbxProject is
   * only ever queried.
   */
  static load(projectPath: string): PbxProject {
    const path = resolve(pbxprojPathOf(projectPath));
    const stat = statSync(path, { throwIfNoEntry: false });
    const key = stat ? `${stat.mtimeMs} ${stat.size}` : undefined;
    const cached = loaded.get(path);
    if (key && cached?.key === key) return cached.project;
    const project = new PbxProject(projectPath);
    if (key) loaded.set(path, { key, project });
    return project;
  }

  private object(id: string | undefined): PDict | undefined {
    return id ? dictAt(this.objects, id) : undefined;
  }

  private get root(): PDict {
    return this.object(this.rootId)!;
  }

  targets(): NativeTarget[] {
    const all = stringsAt(this.root, 'targets');
    const byProduct = new Map<string, string>();
    for (const id of all) {
      const ref = stringAt(this.object(id), 'productReference');
      if (ref) byProduct.set(ref, id);
    }
    return all.flatMap((id) => {
      const obj = this.object(id);
      if (!obj) return [];
      const productReference = stringAt(obj, 'productReference') || undefined;
      const product = this.object(productReference);
      const dependencyIds = stringsAt(obj, 'dependencies').flatMap((dep) => {
        const dependency = this.object(dep);
        const direct = stringAt(dependency, 'target');
        if (direct) return [direct];
        const proxy = this.object(stringAt(dependency, 'targetProxy'));
        // Only proxies into this very project name a target we can read.
        return proxy && stringAt(proxy, 'containerPortal') === this.rootId
          ? [stringAt(proxy, 'remoteGlobalIDString') ?? '']
          : [];
      });
      const embeddedIds = stringsAt(obj, 'buildPhases').flatMap((phaseId) => {
        const phase = this.object(phaseId);
        if (stringAt(phase, 'isa') !== 'PBXCopyFilesBuildPhase') return [];
        return stringsAt(phase, 'files').flatMap((fileId) => {
          const target = byProduct.get(stringAt(this.object(fileId), 'fileRef') ?? '');
          return target ? [target] : [];
        });
      });
      return [
        {
          id,
          name: stringAt(obj, 'name') ?? '',
          productType: stringAt(obj, 'productType') ?? '',
          productFile: stringAt(product, 'path') || undefined,
          productReference,
          buildConfigurationList: stringAt(obj, 'buildConfigurationList') ?? '',
          dependencyIds,
          embeddedIds,
        },
      ];
    });
  }

  /** The project-level configurations. */
  projectConfigurations(): BuildConfiguration[] {
    return this.configurations(stringAt(this.root, 'buildConfigurationList') ?? '');
  }

  configurations(listId: string): BuildConfiguration[] {
    return stringsAt(this.object(listId), 'buildConfigurations').flatMap((id) => {
      const obj = this.object(id);
      if (!obj) return [];
      const buildSettings: Record<string, string> = {};
      for (const e of dictAt(obj, 'buildSettings')?.entries ?? [])
        buildSettings[e.key] = settingText(e.value);
      return [{ id, name: stringAt(obj, 'name') ?? '', buildSettings, xcconfigPath: this.xcconfigOf(obj) }];
    });
  }

  /** The `defaultConfigurationName` of a configuration list, e.g. `Release`. */
  defaultConfigurationName(listId: string): string | undefined {
    return stringAt(this.object(listId), 'defaultConfigurationName');
  }

  /** `TargetAttributes[id]` of the PBXProject, e.g. DevelopmentTeam and ProvisioningStyle. */
  targetAttributes(id: string): Record<string, string> {
    const attrs = dictAt(dictAt(dictAt(this.root, 'attributes'), 'TargetAttributes'), id);
    const out: Record<string, string> = {};
    for (const e of attrs?.entries ?? []) if (e.value.kind === 'string') out[e.key] = e.value.value;
    return out;
  }

  private xcconfigOf(config: PDict): string | undefined {
    const ref = stringAt(config, 'baseConfigurationReference');
    if (ref) return this.filePath(ref);
    // Xcode 16 folders: the xcconfig sits inside a synchronized folder.
    const anchor = stringAt(config, 'baseConfigurationReferenceAnchor');
    const relative = stringAt(config, 'baseConfigurationReferenceRelativePath');
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
    const path = stringAt(obj, 'path') ?? '';
    const tree = stringAt(obj, 'sourceTree') || '<group>';
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
      for (const { key, value } of this.objects.entries) {
        if (value.kind !== 'dict') continue;
        for (const child of stringsAt(value, 'children')) this.parentOf.set(child, key);
      }
    }
    return this.parentOf.get(id);
  }
}

function fail(message: string): never {
  throw new Error(message);
}
