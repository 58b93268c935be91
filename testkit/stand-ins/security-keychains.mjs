// The keychain world of the security stand-in, kept in files so it lasts from one call to the
// next: keychain files where the caller names them, and the search list and default keychain in
// $HOME/.stand-ins/security/preferences.json (macOS keeps those in
// ~/Library/Preferences/com.apple.security.plist; the stand-in never touches that file).
//
// Path rules from Apple's Security framework (StorageManager.cpp, CommonBlob.cpp):
// - a keychain name without a leading "/" lives in $HOME/Library/Keychains;
// - in a user's Library/Keychains, `X` is opened as the file `X-db` when `X-db` exists or when
//   neither exists (so creating `login.keychain` makes `login.keychain-db`); elsewhere the path
//   is used as given;
// - the search list stores the name without `-db`, and shows each keychain under its file's
//   real name (SecKeychainGetPath);
// - creating a keychain adds it to the search list only when it is a login or System keychain.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SYSTEM_KEYCHAIN = '/Library/Keychains/System.keychain';

/** Keychains of the common domain, listed after the user's search list (read-only here). */
export const COMMON_SEARCH_LIST = [SYSTEM_KEYCHAIN];

/** What identifies a keychain file this stand-in wrote. */
const MARKER = 'security stand-in keychain';

export function home() {
  const value = process.env.HOME;
  if (!value) throw new Error('security stand-in: HOME is not set');
  return value;
}

/** SecKeychainOpen/SecKeychainCreate: a name without a leading slash is in ~/Library/Keychains. */
export function keychainPath(name) {
  return name.startsWith('/') ? name : join(home(), 'Library', 'Keychains', name);
}

/** Any `…/Library/Keychains/…` except the system's own folders (CommonBlob::pathInHomeLibraryKeychains). */
export function inUserKeychainsFolder(path) {
  return (
    path.includes('/Library/Keychains') &&
    !path.startsWith('/Library/Keychains') &&
    !path.startsWith('/System/Library/Keychains')
  );
}

/** The file a keychain path opens: `-db` added in a user's Keychains folder unless only the old file exists. */
export function keychainFile(path) {
  if (!inUserKeychainsFolder(path)) return path;
  const db = path.endsWith('-db') ? path : `${path}-db`;
  return existsSync(db) || !existsSync(path) ? db : path;
}

/** The name the search list stores: without `-db` in a user's Keychains folder. */
export function listedName(path) {
  return inUserKeychainsFolder(path) && path.endsWith('-db') && path.length > 3 ? path.slice(0, -3) : path;
}

/** Creating this keychain adds it to the search list (StorageManager's shouldAddToSearchList). */
export function joinsSearchListOnCreate(file) {
  return file === SYSTEM_KEYCHAIN || file.includes('/login.keychain');
}

function passwordDigest(password) {
  return createHash('sha256').update(`security stand-in\0${password}`).digest('hex');
}

function writeAtomically(file, text, mode) {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode });
  renameSync(temp, file);
}

/** Writes a new, empty keychain file holding (a digest of) its password. */
export function createKeychainFile(file, password) {
  const keychain = {
    marker: MARKER,
    passwordSha256: passwordDigest(password),
    // What a new keychain starts with: lock after 5 minutes idle and on sleep.
    settings: { lockOnSleep: true, timeoutSeconds: 300 },
    items: [],
  };
  writeAtomically(file, `${JSON.stringify(keychain, null, 2)}\n`, 0o600);
}

/**
 * The keychain stored in `file`: `{ keychain }`, or `{ problem }` naming the OSStatus
 * (`noSuchKeychain` when there is no file, `invalidKeychain` when it is not one of ours).
 */
export function readKeychainFile(file) {
  if (!existsSync(file)) return { problem: 'noSuchKeychain' };
  try {
    const keychain = JSON.parse(readFileSync(file, 'utf8'));
    if (keychain?.marker === MARKER) return { keychain };
  } catch {
    // Not JSON: some other file, as a real keychain file would be to this stand-in.
  }
  return { problem: 'invalidKeychain' };
}

export function writeKeychainFile(file, keychain) {
  writeAtomically(file, `${JSON.stringify(keychain, null, 2)}\n`, 0o600);
}

export function passwordMatches(keychain, password) {
  return keychain.passwordSha256 === passwordDigest(password);
}

function preferencesFile() {
  return join(home(), '.stand-ins', 'security', 'preferences.json');
}

/**
 * The user domain's search list and default keychain, as stored (names without `-db`). A fresh
 * user has the login keychain in both, as a new macOS account does.
 */
export function readPreferences() {
  const file = preferencesFile();
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const login = keychainPath('login.keychain');
  return { searchList: [login], defaultKeychain: login };
}

export function writePreferences(preferences) {
  writeAtomically(preferencesFile(), `${JSON.stringify(preferences, null, 2)}\n`, 0o644);
}
