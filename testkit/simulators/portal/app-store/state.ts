import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, createReadStream, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What the simulated App Store Connect holds for the team: apps, their builds and TestFlight
 * groups, build uploads with their reserved files, and the knobs tests turn to make Apple slow,
 * strict or unhappy. Time-driven changes (an upload finishing, a build's processing ending) are
 * worked out from timestamps whenever a request looks, so nothing runs in the background except
 * the checksum check of a committed file.
 */

export type SimPlatform = 'IOS' | 'MAC_OS' | 'TV_OS' | 'VISION_OS';
export type SimProcessingState = 'PROCESSING' | 'VALID' | 'INVALID' | 'FAILED';
export type SimUploadState = 'AWAITING_UPLOAD' | 'PROCESSING' | 'FAILED' | 'COMPLETE';

/** Apple's `StateDetail`: one error, warning or info of a build upload. */
export interface SimStateDetail {
  code: string;
  description: string;
}

export interface SimApp {
  id: string;
  bundleId: string;
  name: string;
  sku: string;
  primaryLocale: string;
}

export interface SimBetaGroup {
  id: string;
  appId: string;
  name: string;
  isInternalGroup: boolean;
  buildIds: string[];
}

export interface SimBuild {
  id: string;
  appId: string;
  /** The build number (CFBundleVersion): what Apple calls a build's `version`. */
  version: string;
  /** CFBundleShortVersionString, the pre-release version the build belongs to. */
  shortVersion: string;
  platform: SimPlatform;
  uploadedDate: Date;
  /** When processing ends (ms since the epoch); Infinity: never. */
  processingEndsAt: number;
  processingResult: Exclude<SimProcessingState, 'PROCESSING'>;
  /** Apple's reasons when processing ends INVALID or FAILED; shown on the build upload's state. */
  processingErrors: SimStateDetail[];
  usesNonExemptEncryption: boolean | null;
  uploadId?: string;
}

export interface SimBetaBuildLocalization {
  id: string;
  buildId: string;
  locale: string;
  whatsNew?: string;
}

export interface SimBetaReviewSubmission {
  id: string;
  buildId: string;
  submittedDate: Date;
}

/** One `DeliveryFileUploadOperation` handed out with a file reservation. */
export interface SimUploadOperation {
  partNumber: number;
  offset: number;
  length: number;
  /** The URL's signature: a PUT without it is refused. */
  token: string;
  expiration: Date;
}

export interface SimBuildUploadFile {
  id: string;
  uploadId: string;
  fileName: string;
  fileSize: number;
  uti: string;
  assetType: string;
  /** Where the parts are reassembled, at their offsets. */
  path: string;
  operations: SimUploadOperation[];
  /** Parts whose whole body arrived. */
  receivedParts: Set<number>;
  /** Every body byte received for this file, failed and repeated parts included. */
  bytesReceived: number;
  /** PUTs per part number, failed ones included. */
  partAttempts: Map<number, number>;
  uploaded: boolean;
  checksums?: { file?: { hash?: string; algorithm?: string } };
}

export interface SimBuildUpload {
  id: string;
  appId: string;
  shortVersion: string;
  version: string;
  platform: SimPlatform;
  createdDate: Date;
  fileId?: string;
  /** When the file was committed (ms since the epoch). */
  committedAt?: number;
  /** The checksum and duplicate checks' findings; undefined while they run. */
  verification?: SimStateDetail[];
  state: SimUploadState;
  errors: SimStateDetail[];
  buildId?: string;
  uploadedDate?: Date;
}

export interface AppStoreKnobs {
  /** Size of each upload operation the simulator hands out; the last part is shorter. */
  partSize: number;
  /** How long a committed upload stays PROCESSING before COMPLETE (after its checks). */
  uploadProcessingMs: number;
  /** How long a new build stays PROCESSING; Infinity never ends (for processing timeouts). */
  buildProcessingMs: number;
  /** How a new build's processing ends. */
  processingResult: Exclude<SimProcessingState, 'PROCESSING'>;
  /** Apple's reasons for an INVALID or FAILED build. */
  processingErrors: SimStateDetail[];
  /** A new build's export compliance answer: null until someone answers. */
  usesNonExemptEncryption: boolean | null;
}

export interface AppSeed {
  bundleId: string;
  name?: string;
  /** Apple's numeric app ID; generated when absent. */
  id?: string;
  betaGroups?: Array<{ name: string; isInternalGroup?: boolean }>;
  /** Builds App Store Connect already has: `version` is CFBundleShortVersionString, `build` the number. */
  builds?: Array<{ version: string; build: string; platform?: SimPlatform }>;
  /** Uploads of an earlier run still in flight. */
  uploads?: Array<{ version: string; build: string; platform?: SimPlatform; state?: SimUploadState }>;
}

export interface AppStoreSeed {
  apps?: AppSeed[];
  /** Knobs to turn from the start, e.g. a processing time for a demo. */
  knobs?: Partial<AppStoreKnobs>;
}

export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

export function defaultKnobs(): AppStoreKnobs {
  return {
    partSize: DEFAULT_PART_SIZE,
    uploadProcessingMs: 0,
    buildProcessingMs: 0,
    processingResult: 'VALID',
    processingErrors: [{ code: 'INVALID_BINARY', description: 'The binary is invalid.' }],
    usesNonExemptEncryption: null,
  };
}

export class AppStoreState {
  readonly apps: SimApp[] = [];
  readonly betaGroups: SimBetaGroup[] = [];
  readonly builds: SimBuild[] = [];
  readonly localizations: SimBetaBuildLocalization[] = [];
  readonly reviewSubmissions: SimBetaReviewSubmission[] = [];
  readonly uploads: SimBuildUpload[] = [];
  readonly files: SimBuildUploadFile[] = [];
  knobs: AppStoreKnobs = defaultKnobs();
  private dir?: string;
  private nextNumericId = 1_600_000_000;

  constructor(private readonly now: () => number = Date.now) {}

  /** Every body byte the upload operations received, failed parts included. */
  get bytesReceived(): number {
    return this.files.reduce((sum, file) => sum + file.bytesReceived, 0);
  }

  seed(seed: AppStoreSeed): void {
    Object.assign(this.knobs, seed.knobs);
    for (const app of seed.apps ?? []) this.addApp(app);
  }

  addApp(seed: AppSeed): SimApp {
    const app: SimApp = {
      id: seed.id ?? String(this.nextNumericId++),
      bundleId: seed.bundleId,
      name: seed.name ?? seed.bundleId.split('.').at(-1) ?? seed.bundleId,
      sku: seed.bundleId.toUpperCase().replace(/\./g, '_'),
      primaryLocale: 'en-US',
    };
    this.apps.push(app);
    for (const group of seed.betaGroups ?? [])
      this.betaGroups.push({
        id: randomUuidLike(),
        appId: app.id,
        name: group.name,
        isInternalGroup: group.isInternalGroup ?? false,
        buildIds: [],
      });
    for (const build of seed.builds ?? [])
      this.addBuild({
        appId: app.id,
        version: build.build,
        shortVersion: build.version,
        platform: build.platform ?? 'IOS',
        processed: true,
      });
    for (const upload of seed.uploads ?? []) {
      this.uploads.push({
        id: randomUuidLike(),
        appId: app.id,
        shortVersion: upload.version,
        version: upload.build,
        platform: upload.platform ?? 'IOS',
        createdDate: new Date(this.now()),
        state: upload.state ?? 'PROCESSING',
        errors: [],
      });
    }
    return app;
  }

  addBuild(params: {
    appId: string;
    version: string;
    shortVersion: string;
    platform: SimPlatform;
    processed?: boolean;
    uploadId?: string;
  }): SimBuild {
    const now = this.now();
    const build: SimBuild = {
      id: randomUuidLike(),
      appId: params.appId,
      version: params.version,
      shortVersion: params.shortVersion,
      platform: params.platform,
      uploadedDate: new Date(now),
      processingEndsAt: params.processed ? now : now + this.knobs.buildProcessingMs,
      processingResult: params.processed ? 'VALID' : this.knobs.processingResult,
      processingErrors: params.processed ? [] : [...this.knobs.processingErrors],
      usesNonExemptEncryption: params.processed ? false : this.knobs.usesNonExemptEncryption,
      uploadId: params.uploadId,
    };
    this.builds.push(build);
    return build;
  }

  processingState(build: SimBuild): SimProcessingState {
    return this.now() < build.processingEndsAt ? 'PROCESSING' : build.processingResult;
  }

  createUpload(params: {
    appId: string;
    shortVersion: string;
    version: string;
    platform: SimPlatform;
  }): SimBuildUpload {
    const upload: SimBuildUpload = {
      id: randomUuidLike(),
      ...params,
      createdDate: new Date(this.now()),
      state: 'AWAITING_UPLOAD',
      errors: [],
    };
    this.uploads.push(upload);
    return upload;
  }

  /** Reserves the file: an empty file of its size to write the parts into, and its operations. */
  reserveFile(params: {
    upload: SimBuildUpload;
    fileName: string;
    fileSize: number;
    uti: string;
    assetType: string;
  }): SimBuildUploadFile {
    this.dir ??= mkdtempSync(join(tmpdir(), 'portal-sim-uploads-'));
    const id = randomUuidLike();
    const path = join(this.dir, id);
    const fd = openSync(path, 'w');
    try {
      ftruncateSync(fd, params.fileSize);
    } finally {
      closeSync(fd);
    }
    const operations: SimUploadOperation[] = [];
    const expiration = new Date(this.now() + 7 * 24 * 3600_000);
    for (
      let offset = 0, partNumber = 1;
      offset < params.fileSize;
      offset += this.knobs.partSize, partNumber++
    )
      operations.push({
        partNumber,
        offset,
        length: Math.min(this.knobs.partSize, params.fileSize - offset),
        token: randomBytes(24).toString('base64url'),
        expiration,
      });
    const file: SimBuildUploadFile = {
      id,
      uploadId: params.upload.id,
      fileName: params.fileName,
      fileSize: params.fileSize,
      uti: params.uti,
      assetType: params.assetType,
      path,
      operations,
      receivedParts: new Set(),
      bytesReceived: 0,
      partAttempts: new Map(),
      uploaded: false,
    };
    this.files.push(file);
    params.upload.fileId = id;
    return file;
  }

  /** Bytes of the file's parts that arrived whole. */
  receivedBytes(file: SimBuildUploadFile): number {
    return file.operations
      .filter((op) => file.receivedParts.has(op.partNumber))
      .reduce((sum, op) => sum + op.length, 0);
  }

  /**
   * The commit: from now on the upload is PROCESSING while the file's checksum is compared with
   * what the client sent and the build number is checked, as Apple does after the upload.
   */
  commit(file: SimBuildUploadFile, checksums: SimBuildUploadFile['checksums']): void {
    const upload = this.uploads.find((u) => u.id === file.uploadId)!;
    file.uploaded = true;
    file.checksums = checksums;
    upload.committedAt = this.now();
    upload.uploadedDate = new Date(this.now());
    upload.state = 'PROCESSING';
    const duplicate = this.duplicateOf(upload);
    void verifyChecksum(file).then((problems) => {
      upload.verification = [...(duplicate ? [duplicate] : []), ...problems];
    });
  }

  /** Moves uploads whose checks and processing time are over to FAILED or COMPLETE (creating the build). */
  advance(): void {
    for (const upload of this.uploads) {
      if (upload.state !== 'PROCESSING' || upload.committedAt === undefined || !upload.verification) continue;
      if (this.now() < upload.committedAt + this.knobs.uploadProcessingMs) continue;
      if (upload.verification.length > 0) {
        upload.state = 'FAILED';
        upload.errors.push(...upload.verification);
        continue;
      }
      const build = this.addBuild({
        appId: upload.appId,
        version: upload.version,
        shortVersion: upload.shortVersion,
        platform: upload.platform,
        uploadId: upload.id,
      });
      upload.buildId = build.id;
      upload.state = 'COMPLETE';
    }
  }

  /** The upload's errors, with the build's processing errors once it ended INVALID or FAILED. */
  uploadErrors(upload: SimBuildUpload): SimStateDetail[] {
    const build = this.builds.find((b) => b.id === upload.buildId);
    const failed = build && ['INVALID', 'FAILED'].includes(this.processingState(build));
    return [...upload.errors, ...(failed ? build.processingErrors : [])];
  }

  /** Transporter's ITMS-4238, when the app already has this build number for the version. */
  private duplicateOf(upload: SimBuildUpload): SimStateDetail | undefined {
    const taken =
      this.builds.some(
        (b) =>
          b.appId === upload.appId &&
          b.version === upload.version &&
          b.shortVersion === upload.shortVersion &&
          b.platform === upload.platform,
      ) ||
      this.uploads.some(
        (u) =>
          u !== upload &&
          u.appId === upload.appId &&
          u.version === upload.version &&
          u.shortVersion === upload.shortVersion &&
          u.platform === upload.platform &&
          (u.state === 'PROCESSING' || u.state === 'COMPLETE'),
      );
    if (!taken) return undefined;
    return {
      code: 'ITMS-4238',
      description: `Redundant Binary Upload. You've already uploaded a build with build number '${upload.version}' for version number '${upload.shortVersion}'. Make sure you increment the build string before you upload your app to App Store Connect.`,
    };
  }

  /** Removes the reassembled files. */
  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** Apple's build, group and upload IDs look like UUIDs. */
const randomUuidLike = (): string => randomUUID();

const ALGORITHMS: Record<string, string> = { MD5: 'md5', SHA_256: 'sha256' };

/** Compares the reassembled file with the checksum the commit carried (lower-case hex). */
async function verifyChecksum(file: SimBuildUploadFile): Promise<SimStateDetail[]> {
  const sent = file.checksums?.file;
  if (!sent?.hash || !sent.algorithm) return [];
  const algorithm = ALGORITHMS[sent.algorithm];
  if (!algorithm)
    return [{ code: 'CHECKSUM_ALGORITHM', description: `Unsupported algorithm ${sent.algorithm}.` }];
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file.path, { highWaterMark: 1024 * 1024 }))
    hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  if (actual === sent.hash) return [];
  return [
    {
      code: 'CHECKSUM_MISMATCH',
      description: `The ${sent.algorithm} checksum of the uploaded file is ${actual}, but the commit said ${sent.hash}.`,
    },
  ];
}
