import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestIdentity, createTestP12 } from '../identities/index.ts';
import { readRecordings, STAND_INS_DIR } from './index.ts';

// Each rule of the security and xcodebuild stand-ins, checked against what macOS and Xcode do
// (Apple's SecurityTool and Security framework sources; `xcodebuild -version`).

let home: string;
let log: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'stand-ins-'));
  log = join(home, 'calls.jsonl');
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function run(tool: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(join(STAND_INS_DIR, tool), args, {
    cwd: home,
    env: { PATH: process.env['PATH'] ?? '', HOME: home, STAND_IN_LOG: log, ...env },
    encoding: 'utf8',
    input: '',
  });
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}

const security = (...args: string[]) => run('security', args);
const keychains = () => join(home, 'Library', 'Keychains');
const quotedLines = (...paths: string[]) => paths.map((path) => `    "${path}"\n`).join('');

describe('security stand-in', () => {
  it('lists the search list as macOS does: quoted, indented, login.keychain-db then the System keychain', () => {
    expect(security('list-keychains')).toEqual({
      exitCode: 0,
      stdout: quotedLines(join(keychains(), 'login.keychain-db'), '/Library/Keychains/System.keychain'),
      stderr: '',
    });
    expect(security('list-keychains', '-d', 'user').stdout).toBe(
      quotedLines(join(keychains(), 'login.keychain-db')),
    );
    expect(security('default-keychain').stdout).toBe(quotedLines(join(keychains(), 'login.keychain-db')));
  });

  it('create-keychain P creates P-db in a Library/Keychains folder, and P as named elsewhere', () => {
    const inKeychains = join(keychains(), 'build.keychain');
    expect(security('create-keychain', '-p', 'pw', inKeychains).exitCode).toBe(0);
    expect(existsSync(`${inKeychains}-db`)).toBe(true);
    expect(existsSync(inKeychains)).toBe(false);

    expect(security('create-keychain', '-p', 'pw', 'bare.keychain').exitCode).toBe(0);
    expect(existsSync(join(keychains(), 'bare.keychain-db'))).toBe(true);

    const elsewhere = join(home, 'ci', 'ci.keychain');
    expect(security('create-keychain', '-p', 'pw', elsewhere).exitCode).toBe(0);
    expect(existsSync(elsewhere)).toBe(true);
    expect(existsSync(`${elsewhere}-db`)).toBe(false);
  });

  it('create-keychain adds only a login keychain to the search list, once', () => {
    security('list-keychains', '-s');
    const login = join(keychains(), 'login.keychain');
    expect(security('create-keychain', '-p', 'pw', login).exitCode).toBe(0);
    expect(security('create-keychain', '-p', 'pw', join(keychains(), 'build.keychain')).exitCode).toBe(0);
    expect(security('list-keychains', '-d', 'user').stdout).toBe(quotedLines(`${login}-db`));
  });

  it('create-keychain of an existing keychain fails with errSecDuplicateKeychain', () => {
    const login = join(keychains(), 'login.keychain');
    security('create-keychain', '-p', 'pw', login);
    expect(security('create-keychain', '-p', 'pw', login)).toEqual({
      exitCode: 48,
      stdout: '',
      stderr: `security: SecKeychainCreate ${login}: A keychain with the same name already exists.\n`,
    });
  });

  it('list-keychains -s replaces the user search list; each keychain is shown under its file name', () => {
    const build = join(keychains(), 'build.keychain');
    security('create-keychain', '-p', 'pw', build);
    const other = join(home, 'other.keychain');
    expect(
      security('list-keychains', '-s', build, other, '/Library/Keychains/System.keychain').exitCode,
    ).toBe(0);
    // The System keychain is always searched (common domain), so -s does not store it twice.
    expect(security('list-keychains').stdout).toBe(
      quotedLines(`${build}-db`, other, '/Library/Keychains/System.keychain'),
    );
    expect(security('list-keychains', '-s', `${build}-db`).exitCode).toBe(0);
    expect(security('list-keychains', '-d', 'user').stdout).toBe(quotedLines(`${build}-db`));
  });

  it('keeps duplicates it is given: the list grows when a caller adds X next to X-db', () => {
    const login = join(keychains(), 'login.keychain');
    security('create-keychain', '-p', 'pw', login);
    security('list-keychains', '-s', `${login}-db`, login);
    expect(security('list-keychains', '-d', 'user').stdout).toBe(quotedLines(`${login}-db`, `${login}-db`));
  });

  it('default-keychain -s sets the default keychain, shown under its file name', () => {
    const build = join(keychains(), 'build.keychain');
    security('create-keychain', '-p', 'pw', build);
    expect(security('default-keychain', '-s', build).exitCode).toBe(0);
    expect(security('default-keychain').stdout).toBe(quotedLines(`${build}-db`));
  });

  it('unlock-keychain checks the password and that the keychain exists', () => {
    const login = join(keychains(), 'login.keychain');
    security('create-keychain', '-p', 'right', login);
    expect(security('unlock-keychain', '-p', 'right', login).exitCode).toBe(0);
    expect(security('unlock-keychain', '-p', 'wrong', login)).toMatchObject({
      exitCode: 51,
      stderr: `security: SecKeychainUnlock ${login}: The user name or passphrase you entered is not correct.\n`,
    });
    const missing = join(home, 'missing.keychain');
    expect(security('unlock-keychain', '-p', 'right', missing)).toMatchObject({
      exitCode: 50,
      stderr: `security: SecKeychainUnlock ${missing}: The specified keychain could not be found.\n`,
    });
    const foreign = join(home, 'foreign.keychain');
    writeFileSync(foreign, '');
    expect(security('unlock-keychain', '-p', 'right', foreign).exitCode).toBe(49);
  });

  it('import reads the p12 with its passphrase, reports the identity and refuses it a second time', () => {
    const keychain = join(keychains(), 'build.keychain');
    security('create-keychain', '-p', 'pw', keychain);
    const p12 = join(home, 'dev.p12');
    writeFileSync(
      p12,
      createTestP12(createTestIdentity({ commonName: 'Apple Development: Dev (ABCDE12345)' }), 'pass'),
    );

    expect(security('import', p12, '-k', keychain, '-P', 'wrong', '-A')).toMatchObject({
      exitCode: 1,
      stderr:
        'security: SecKeychainItemImport: MAC verification failed during PKCS12 import (wrong password?)\n',
    });
    expect(security('import', p12, '-k', keychain, '-P', 'pass', '-A')).toEqual({
      exitCode: 0,
      stdout: '1 identity imported.\n',
      stderr: '',
    });
    expect(security('import', p12, '-k', keychain, '-P', 'pass', '-A')).toMatchObject({
      exitCode: 1,
      stderr: 'security: SecKeychainItemImport: The specified item already exists in the keychain.\n',
    });
    expect(security('import', join(home, 'none.p12'), '-k', keychain, '-P', 'pass')).toMatchObject({
      exitCode: 1,
      stderr: `security: Error reading infile ${join(home, 'none.p12')}: No such file or directory\n`,
    });
    writeFileSync(join(home, 'text.p12'), 'not a p12');
    expect(security('import', join(home, 'text.p12'), '-k', keychain, '-P', 'pass').stderr).toBe(
      'security: SecKeychainItemImport: Unknown format in import.\n',
    );
  });

  it('set-key-partition-list needs the keychain password and a key to change', () => {
    const keychain = join(keychains(), 'build.keychain');
    security('create-keychain', '-p', 'pw', keychain);
    expect(
      security('set-key-partition-list', '-S', 'apple-tool:,apple:', '-k', 'pw', keychain),
    ).toMatchObject({
      exitCode: 1,
      stderr: 'security: SecItemCopyMatching: The specified item could not be found in the keychain.\n',
    });
    const p12 = join(home, 'dev.p12');
    writeFileSync(p12, createTestP12(createTestIdentity({ commonName: 'Dev' }), 'pass'));
    security('import', p12, '-k', keychain, '-P', 'pass', '-A');
    expect(
      security('set-key-partition-list', '-S', 'apple-tool:,apple:', '-k', 'no', keychain),
    ).toMatchObject({
      exitCode: 1,
      stderr:
        'security: SecKeychainItemSetAccessWithPassword: The user name or passphrase you entered is not correct.\n',
    });
    const changed = security('set-key-partition-list', '-S', 'apple-tool:,apple:', '-k', 'pw', keychain);
    expect(changed.exitCode).toBe(0);
    expect(changed.stdout).toContain(`keychain: "${keychain}-db"`);
  });

  it('set-keychain-settings takes clustered flags and fails for a missing keychain', () => {
    const keychain = join(keychains(), 'build.keychain');
    security('create-keychain', '-p', 'pw', keychain);
    expect(security('set-keychain-settings', '-lut', '72000', keychain).exitCode).toBe(0);
    expect(security('set-keychain-settings', '-lut', '72000', join(home, 'gone.keychain')).exitCode).toBe(50);
  });

  it('fails an unknown subcommand with exit 1 and finds a command by a prefix of its name', () => {
    expect(security('frobnicate-keychain')).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'security: unknown command "frobnicate-keychain"\n',
    });
    // go-xcode runs `security list-keychain`: a prefix of list-keychains.
    expect(security('list-keychain').stdout).toBe(security('list-keychains').stdout);
  });

  it('shows the usage and exits 2 on a bad option; a real command it does not model exits 1 saying so', () => {
    const bad = security('list-keychains', '-x');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Usage: list-keychains [-d user|system|common|dynamic] [-s [keychain...]]');
    const other = security('find-identity', '-v', '-p', 'codesigning');
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain('"find-identity" is not implemented by this stand-in');
  });

  it('-v echoes the command with every argument quoted on stderr', () => {
    const keychain = join(home, 'echo.keychain');
    expect(security('-v', 'create-keychain', '-p', 'pw', keychain).stderr).toBe(
      `create-keychain "-p" "pw" "${keychain}"\n`,
    );
  });

  it('records every call, and answers a configured fault instead of running the call', () => {
    const keychain = join(keychains(), 'build.keychain');
    const fault = run('security', ['create-keychain', '-p', 'pw', keychain], {
      STAND_IN_SECURITY_FAIL_ON: 'create-keychain',
      STAND_IN_SECURITY_EXIT: '1',
      STAND_IN_SECURITY_STDOUT: 'injected',
    });
    expect(fault).toMatchObject({ exitCode: 1, stdout: 'injected\n' });
    expect(existsSync(`${keychain}-db`)).toBe(false);
    const unmatched = run('security', ['create-keychain', '-p', 'pw', keychain], {
      STAND_IN_SECURITY_FAIL_ON: 'import',
      STAND_IN_SECURITY_EXIT: '1',
    });
    expect(unmatched.exitCode).toBe(0);
    expect(existsSync(`${keychain}-db`)).toBe(true);
    expect(readRecordings(log).map((r) => [r.tool, ...r.argv])).toEqual([
      ['security', 'create-keychain', '-p', 'pw', keychain],
      ['security', 'create-keychain', '-p', 'pw', keychain],
    ]);
  });

  it('keeps its search list under $HOME, apart from the real macOS preferences', () => {
    security('list-keychains', '-s', join(home, 'a.keychain'));
    expect(existsSync(join(home, '.stand-ins', 'security', 'preferences.json'))).toBe(true);
    expect(existsSync(join(home, 'Library', 'Preferences'))).toBe(false);
    mkdirSync(join(home, 'elsewhere'));
    const other = spawnSync(join(STAND_INS_DIR, 'security'), ['list-keychains', '-d', 'user'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: join(home, 'elsewhere') },
      encoding: 'utf8',
    });
    expect(other.stdout).toBe(
      quotedLines(join(home, 'elsewhere', 'Library', 'Keychains', 'login.keychain-db')),
    );
  });
});

describe('xcodebuild stand-in', () => {
  it('-version prints the two lines Xcode prints, for a current Xcode by default', () => {
    expect(run('xcodebuild', ['-version'])).toEqual({
      exitCode: 0,
      stdout: 'Xcode 16.2\nBuild version 16C5032a\n',
      stderr: '',
    });
  });

  it('-version prints the Xcode named by STAND_IN_XCODEBUILD_VERSION', () => {
    expect(run('xcodebuild', ['-version'], { STAND_IN_XCODEBUILD_VERSION: '13.4.1 13F100' }).stdout).toBe(
      'Xcode 13.4.1\nBuild version 13F100\n',
    );
    const bad = run('xcodebuild', ['-version'], { STAND_IN_XCODEBUILD_VERSION: 'sixteen' });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('STAND_IN_XCODEBUILD_VERSION must be "<version> <build>"');
  });

  it('records every call; other invocations succeed silently; STDOUT and EXIT answer as configured', () => {
    expect(run('xcodebuild', ['-showBuildSettings', '-project', 'App.xcodeproj'])).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: '',
    });
    expect(
      run('xcodebuild', ['-version'], {
        STAND_IN_XCODEBUILD_STDOUT: 'garbage',
        STAND_IN_XCODEBUILD_EXIT: '70',
      }),
    ).toMatchObject({ exitCode: 70, stdout: 'garbage\n' });
    expect(readRecordings(log).map((r) => [r.tool, ...r.argv])).toEqual([
      ['xcodebuild', '-showBuildSettings', '-project', 'App.xcodeproj'],
      ['xcodebuild', '-version'],
    ]);
  });
});
