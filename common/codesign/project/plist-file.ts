import { readFileSync } from 'node:fs';
import { parse, parseBinary } from 'plist';
import { StepError } from '../../step/index.ts';

/** Reads an XML or binary property list whose root must be a dictionary. */
export function readPlistFile(path: string, what: string): Record<string, unknown> {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new StepError(`${what} not found: ${path}`, { cause: err });
  }
  let value: unknown;
  try {
    value =
      data.subarray(0, 8).toString('latin1') === 'bplist00'
        ? parseBinary(data)
        : parse(data.toString('utf8'));
  } catch (err) {
    throw new StepError(`failed to parse ${what} (${path})`, { cause: err });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new StepError(`${what} (${path}) is not a dictionary`);
  }
  return value as Record<string, unknown>;
}
