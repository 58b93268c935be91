import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parsePlist } from '../../../common/formats/plist.ts';
import { ZipError, ZipFile } from './zip.ts';

/** What the Step learned from the .ipa's `Payload/<name>.app/Info.plist`. */
export interface IpaInfo {
  kind: 'ipa';
  path: string;
  app: string;
  bundleId: string;
  version: string;
  build: string;
  /** DTPlatformName: iphoneos, appletvos, … */
  platformName: string;
}

export interface PkgInfo {
  kind: 'pkg';
  path: string;
  size: number;
}

export type ArtifactInfo = IpaInfo | PkgInfo;

/** Why a file is not the artifact it claims to be; the message completes "<input>: …". */
export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactError';
  }
}

function statFile(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new ArtifactError(`file "${path}" does not exist`);
  if (!stat.isFile()) throw new ArtifactError(`"${path}" is not a file`);
  return stat.size;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** An .ipa is a zip with `Payload/<name>.app/`; reads the app's Info.plist. */
export async function inspectIpa(path: string): Promise<IpaInfo> {
  statFile(path);
  let zip: ZipFile;
  try {
    zip = await ZipFile.open(path);
  } catch (err) {
    if (err instanceof ZipError) throw new ArtifactError(`"${path}" is not an IPA: ${err.message}`);
    throw new ArtifactError(`"${path}" cannot be read: ${(err as Error).message}`);
  }
  try {
    const entries = zip.entries();
    const apps = [
      ...new Set(
        entries
          .map((entry) => /^Payload\/([^/]+\.app)\//.exec(entry.name)?.[1])
          .filter((app): app is string => app !== undefined),
      ),
    ];
    if (apps.length === 0)
      throw new ArtifactError(`"${path}" is not an IPA: it has no Payload/<name>.app/ folder`);
    if (apps.length > 1)
      throw new ArtifactError(
        `"${path}" has ${apps.length} apps in Payload/ (${apps.join(', ')}); an IPA has one`,
      );
    const app = apps[0]!;
    const plistEntry = entries.find((entry) => entry.name === `Payload/${app}/Info.plist`);
    if (!plistEntry)
      throw new ArtifactError(`"${path}" is not a valid IPA: Payload/${app}/Info.plist is missing`);
    let plist: Record<string, unknown>;
    try {
      plist = parsePlist(await zip.extract(plistEntry));
    } catch (err) {
      throw new ArtifactError(
        `Payload/${app}/Info.plist in "${path}" cannot be read: ${(err as Error).message}`,
      );
    }
    const bundleId = text(plist['CFBundleIdentifier']);
    if (!bundleId)
      throw new ArtifactError(`Payload/${app}/Info.plist in "${path}" has no CFBundleIdentifier`);
    return {
      kind: 'ipa',
      path,
      app,
      bundleId,
      version: text(plist['CFBundleShortVersionString']),
      build: text(plist['CFBundleVersion']),
      platformName: text(plist['DTPlatformName']),
    };
  } finally {
    zip.close();
  }
}

/** A .pkg (flat installer package) is a xar archive: it starts with `xar!`. */
export function inspectPkg(path: string): PkgInfo {
  const size = statFile(path);
  const magic = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, magic, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (magic.toString('latin1') !== 'xar!')
    throw new ArtifactError(
      `"${path}" is not a .pkg: a flat installer package is a xar archive starting with "xar!"`,
    );
  return { kind: 'pkg', path, size };
}

/** The platform deliver expects for an IPA built for DTPlatformName, when it tells. */
export function platformOf(platformName: string): string | undefined {
  if (platformName.startsWith('iphoneos')) return 'ios';
  if (platformName.startsWith('appletvos')) return 'appletvos';
  if (platformName.startsWith('macosx')) return 'osx';
  return undefined;
}
