/**
 * What the platform, entitlement, device and certificate end-to-end tests share: a simulated team
 * with the certificates and devices a case needs, identities of any Apple type, a run through
 * step.sh over either transport, and readers for what the run left behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { decodeProfile } from '../../../common/codesign/index.ts';
import type { CertificateType } from '../../../common/portal/index.ts';
import { lastRedBlock, redBlocks } from '../../../testkit/failure-reason.ts';
import {
  connectionPayload,
  KEYCHAIN_PASSWORD,
  P12_PASSPHRASE,
  type Transport,
} from '../../../testkit/fixtures/provisioning.ts';
import { connectionSecrets, leakedSecrets, runStepSh, type StepRun } from '../../../testkit/harness.ts';
import { createTestIdentity, createTestP12 } from '../../../testkit/identities/index.ts';
import type { BuildApiSimulator } from '../../../testkit/simulators/build-api/index.ts';
import {
  type DeviceSeed,
  type PortalSimulator,
  startPortalSimulator,
} from '../../../testkit/simulators/portal/index.ts';

export const TRANSPORTS: Transport[] = ['api_key', 'apple_id'];

export const IPHONE = '00008030-001A2B3C4D5E6F70';
export const IPAD = '00008027-000A1B2C3D4E5F60';
export const APPLE_WATCH = '00008006-0011AABBCCDDEEFF';
export const APPLE_TV = '00008110-001122334455AABB';
export const VISION_PRO = '00008112-0011223344556677';
export const MAC = '00008103-001C2D3E4F5A6B7C';

export const DEVICES: Record<string, DeviceSeed> = {
  iphone: { udid: IPHONE, deviceClass: 'IPHONE', name: 'Team iPhone' },
  ipad: { udid: IPAD, deviceClass: 'IPAD', name: 'Team iPad' },
  watch: { udid: APPLE_WATCH, deviceClass: 'APPLE_WATCH', name: 'Team Watch' },
  tv: { udid: APPLE_TV, deviceClass: 'APPLE_TV', name: 'Team Apple TV' },
  vision: { udid: VISION_PRO, deviceClass: 'APPLE_VISION_PRO', name: 'Team Vision Pro' },
  mac: { udid: MAC, deviceClass: 'MAC', platform: 'MAC_OS', name: 'Team Mac' },
};

const PREFIX: Record<string, string> = {
  DEVELOPMENT: 'Apple Development',
  DISTRIBUTION: 'Apple Distribution',
  DEVELOPER_ID_APPLICATION: 'Developer ID Application',
  IOS_DEVELOPMENT: 'iPhone Developer',
  MAC_APP_DISTRIBUTION: '3rd Party Mac Developer Application',
};

export interface Identity {
  type: CertificateType;
  commonName: string;
  serial: string;
  p12Path: string;
  notAfter: Date;
}

let serial = 0x5a000000;

export interface World {
  sim: PortalSimulator;
  dir: string;
  identities: Identity[];
}

export interface WorldOptions {
  devices?: Array<keyof typeof DEVICES>;
  /** Certificates uploaded as p12s; on the portal too unless `onPortal` is false. */
  certificates?: Array<{ type: CertificateType; onPortal?: boolean; notAfter?: Date }>;
}

/** A simulated team with the given devices and certificates (default: an iPhone, development and distribution). */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const sim = await startPortalSimulator({
    seed: { devices: (options.devices ?? ['iphone']).map((d) => DEVICES[d]!) },
  });
  const dir = mkdtempSync(join(tmpdir(), 'auto-provision-platforms-'));
  const team = sim.teams[0]!;
  const identities = (options.certificates ?? [{ type: 'DEVELOPMENT' }, { type: 'DISTRIBUTION' }]).map(
    (c): Identity => {
      const hex = `6${(serial++).toString(16).toUpperCase()}`;
      const commonName = `${PREFIX[c.type] ?? c.type}: ${team.name} (${team.teamId})`;
      const notAfter = c.notAfter ?? new Date(Date.now() + 300 * 86_400_000);
      const identity = createTestIdentity({
        commonName,
        teamId: team.teamId,
        teamName: team.name,
        serial: hex,
        notAfter,
      });
      const p12Path = join(dir, `${hex}.p12`);
      writeFileSync(p12Path, createTestP12(identity, P12_PASSPHRASE));
      if (c.onPortal !== false)
        sim.state.addCertificate({
          serialHex: hex,
          certificateType: c.type,
          commonName,
          expirationDate: notAfter,
        });
      return { type: c.type, commonName, serial: hex, p12Path, notAfter };
    },
  );
  return { sim, dir, identities };
}

export interface Provisioned {
  run: StepRun;
  pbxBefore: string;
  pbxAfter: string;
}

/** Runs the Step through step.sh against the world, over the transport, with every identity uploaded. */
export async function provision(
  w: World,
  api: BuildApiSimulator,
  transport: Transport,
  project: { projectPath: string; pbxprojPath: string; scheme: string },
  inputs: Record<string, string> = {},
  payloadExtra: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<Provisioned> {
  const payload = connectionPayload(w.sim, transport, payloadExtra);
  api.setPayload(payload);
  const pbxBefore = readFileSync(project.pbxprojPath, 'utf8');
  w.sim.requestLog.length = 0;
  const run = await runStepSh('auto-provision', {
    inputs: {
      connection: transport,
      build_url: api.url,
      build_api_token: api.token,
      project_path: project.projectPath,
      scheme: project.scheme,
      distribution_type: 'development',
      certificate_urls: w.identities.map((i) => `file://${i.p12Path}`).join('|'),
      passphrases: w.identities.map(() => P12_PASSPHRASE).join('|'),
      keychain_password: KEYCHAIN_PASSWORD,
      ...inputs,
    },
    env: { ...w.sim.hostMapEnv, ...env },
  });
  const secrets = [P12_PASSPHRASE, KEYCHAIN_PASSWORD, api.token, ...connectionSecrets(payload)];
  expect(leakedSecrets(run.output, secrets)).toEqual([]);
  return { run, pbxBefore, pbxAfter: readFileSync(project.pbxprojPath, 'utf8') };
}

/** A failed run: one red line, the failure reason the Bitrise CLI shows, and nothing else red. */
export function failureReason(run: StepRun): string {
  expect(run.exitCode).toBe(1);
  const reason = lastRedBlock(run.rawOutput) ?? '';
  expect(reason.trim().split('\n')).toHaveLength(1);
  expect(redBlocks(run.rawOutput)).toHaveLength(1);
  return reason.trim();
}

/** The profile files installed under $HOME, by folder, with the profile each holds. */
export function installedProfiles(home: string) {
  return [
    'Library/MobileDevice/Provisioning Profiles',
    'Library/Developer/Xcode/UserData/Provisioning Profiles',
  ].flatMap((folder) => {
    const path = join(home, folder);
    if (!existsSync(path)) return [];
    return readdirSync(path).map((file) => ({
      folder,
      file,
      profile: decodeProfile(readFileSync(join(path, file))),
    }));
  });
}

/** The value of a build setting in one configuration block of the pbxproj, by the block's ID. */
export function buildSetting(pbxproj: string, configId: string, key: string): string | undefined {
  const start = pbxproj.indexOf(`\t\t${configId} /*`);
  const block = pbxproj.slice(start, pbxproj.indexOf('\n\t\t};', start));
  const escaped = key.replace(/[[\]*]/g, '\\$&');
  const match = new RegExp(`\\n\\t+"?${escaped}"? = ("[^"]*"|[^;]*);`).exec(block);
  return match?.[1]?.replace(/^"|"$/g, '');
}

/** The Debug and Release configuration IDs of a target of a generated project. */
export function configIds(pbxproj: string, target: string): { debug: string; release: string } {
  const list = new RegExp(
    `(\\w{24}) /\\* Build configuration list for PBXNativeTarget "${target}" \\*/ = \\{[^}]*?(\\w{24}) /\\* Debug \\*/,\\s*(\\w{24}) /\\* Release \\*/`,
  ).exec(pbxproj);
  if (!list) throw new Error(`no configuration list for ${target}`);
  return { debug: list[2]!, release: list[3]! };
}

/** A fresh directory under the world's. */
export function subdir(w: World, name: string): string {
  const path = join(w.dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

/** The rows of the signing table the log shows (header and separator left out). */
export function tableRows(output: string): string[][] {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Target ') && l.includes('| Bundle ID'));
  if (start < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.includes(' | ')) break;
    rows.push(line.split(' | ').map((c) => c.trim()));
  }
  return rows;
}
