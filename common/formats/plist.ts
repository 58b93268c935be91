import { readFileSync } from 'node:fs';
import { parseBinary, parse as parseXmlPlist } from 'plist';
import { StepError } from '../step/errors.ts';

/**
 * Property lists, XML or binary, read with the `plist` package: Info.plist files, entitlements and
 * the plist inside a provisioning profile. Every reader in the repository goes through here.
 */

export type PlistDict = Record<string, unknown>;

/** Parses an XML or binary (bplist00) property list whose root must be a dictionary. */
export function parsePlist(data: Uint8Array): PlistDict {
  const value = decode(data);
  if (!isDict(value)) throw new Error('the root is not a dictionary');
  return value;
}

/** Reads a plist file whose root must be a dictionary; `what` names it in errors, e.g. `Info.plist of target (App)`. */
export function readPlistFile(path: string, what: string): PlistDict {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new StepError(`${what} not found: ${path}`, { cause: err });
  }
  let value: unknown;
  try {
    value = decode(data);
  } catch (err) {
    throw new StepError(`failed to parse ${what} (${path})`, { cause: err });
  }
  if (!isDict(value)) throw new StepError(`${what} (${path}) is not a dictionary`);
  return value;
}

function decode(data: Uint8Array): unknown {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.subarray(0, 8).toString('latin1') === 'bplist00') return parseBinary(bytes);
  return quietly(() => parseXmlPlist(bytes.toString('utf8')));
}

function isDict(value: unknown): value is PlistDict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

/** xmldom reports malformed XML on console.error before throwing; the thrown error is enough. */
function quietly<T>(fn: () => T): T {
  const original = console.error;
  console.error = () => {};
  try {
    return fn();
  } finally {
    console.error = original;
  }
}
