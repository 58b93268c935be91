import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, buildBinary } from 'plist';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parsePlist, readPlistFile } from '../plist.ts';

const dir = mkdtempSync(join(tmpdir(), 'plist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, data: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

const DICT = { CFBundleIdentifier: 'com.example.app', Count: 300, On: true, List: ['a', 'b'] };

describe('parsePlist', () => {
  it('reads XML and binary property lists alike', () => {
    expect(parsePlist(Buffer.from(build(DICT)))).toEqual(DICT);
    expect(parsePlist(buildBinary(DICT))).toEqual(DICT);
  });

  it('refuses a root that is not a dictionary, and malformed XML without printing xmldom noise', () => {
    expect(() => parsePlist(Buffer.from(build(['a'])))).toThrow('the root is not a dictionary');
    const error = vi.spyOn(console, 'error');
    try {
      expect(() => parsePlist(Buffer.from('<plist><dict><key>'))).toThrow();
      expect(error).not.toHaveBeenCalled();
    } finally {
      error.mockRestore();
    }
  });
});

describe('readPlistFile', () => {
  it('reads a file and names it in each failure', () => {
    expect(readPlistFile(write('Info.plist', buildBinary(DICT)), 'Info.plist')).toEqual(DICT);
    const missing = join(dir, 'missing.plist');
    expect(() => readPlistFile(missing, 'Info.plist of target (App)')).toThrow(
      `Info.plist of target (App) not found: ${missing}`,
    );
    const broken = write('broken.plist', '<plist><dict><key>');
    expect(() => readPlistFile(broken, 'entitlements file')).toThrow(
      `failed to parse entitlements file (${broken})`,
    );
    const array = write('array.plist', build(['a']));
    expect(() => readPlistFile(array, 'entitlements file')).toThrow(
      `entitlements file (${array}) is not a dictionary`,
    );
  });
});
