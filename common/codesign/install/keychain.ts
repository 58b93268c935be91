import { createHash } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { type Cleanups, type Exec, type Logger, redactor, Secret, StepError } from '../../step/index.ts';
import type { LoadedCertificate } from '../certificates/load.ts';

export interface InstallCertificatesOptions {
  /** e.g. `$HOME/Library/Keychains/login.keychain`; created when neither it nor `<path>-db` exists. */
  keychainPath: string;
  keychainPassword: Secret | string;
  exec: Exec;
  /** The environment `security` runs with. */
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Holds the temporary p12 files until they are removed. */
  cleanups: Cleanups;
}

/** Idle seconds before the keychain locks again: 20 hours, enough for any build. */
const LOCK_TIMEOUT_SECONDS = '72000';

/**
 * Imports the certificates' p12 files into a keychain with macOS `security`, the command sequence
 * of the official steps: create (if missing), unlock, import, allow Apple tools to use the keys
 * without a prompt, keep it unlocked, add it to the search list and make it the default.
 * `security` only takes the passwords in argv; they are registered with the redactor so every
 * echoed command line shows `*****` instead.
 */
export async function installCertificates(
  certificates: readonly LoadedCertificate[],
  options: InstallCertificatesOptions,
): Promise<void> {
  const password =
    typeof options.keychainPassword === 'string'
      ? new Secret(options.keychainPassword)
      : options.keychainPassword;
  redactor.add(password.reveal());
  const keychain = options.keychainPath;
  const security = (args: string[], extra: { quiet?: boolean; allowFailure?: boolean } = {}) =>
    options.exec('security', args, { env: options.env, ...extra });

  if (!existsSync(keychain) && !existsSync(`${keychain}-db`)) {
    await security(['-v', 'create-keychain', '-p', password.reveal(), keychain]);
  }
  await security(['-v', 'unlock-keychain', '-p', password.reveal(), keychain]);

  const dir = options.cleanups.tempDir('codesign-p12');
  const imported = new Set<string>();
  for (const certificate of certificates) {
    // Several identities can come from one p12; importing it twice would fail as a duplicate.
    const digest = createHash('sha256').update(certificate.p12).digest('hex');
    if (imported.has(digest)) continue;
    imported.add(digest);
    redactor.add(certificate.passphrase.reveal());
    const file = join(dir, `certificate-${imported.size}.p12`);
    writeFileSync(file, certificate.p12, { mode: 0o600 });
    try {
      options.logger.print(`Importing ${certificate.info.commonName} from ${certificate.source}`);
      const result = await security(
        ['import', file, '-k', keychain, '-P', certificate.passphrase.reveal(), '-A'],
        {
          allowFailure: true,
        },
      );
      if (result.exitCode !== 0) {
        const output = `${result.stdout}\n${result.stderr}`;
        if (!/already exists/i.test(output)) {
          throw new StepError(
            `failed to import ${certificate.info.commonName} into ${keychain}: security exited with ${result.exitCode}`,
          );
        }
        options.logger.print(`${certificate.info.commonName} is already in the keychain`);
      }
    } finally {
      rmSync(file, { force: true });
    }
  }

  // Lets codesign use the imported keys without a UI prompt (macOS 10.12 and later).
  await security(['set-key-partition-list', '-S', 'apple-tool:,apple:', '-k', password.reveal(), keychain], {
    quiet: true,
  });
  await security(['-v', 'set-keychain-settings', '-lut', LOCK_TIMEOUT_SECONDS, keychain]);

  const listed = await security(['list-keychains'], { quiet: true });
  const searchList = parseKeychainList(listed.stdout);
  const home = options.env['HOME'];
  if (!searchList.some((entry) => sameKeychain(entry, keychain, home))) {
    await security(['-v', 'list-keychains', '-s', ...searchList, keychain]);
  }
  await security(['-v', 'default-keychain', '-s', keychain]);
}

/** `security list-keychains` prints one quoted path per line, indented. */
function parseKeychainList(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim().replace(/^"(.*)"$/, '$1'))
    .filter(Boolean);
}

/**
 * Whether two names mean the same keychain, as `security` resolves them: a name without a leading
 * `/` is in `$HOME/Library/Keychains`, and `X` is the file `X-db` (keychains are `*.keychain-db`
 * files since macOS 10.12, and `list-keychains` shows that file name for `…/login.keychain`).
 */
export function sameKeychain(a: string, b: string, home: string | undefined): boolean {
  return keychainIdentity(a, home) === keychainIdentity(b, home);
}

function keychainIdentity(name: string, home: string | undefined): string {
  const path =
    isAbsolute(name) || home === undefined ? resolve(name) : resolve(home, 'Library', 'Keychains', name);
  return path.endsWith('-db') ? path.slice(0, -'-db'.length) : path;
}
