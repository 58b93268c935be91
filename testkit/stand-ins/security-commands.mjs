// The security subcommands our Steps run, with the rules of Apple's SecurityTool sources
// (keychain_list.c, keychain_create.c, keychain_unlock.c, keychain_import.c, security.c): what
// each prints, where, and the exit status (a command returning an OSStatus exits with its low byte,
// e.g. 51 for a wrong keychain password; usage errors print the usage and exit 2).
import { existsSync, readFileSync } from 'node:fs';
import { getopt } from './getopt.mjs';
import {
  COMMON_SEARCH_LIST,
  createKeychainFile,
  joinsSearchListOnCreate,
  keychainFile,
  keychainPath,
  listedName,
  passwordMatches,
  readKeychainFile,
  readPreferences,
  SYSTEM_KEYCHAIN,
  writeKeychainFile,
  writePreferences,
} from './security-keychains.mjs';

/** OSStatus values and their messages (SecBase.h). */
const STATUS = {
  authFailed: [-25293, 'The user name or passphrase you entered is not correct.'],
  noSuchKeychain: [-25294, 'The specified keychain could not be found.'],
  invalidKeychain: [-25295, 'The specified keychain is not a valid keychain file.'],
  duplicateKeychain: [-25296, 'A keychain with the same name already exists.'],
  duplicateItem: [-25299, 'The specified item already exists in the keychain.'],
  itemNotFound: [-25300, 'The specified item could not be found in the keychain.'],
  noDefaultKeychain: [-25307, 'A default keychain could not be found.'],
  unknownFormat: [-25257, 'Unknown format in import.'],
  pkcs12Verify: [-25264, 'MAC verification failed during PKCS12 import (wrong password?)'],
};

/** Usage errors: security prints the command's usage and exits 2. */
const USAGE = 2;

function say(text) {
  process.stdout.write(`${text}\n`);
}

function complain(text) {
  process.stderr.write(`security: ${text}\n`);
}

/** sec_error("<call> <subject>: <status text>"); returns the exit status for that OSStatus. */
function failed(call, subject, problem) {
  const [status, text] = STATUS[problem];
  complain(subject === undefined ? `${call}: ${text}` : `${call} ${subject}: ${text}`);
  return status & 0xff;
}

/** What the real tool would do here needs a person (a prompt, a dialog) or is out of scope. */
function notImplemented(what) {
  process.stderr.write(`security stand-in: ${what} is not implemented by this stand-in\n`);
  return 1;
}

function quoted(path) {
  return `    "${path}"`;
}

/** `-d user|system|common|dynamic`, any prefix of the name (keychain_list.c parse_domain). */
function parseDomain(word) {
  const domain = ['user', 'system', 'common', 'dynamic'].find((name) => name.startsWith(word));
  if (!domain) complain(`Invalid domain: ${word}`);
  return domain;
}

function parsed(args, optstring) {
  const result = getopt(args, optstring);
  if (result.error) complain(result.error);
  return result;
}

/** The search list of a domain as shown: each keychain under its file's real name. */
function domainSearchList(domain) {
  if (domain === 'user') return readPreferences().searchList;
  if (domain === 'dynamic') return []; // smart cards
  return COMMON_SEARCH_LIST; // system and common: the System keychain
}

function currentSearchList() {
  return [...readPreferences().searchList, ...COMMON_SEARCH_LIST];
}

function defaultKeychainName() {
  return readPreferences().defaultKeychain;
}

/** The options of list-keychains and default-keychain (`-d domain`, `-s`); undefined after a usage error. */
function domainOptions(args) {
  const { options, operands, error } = parsed(args, 'd:hs');
  if (error || options.some(([flag]) => flag === 'h')) return undefined;
  let domain;
  for (const [flag, value] of options) {
    if (flag !== 'd') continue;
    domain = parseDomain(value);
    if (!domain) return undefined;
  }
  return { domain, set: options.some(([flag]) => flag === 's'), operands };
}

function listKeychains(args) {
  const parsedOptions = domainOptions(args);
  if (!parsedOptions) return USAGE;
  const { domain, set, operands } = parsedOptions;
  if (!set) {
    if (operands.length > 0) return USAGE;
    const list = domain ? domainSearchList(domain) : currentSearchList();
    for (const name of list) say(quoted(keychainFile(name)));
    return 0;
  }
  if (domain && domain !== 'user') return notImplemented(`setting the ${domain} search list`);
  let names = operands.map((name) => listedName(keychainFile(keychainPath(name))));
  // SecKeychainSetSearchList leaves out keychains of the common and dynamic lists; they are
  // always searched. With -d user the list is stored as given.
  if (!domain) names = names.filter((name) => !COMMON_SEARCH_LIST.includes(name));
  writePreferences({ ...readPreferences(), searchList: names });
  return 0;
}

function defaultKeychain(args) {
  const parsedOptions = domainOptions(args);
  if (!parsedOptions) return USAGE;
  const { domain, set, operands } = parsedOptions;
  if (set) {
    if (operands.length > 1) return USAGE;
    if (domain && domain !== 'user') return notImplemented(`setting the ${domain} default keychain`);
    const name = operands.length === 1 ? listedName(keychainFile(keychainPath(operands[0]))) : null;
    writePreferences({ ...readPreferences(), defaultKeychain: name });
    return 0;
  }
  if (operands.length > 0) return USAGE;
  const name = domain === 'system' || domain === 'common' ? SYSTEM_KEYCHAIN : defaultKeychainName();
  if (!name) {
    failed('SecKeychainCopyDefault', undefined, 'noDefaultKeychain');
    return 1;
  }
  say(quoted(keychainFile(name)));
  return 0;
}

function createKeychain(args) {
  const { options, operands, error } = parsed(args, 'hp:P');
  if (error || options.some(([flag]) => flag === 'h')) return USAGE;
  const password = options.findLast(([flag]) => flag === 'p')?.[1];
  if (options.some(([flag]) => flag === 'P'))
    return notImplemented('asking for the password in a dialog (-P)');
  if (operands.length === 0) return notImplemented('asking for the keychain name on the terminal');
  if (password === undefined) return notImplemented('asking for the password on the terminal');
  for (const name of operands) {
    const file = keychainFile(keychainPath(name));
    if (existsSync(file)) return failed('SecKeychainCreate', name, 'duplicateKeychain');
    createKeychainFile(file, password);
    if (joinsSearchListOnCreate(file)) {
      const preferences = readPreferences();
      const listed = listedName(file);
      if (!preferences.searchList.includes(listed)) preferences.searchList.push(listed);
      preferences.defaultKeychain ??= listed;
      writePreferences(preferences);
    }
  }
  return 0;
}

/** The keychain named (or the default one), opened; `{ file, keychain }` or `{ exitCode }` after an error. */
function openKeychain(name, call, subject = name) {
  const path = name === undefined ? defaultKeychainName() : keychainPath(name);
  if (!path) return { exitCode: failed(call, subject, 'noDefaultKeychain') };
  const file = keychainFile(path);
  const { keychain, problem } = readKeychainFile(file);
  if (problem) return { exitCode: failed(call, subject, problem) };
  return { file, keychain };
}

function unlockKeychain(args) {
  const { options, operands, error } = parsed(args, 'hp:u');
  if (error || options.some(([flag]) => flag === 'h')) return USAGE;
  if (operands.length > 1 || operands[0] === '') return USAGE;
  const password = options.findLast(([flag]) => flag === 'p')?.[1];
  if (options.some(([flag]) => flag === 'u')) return notImplemented('unlocking without the password (-u)');
  if (password === undefined) return notImplemented('asking for the password on the terminal');
  const name = operands[0];
  const opened = openKeychain(name, 'SecKeychainUnlock', name ?? '<NULL>');
  if (opened.exitCode !== undefined) return opened.exitCode;
  if (!passwordMatches(opened.keychain, password))
    return failed('SecKeychainUnlock', name ?? '<NULL>', 'authFailed');
  return 0;
}

function setKeychainSettings(args) {
  const { options, operands, error } = parsed(args, 'hlut:');
  if (error || options.some(([flag]) => flag === 'h')) return USAGE;
  if (operands.length > 1) return USAGE;
  const opened = openKeychain(operands[0], 'SecKeychainSetSettings', operands[0] ?? '<NULL>');
  if (opened.exitCode !== undefined) return opened.exitCode;
  const timeout = options.findLast(([flag]) => flag === 't')?.[1];
  opened.keychain.settings = {
    lockOnSleep: options.some(([flag]) => flag === 'l'),
    // Without -t the keychain never locks by itself ("no timeout").
    timeoutSeconds: timeout === undefined ? null : Number.parseInt(timeout, 10) || 0,
  };
  writeKeychainFile(opened.file, opened.keychain);
  return 0;
}

const IMPORT_TYPES = ['pub', 'priv', 'session', 'cert', 'agg'];
const IMPORT_FORMATS = [
  'openssl',
  'openssh1',
  'openssh2',
  'bsafe',
  'raw',
  'pkcs7',
  'pkcs8',
  'pkcs12',
  'netscape',
  'x509',
  'pemseq',
];

function plural(count, one, many) {
  return `${count} ${count > 1 ? many : one} imported.`;
}

async function importItems(args) {
  // `import inputfile [options]`: the file comes first, the options after it.
  if (args.length < 1 || (args.length === 1 && args[0].startsWith('-'))) return USAGE;
  const [inputFile, ...rest] = args;
  const { options, error } = parsed(rest, 'k:t:f:P:wxa:hAT:');
  if (error || options.some(([flag]) => flag === 'h')) return USAGE;
  const value = (flag) => options.findLast(([f]) => f === flag)?.[1];
  const type = value('t');
  const format = value('f');
  if ((type && !IMPORT_TYPES.includes(type)) || (format && !IMPORT_FORMATS.includes(format))) return USAGE;
  if (options.some(([flag]) => flag === 'a')) return notImplemented('setting extended attributes (-a)');
  if (format && format !== 'pkcs12') return notImplemented(`importing ${format} files`);
  const passphrase = value('P');
  if (passphrase === undefined) return notImplemented('asking for the passphrase in a dialog (no -P)');

  const opened = openKeychain(value('k'), 'SecKeychainItemImport', undefined);
  if (opened.exitCode !== undefined) return 1;
  let data;
  try {
    data = readFileSync(inputFile);
  } catch (err) {
    complain(
      `Error reading infile ${inputFile}: ${err.code === 'ENOENT' ? 'No such file or directory' : err.message}`,
    );
    return 1;
  }
  // node-forge loads only for an import: most calls need no PKCS#12.
  const { readP12 } = await import('./security-p12.mjs');
  const items = readP12(data, passphrase);
  if (items.problem) {
    failed('SecKeychainItemImport', undefined, items.problem);
    return 1;
  }
  // A private key already in the keychain fails the import; certificates already there (a CA
  // shared by two p12 files) are skipped.
  const present = new Set(opened.keychain.items.map((item) => item.sha1));
  if (items.identities.some((item) => present.has(item.sha1))) {
    failed('SecKeychainItemImport', undefined, 'duplicateItem');
    return 1;
  }
  const access = {
    anyApplication: options.some(([flag]) => flag === 'A'),
    applications: options.filter(([flag]) => flag === 'T').map(([, path]) => path),
  };
  for (const identity of items.identities)
    opened.keychain.items.push({ ...identity, privateKey: true, access });
  for (const certificate of items.certificates)
    if (!present.has(certificate.sha1)) opened.keychain.items.push({ ...certificate, privateKey: false });
  writeKeychainFile(opened.file, opened.keychain);
  if (items.identities.length) say(plural(items.identities.length, 'identity', 'identities'));
  if (items.keys) say(plural(items.keys, 'key', 'keys'));
  if (items.certificates.length) say(plural(items.certificates.length, 'certificate', 'certificates'));
  return 0;
}

function setKeyPartitionList(args) {
  const { options, operands, error } = parsed(args, 'a:c:dD:ej:l:rst:uvwS:k:h');
  if (error || options.some(([flag]) => flag === 'h')) return USAGE;
  const password = options.findLast(([flag]) => flag === 'k')?.[1];
  const partitions = options.findLast(([flag]) => flag === 'S')?.[1];
  if (password === undefined) return notImplemented('asking for the keychain password on the terminal');
  // Only private keys are kept here (imported with their certificates); match options that
  // select other kinds of key find nothing.
  const type = options.findLast(([flag]) => flag === 't')?.[1];
  const onlyOtherKeys = type !== undefined && type !== 'private';
  const names = operands.length ? operands.map(keychainPath) : currentSearchList();
  let changed = 0;
  for (const name of names) {
    const file = keychainFile(name);
    const { keychain, problem } = readKeychainFile(file);
    if (problem === 'noSuchKeychain' && operands.length === 0) continue; // e.g. the System keychain
    if (problem) {
      failed('SecKeychainOpen', name, problem);
      return 1;
    }
    const keys = onlyOtherKeys ? [] : keychain.items.filter((item) => item.privateKey);
    if (keys.length === 0) continue;
    if (!passwordMatches(keychain, password)) {
      failed('SecKeychainItemSetAccessWithPassword', undefined, 'authFailed');
      return 1;
    }
    for (const key of keys) {
      key.partitionIds = partitions === undefined ? [] : partitions.split(',');
      // Abridged: the real tool prints every attribute of each key it changed.
      say(
        `keychain: "${file}"\nversion: 512\nclass: 0x00000010 \nattributes:\n    0x00000001 <blob>="${key.commonName}"`,
      );
      changed++;
    }
    writeKeychainFile(file, keychain);
  }
  if (changed === 0) {
    failed('SecItemCopyMatching', undefined, 'itemNotFound');
    return 1;
  }
  return 0;
}

/**
 * Every command of macOS 14's `security help`, in its order: a command is found by the first
 * name the word is a prefix of (security.c match_command), so `list-keychain` is list-keychains.
 */
export const COMMANDS = [
  ['help', 'Show all commands, or show usage for a command.'],
  [
    'list-keychains',
    'Display or manipulate the keychain search list.',
    '[-d user|system|common|dynamic] [-s [keychain...]]\n    -d  Use the specified preference domain\n    -s  Set the search list to the specified keychains',
    listKeychains,
  ],
  ['list-smartcards', 'Display available smartcards.'],
  [
    'default-keychain',
    'Display or set the default keychain.',
    '[-d user|system|common|dynamic] [-s [keychain]]\n    -d  Use the specified preference domain\n    -s  Set the default keychain to the specified keychain',
    defaultKeychain,
  ],
  ['login-keychain', 'Display or set the login keychain.'],
  [
    'create-keychain',
    'Create keychains and add them to the search list.',
    '[-P] [-p password] [keychains...]\n    -p  Use "password" as the password for the keychains being created\n    -P  Prompt the user for a password using the SecurityAgent',
    createKeychain,
  ],
  ['delete-keychain', 'Delete keychains and remove them from the search list.'],
  ['lock-keychain', 'Lock the specified keychain.'],
  [
    'unlock-keychain',
    'Unlock the specified keychain.',
    '[-u] [-p password] [keychain]\n    -p  Use "password" as the password to unlock the keychain\n    -u  Do not use the password',
    unlockKeychain,
  ],
  [
    'set-keychain-settings',
    'Set settings for a keychain.',
    '[-lu] [-t timeout] [keychain]\n    -l  Lock keychain when the system sleeps\n    -u  Lock keychain after timeout interval\n    -t  Timeout in seconds (omitting this option specifies "no timeout")',
    setKeychainSettings,
  ],
  ['set-keychain-password', 'Set password for a keychain.'],
  ['show-keychain-info', 'Show the settings for keychain.'],
  ['dump-keychain', 'Dump the contents of one or more keychains.'],
  ['create-keypair', 'Create an asymmetric key pair.'],
  ['add-generic-password', 'Add a generic password item.'],
  ['add-internet-password', 'Add an internet password item.'],
  ['add-certificates', 'Add certificates to a keychain.'],
  ['find-generic-password', 'Find a generic password item.'],
  ['delete-generic-password', 'Delete a generic password item.'],
  ['set-generic-password-partition-list', 'Set the partition list of a generic password item.'],
  ['find-internet-password', 'Find an internet password item.'],
  ['delete-internet-password', 'Delete an internet password item.'],
  ['set-internet-password-partition-list', 'Set the partition list of a internet password item.'],
  ['find-key', 'Find keys in the keychain'],
  [
    'set-key-partition-list',
    'Set the partition list of a key.',
    '[options...] [keychain...]\n    -S  Comma-separated list of allowed partition IDs\n    -k  password for keychain (required)\n    -t  Type of key to find: one of "symmetric", "public", or "private"',
    setKeyPartitionList,
  ],
  ['find-certificate', 'Find a certificate item.'],
  ['find-identity', 'Find an identity (certificate + private key).'],
  ['delete-certificate', 'Delete a certificate from a keychain.'],
  ['delete-identity', 'Delete an identity (certificate + private key) from a keychain.'],
  ['set-identity-preference', 'Set the preferred identity to use for a service.'],
  ['get-identity-preference', 'Get the preferred identity to use for a service.'],
  ['create-db', 'Create a db using the DL.'],
  ['export', 'Export items from a keychain.'],
  [
    'import',
    'Import items into a keychain.',
    'inputfile [-k keychain] [-t type] [-f format] [-w] [-P passphrase] [options...]\n    -k  Target keychain to import into\n    -t  Type = pub|priv|session|cert|agg\n    -f  Format = openssl|openssh1|openssh2|bsafe|raw|pkcs7|pkcs8|pkcs12|netscape|pemseq\n    -w  Specify that private keys are wrapped and must be unwrapped on import\n    -x  Specify that private keys are non-extractable after being imported\n    -P  Specify wrapping passphrase immediately (default is secure passphrase via GUI)\n    -a  Specify name and value of extended attribute (can be used multiple times)\n    -A  Allow any application to access the imported key without warning (insecure, not recommended!)\n    -T  Specify an application which may access the imported key (multiple -T options are allowed)',
    importItems,
  ],
  ['export-smartcard', 'Export items from a smartcard.'],
  ['cms', 'Encode or decode CMS messages.'],
  ['install-mds', 'Install (or re-install) the MDS database.'],
  ['add-trusted-cert', 'Add trusted certificate(s).'],
  ['remove-trusted-cert', 'Remove trusted certificate(s).'],
  ['dump-trust-settings', 'Display contents of trust settings.'],
  ['user-trust-settings-enable', 'Display or manipulate user-level trust settings.'],
  ['trust-settings-export', 'Export trust settings.'],
  ['trust-settings-import', 'Import trust settings.'],
  ['verify-cert', 'Verify certificate(s).'],
  ['authorize', 'Perform authorization operations.'],
  ['authorizationdb', 'Make changes to the authorization policy database.'],
  ['execute-with-privileges', 'Execute tool with privileges.'],
  ['leaks', 'Run /usr/bin/leaks on this process.'],
  ['error', 'Display a descriptive message for the given error code(s).'],
  ['create-filevaultmaster-keychain', 'Create a keychain containing a key pair for FileVault recovery use.'],
  ['smartcards', 'Enable, disable or list disabled smartcard tokens.'],
  ['translocate-create', 'Create a translocation point for the provided path'],
  ['translocate-policy-check', 'Check whether a path would be translocated.'],
  ['translocate-status-check', 'Check whether a path is translocated.'],
  ['translocate-original-path', 'Find the original path for a translocated path.'],
  ['requirement-evaluate', 'Evaluate a requirement against a cert chain.'],
  ['filevault', 'Handles FileVault specific settings and overrides.'],
].map(([name, help, usage, run]) => ({ name, help, usage, run }));

/** `security help [command...]`: all commands, or the usage of each one named. */
export function help(words) {
  if (words.length === 0) {
    for (const command of COMMANDS) say(`    ${command.name.padEnd(36)} ${command.help}`);
    return 0;
  }
  for (const word of words) {
    const command = COMMANDS.find((c) => c.name.startsWith(word));
    if (!command) {
      complain(`help: no such command: ${word}`);
      return 1;
    }
    say(`Usage: ${command.name} ${command.usage ?? ''}`.trimEnd());
  }
  return 0;
}
