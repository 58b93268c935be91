import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRecordings, STAND_INS_DIR } from '../../../e2e/stand-ins/index.ts';
import { Cleanups, createExec, type Exec, Secret } from '../../step/index.ts';
import { decodeP12, installCertificates, type LoadedCertificate } from '../index.ts';
import { createTestIdentity, createTestP12 } from '../testing/index.ts';
import { captureLogger } from './support/logger.ts';

const KEYCHAIN_PASSWORD = 'kc-pa55-word';
const P12_PASSPHRASE = 'p12-pa55-phrase';

function loaded(commonName: string): LoadedCertificate {
  const p12 = createTestP12(createTestIdentity({ commonName }), P12_PASSPHRASE);
  const [identity] = decodeP12(p12, P12_PASSPHRASE, 'test');
  return { info: identity!.info, p12, passphrase: new Secret(P12_PASSPHRASE), source: 'test' };
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

function setup(extraEnv: Record<string, string> = {}) {
  const log = join(dir, 'calls.jsonl');
  const env = {
    PATH: `${STAND_INS_DIR}:${process.env['PATH']}`,
    STAND_IN_LOG: log,
    STAND_IN_SECURITY_STDOUT:
      '    "/Users/vagrant/Library/Keychains/login.keychain-db"\n    "/Library/Keychains/System.keychain"',
    ...extraEnv,
  };
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
  return { env, exec, logger, output, p12Files, calls: () => readRecordings(log).map((r) => r.argv) };
}

describe('installCertificates', () => {
  it('runs the official security sequence, with the p12 in a 0600 temp file', async () => {
    const keychain = join(dir, 'build.keychain');
    const { env, exec, logger, output, p12Files, calls } = setup();
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
      [
        '-v',
        'list-keychains',
        '-s',
        '/Users/vagrant/Library/Keychains/login.keychain-db',
        '/Library/Keychains/System.keychain',
        keychain,
      ],
      ['-v', 'default-keychain', '-s', keychain],
    ]);
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

  it('reuses an existing keychain (also as <path>-db) and one already in the search list', async () => {
    const keychain = join(dir, 'login.keychain');
    writeFileSync(`${keychain}-db`, '');
    const { env, exec, logger, calls } = setup({ STAND_IN_SECURITY_STDOUT: `    "${keychain}"` });
    await installCertificates([loaded('Apple Distribution: Team (ABCDE12345)')], {
      keychainPath: keychain,
      keychainPassword: new Secret(KEYCHAIN_PASSWORD),
      exec,
      env,
      logger,
      cleanups,
    });
    const commands = calls().map((argv) => argv.filter((a) => !a.startsWith('-v'))[0]);
    expect(commands).toEqual([
      'unlock-keychain',
      'import',
      'set-key-partition-list',
      'set-keychain-settings',
      'list-keychains',
      'default-keychain',
    ]);
  });

  it('imports a p12 once however many identities it holds, and accepts one already present', async () => {
    const keychain = join(dir, 'build.keychain');
    const { env, exec, logger, output, calls } = setup({
      STAND_IN_SECURITY_FAIL_ON: 'import',
      STAND_IN_SECURITY_EXIT: '1',
      STAND_IN_SECURITY_STDOUT:
        'security: SecKeychainItemImport: The specified item already exists in the keychain.',
    });
    const certificate = loaded('Apple Development: Dev (ABCDE12345)');
    await installCertificates(
      [certificate, { ...certificate, info: { ...certificate.info, commonName: 'Second' } }],
      {
        keychainPath: keychain,
        keychainPassword: KEYCHAIN_PASSWORD,
        exec,
        env,
        logger,
        cleanups,
      },
    );
    expect(calls().filter((argv) => argv[0] === 'import')).toHaveLength(1);
    expect(output()).toContain('is already in the keychain');
  });

  it('fails on any other import error and still removes the p12', async () => {
    const keychain = join(dir, 'build.keychain');
    const { env, exec, logger, p12Files } = setup({
      STAND_IN_SECURITY_FAIL_ON: 'import',
      STAND_IN_SECURITY_EXIT: '1',
      STAND_IN_SECURITY_STDOUT:
        'security: SecKeychainItemImport: MAC verification failed during PKCS12 import',
    });
    await expect(
      installCertificates([loaded('Apple Development: Dev (ABCDE12345)')], {
        keychainPath: keychain,
        keychainPassword: KEYCHAIN_PASSWORD,
        exec,
        env,
        logger,
        cleanups,
      }),
    ).rejects.toThrow('failed to import Apple Development: Dev (ABCDE12345)');
    expect(p12Files).toHaveLength(1);
    expect(existsSync(p12Files[0]!.path)).toBe(false);
  });
});
