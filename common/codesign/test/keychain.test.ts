import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestIdentity, createTestP12 } from '../../../testkit/identities/index.ts';
import { readRecordings, STAND_INS_DIR } from '../../../testkit/stand-ins/index.ts';
import { Cleanups, createExec, type Exec, Secret } from '../../step/index.ts';
import { decodeP12, installCertificates, type LoadedCertificate } from '../index.ts';
import { sameKeychain } from '../install/keychain.ts';
import { captureLogger } from './support/logger.ts';

// installCertificates against the security stand-in, which keeps keychains and the search list
// in files under $HOME as macOS does (testkit/stand-ins/security-keychains.mjs).

const KEYCHAIN_PASSWORD = 'kc-pa55-word';
const P12_PASSPHRASE = 'p12-pa55-phrase';
const SYSTEM_KEYCHAIN = '/Library/Keychains/System.keychain';

function loaded(commonName: string, passphrase = P12_PASSPHRASE): LoadedCertificate {
  const p12 = createTestP12(createTestIdentity({ commonName }), P12_PASSPHRASE);
  const [identity] = decodeP12(p12, P12_PASSPHRASE, 'test');
  return { info: identity!.info, p12, passphrase: new Secret(passphrase), source: 'test' };
}

let dir: string;
let cleanups: Cleanups;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keychain-'));
  cleanups = new Cleanups();
});
afterEach(() => {
  cleanups.runAll();
  rmSync(dir, { recursive: true, force: true });
});

/** The user's keychain folder in the test's HOME. */
const keychains = () => join(dir, 'Library', 'Keychains');

function standInEnv(extraEnv: Record<string, string> = {}) {
  return {
    PATH: `${STAND_INS_DIR}:${process.env['PATH']}`,
    HOME: dir,
    STAND_IN_LOG: join(dir, 'calls.jsonl'),
    ...extraEnv,
  };
}

/** Runs the security stand-in directly, e.g. to prepare a keychain or read the search list. */
function security(...args: string[]) {
  const result = spawnSync(join(STAND_INS_DIR, 'security'), args, {
    env: { ...standInEnv(), STAND_IN_LOG: join(dir, 'setup-calls.jsonl') },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`security ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

const userSearchList = () =>
  security('list-keychains', '-d', 'user')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.trim().replace(/^"(.*)"$/, '$1'));

function setup(extraEnv: Record<string, string> = {}) {
  const env = standInEnv(extraEnv);
  const { logger, output } = captureLogger();
  const real = createExec(logger);
  const p12Files: { path: string; mode: number; content: Buffer }[] = [];
  // Observes the p12 file while `security import` runs; the real exec still runs the stand-in.
  const exec: Exec = async (tool, args, options) => {
    if (args[0] === 'import') {
      p12Files.push({
        path: args[1]!,
        mode: statSync(args[1]!).mode & 0o777,
        content: readFileSync(args[1]!),
      });
    }
    return real(tool, args, options);
  };
  const calls = () => readRecordings(env.STAND_IN_LOG).map((r) => r.argv);
  const install = (certificates: LoadedCertificate[], keychainPath: string) =>
    installCertificates(certificates, {
      keychainPath,
      keychainPassword: KEYCHAIN_PASSWORD,
      exec,
      env,
      logger,
      cleanups,
    });
  return { env, exec, logger, output, p12Files, calls, install };
}

describe('installCertificates', () => {
  it('runs the official security sequence, with the p12 in a 0600 temp file', async () => {
    const keychain = join(dir, 'build.keychain');
    const { logger, exec, env, output, p12Files, calls } = setup();
    const certificate = loaded('Apple Development: Dev (ABCDE12345)');
    await installCertificates([certificate], {
      keychainPath: keychain,
      keychainPassword: KEYCHAIN_PASSWORD,
      exec,
      env,
      logger,
      cleanups,
    });
    expect(calls()).toEqual([
      ['-v', 'create-keychain', '-p', KEYCHAIN_PASSWORD, keychain],
      ['-v', 'unlock-keychain', '-p', KEYCHAIN_PASSWORD, keychain],
      ['import', p12Files[0]!.path, '-k', keychain, '-P', P12_PASSPHRASE, '-A'],
      ['set-key-partition-list', '-S', 'apple-tool:,apple:', '-k', KEYCHAIN_PASSWORD, keychain],
      ['-v', 'set-keychain-settings', '-lut', '72000', keychain],
      ['list-keychains'],
      // A keychain outside the login keychain is not on the list after create-keychain.
      ['-v', 'list-keychains', '-s', join(keychains(), 'login.keychain-db'), SYSTEM_KEYCHAIN, keychain],
      ['-v', 'default-keychain', '-s', keychain],
    ]);
    expect(userSearchList()).toEqual([join(keychains(), 'login.keychain-db'), keychain]);
    expect(security('default-keychain')).toBe(`    "${keychain}"\n`);
    expect(p12Files).toHaveLength(1);
    expect(p12Files[0]!.mode).toBe(0o600);
    expect(p12Files[0]!.content.equals(certificate.p12)).toBe(true);
    expect(existsSync(p12Files[0]!.path)).toBe(false);
    const log = output();
    expect(log).toContain(`$ security -v create-keychain -p ***** ${keychain}`);
    expect(log).toContain('-P ***** -A');
    expect(log).not.toContain(KEYCHAIN_PASSWORD);
    expect(log).not.toContain(P12_PASSPHRASE);
  });

  it('reuses an existing …/login.keychain (the file login.keychain-db), found in the search list under that name', async () => {
    const keychain = join(keychains(), 'login.keychain');
    security('create-keychain', '-p', KEYCHAIN_PASSWORD, keychain);
    expect(existsSync(`${keychain}-db`)).toBe(true);
    const { calls, install } = setup();
    await install([loaded('Apple Distribution: Team (ABCDE12345)')], keychain);
    const commands = calls().map((argv) => argv.filter((a) => !a.startsWith('-v'))[0]);
    expect(commands).toEqual([
      'unlock-keychain',
      'import',
      'set-key-partition-list',
      'set-keychain-settings',
      'list-keychains',
      'default-keychain',
    ]);
    expect(userSearchList()).toEqual([`${keychain}-db`]);
  });

  it.each([
    ['the login keychain', 'login.keychain'],
    ['a keychain of its own', 'build.keychain'],
  ])('leaves exactly one search-list entry for %s however often it runs', async (_, name) => {
    const keychain = join(keychains(), name);
    const certificate = loaded('Apple Development: Dev (ABCDE12345)');
    for (let run = 0; run < 3; run++) {
      const { install, output } = setup();
      await install([certificate], keychain);
      if (run > 0) expect(output()).toContain('is already in the keychain');
    }
    const entries = userSearchList().filter((entry) => entry === `${keychain}-db`);
    expect(entries).toHaveLength(1);
    expect(security('list-keychains').split('\n').filter(Boolean)).toHaveLength(
      name === 'login.keychain' ? 2 : 3,
    );
  });

  it('imports a p12 once however many identities it holds, and accepts one already present', async () => {
    const keychain = join(keychains(), 'build.keychain');
    const certificate = loaded('Apple Development: Dev (ABCDE12345)');
    security('create-keychain', '-p', KEYCHAIN_PASSWORD, keychain);
    const p12 = join(dir, 'already.p12');
    writeFileSync(p12, certificate.p12);
    security('import', p12, '-k', keychain, '-P', P12_PASSPHRASE, '-A');
    const { output, calls, install } = setup();
    await install(
      [certificate, { ...certificate, info: { ...certificate.info, commonName: 'Second' } }],
      keychain,
    );
    expect(calls().filter((argv) => argv[0] === 'import')).toHaveLength(1);
    expect(output()).toContain('is already in the keychain');
  });

  it('fails on any other import error (a wrong passphrase) and still removes the p12', async () => {
    const keychain = join(keychains(), 'build.keychain');
    const { p12Files, install } = setup();
    await expect(
      install([loaded('Apple Development: Dev (ABCDE12345)', 'not-the-passphrase')], keychain),
    ).rejects.toThrow('failed to import Apple Development: Dev (ABCDE12345)');
    expect(p12Files).toHaveLength(1);
    expect(existsSync(p12Files[0]!.path)).toBe(false);
  });

  it('fails when the keychain password is wrong', async () => {
    const keychain = join(keychains(), 'login.keychain');
    security('create-keychain', '-p', 'another-password', keychain);
    const { install } = setup();
    await expect(install([loaded('Apple Development: Dev (ABCDE12345)')], keychain)).rejects.toThrow();
  });
});

describe('sameKeychain', () => {
  const home = '/Users/vagrant';
  it.each([
    [
      '/Users/vagrant/Library/Keychains/login.keychain',
      '/Users/vagrant/Library/Keychains/login.keychain-db',
      true,
    ],
    [
      '/Users/vagrant/Library/Keychains/login.keychain-db',
      '/Users/vagrant/Library/Keychains/login.keychain-db',
      true,
    ],
    ['login.keychain', '/Users/vagrant/Library/Keychains/login.keychain-db', true],
    [
      '/Users/vagrant/Library/Keychains/../Keychains/login.keychain',
      '/Users/vagrant/Library/Keychains/login.keychain',
      true,
    ],
    ['/Users/vagrant/Library/Keychains/login.keychain', '/Library/Keychains/System.keychain', false],
    [
      '/Users/vagrant/Library/Keychains/build.keychain',
      '/Users/vagrant/Library/Keychains/login.keychain-db',
      false,
    ],
  ])('%s and %s: %s', (a, b, same) => {
    expect(sameKeychain(a, b, home)).toBe(same);
    expect(sameKeychain(b, a, home)).toBe(same);
  });
});
