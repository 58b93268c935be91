import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyModifier } from '../build-settings/modifiers.ts';
import { parseSettingKey, settingsFromRecord } from '../build-settings/setting.ts';
import { readXcconfig } from '../build-settings/xcconfig.ts';
import { BuildSettings } from '../index.ts';

const layer = (name: string, record: Record<string, string>) => ({
  name,
  settings: settingsFromRecord(record),
});

describe('BuildSettings', () => {
  it('expands $(VAR), ${VAR} and $VAR, with modifiers and defaults', () => {
    const settings = new BuildSettings([
      layer('base', {
        TARGET_NAME: 'My App+',
        PRODUCT_NAME: '$(TARGET_NAME)',
        A: '$(PRODUCT_NAME:rfc1034identifier)',
        B: '${PRODUCT_NAME:c99extidentifier}',
        C: '$PRODUCT_NAME',
        D: '$(UNDEFINED:default=fallback:value)',
        E: '$(PRODUCT_NAME:lower:rfc1034identifier)',
        F: '$(NAME_$(KIND))',
        KIND: 'X',
        NAME_X: 'nested',
      }),
    ]);
    expect(settings.get('A')).toBe('My-App-');
    expect(settings.get('B')).toBe('My_App_');
    expect(settings.get('C')).toBe('My App+');
    expect(settings.get('D')).toBe('fallback:value');
    expect(settings.get('E')).toBe('my-app-');
    expect(settings.get('F')).toBe('nested');
  });

  it('resolves $(inherited) through the levels and records undefined references', () => {
    const settings = new BuildSettings([
      layer('project', { OTHER: '-a', ID: 'com.example' }),
      layer('target', { OTHER: '$(inherited) -b', ID: '$(inherited).$(MISSING)app' }),
    ]);
    expect(settings.get('OTHER')).toBe('-a -b');
    expect(settings.get('ID')).toBe('com.example.app');
    expect([...settings.unresolved]).toEqual(['MISSING']);
    expect(settings.origin('OTHER')).toBe('target');
  });

  it('prefers a matching conditional value within a level, and survives cycles', () => {
    const settings = new BuildSettings(
      [
        layer('project', {
          'CODE_SIGN_IDENTITY[sdk=iphoneos*]': 'iPhone Developer',
          CODE_SIGN_IDENTITY: 'Mac',
        }),
        layer('target', { 'X[sdk=iphonesimulator*]': 'sim', X: 'device', LOOP: '$(LOOP)x' }),
      ],
      { sdk: 'iphoneos', config: 'Release' },
    );
    expect(settings.get('CODE_SIGN_IDENTITY')).toBe('iPhone Developer');
    expect(settings.get('X')).toBe('device');
    expect(settings.get('LOOP')).toBe('x');
  });
});

describe('setting keys and modifiers', () => {
  it('parses conditions in both notations', () => {
    expect(parseSettingKey('A[sdk=iphoneos*][arch=arm64]')).toEqual({
      key: 'A',
      conditions: { sdk: 'iphoneos*', arch: 'arm64' },
    });
    expect(parseSettingKey('A[sdk=iphoneos*,config=Debug]')).toEqual({
      key: 'A',
      conditions: { sdk: 'iphoneos*', config: 'Debug' },
    });
  });

  it.each([
    ['a/b/c.txt', 'base', 'c'],
    ['a/b/c.txt', 'file', 'c.txt'],
    ['a/b/c.txt', 'dir', 'a/b'],
    ['a/b/c.txt', 'suffix', '.txt'],
    ['Hello', 'upper', 'HELLO'],
    ['9lives', 'identifier', '_9lives'],
    ['x', 'unknownmodifier', 'x'],
  ])('%s:%s is %s', (value, modifier, expected) => {
    expect(applyModifier(value, modifier)).toBe(expected);
  });
});

describe('readXcconfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xcconfig-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('follows includes in order, strips comments and skips Xcode and optional includes', () => {
    writeFileSync(join(dir, 'inner.xcconfig'), 'A = inner\nB = 1 // comment\n#include "main.xcconfig"\n');
    writeFileSync(
      join(dir, 'main.xcconfig'),
      '#include "inner.xcconfig"\n#include? "nope.xcconfig"\n#include "<DEVELOPER_DIR>/x.xcconfig"\nA = $(inherited) outer;\nC[sdk=macosx*] = mac\n',
    );
    const warnings: string[] = [];
    const settings = readXcconfig(join(dir, 'main.xcconfig'), { warn: (m) => warnings.push(m) });
    expect(settings).toEqual([
      { key: 'A', conditions: {}, value: 'inner' },
      { key: 'B', conditions: {}, value: '1' },
      { key: 'A', conditions: {}, value: '$(inherited) outer' },
      { key: 'C', conditions: { sdk: 'macosx*' }, value: 'mac' },
    ]);
    expect(warnings).toEqual([]);
    expect(new BuildSettings([{ name: 'xcconfig', settings }]).get('A')).toBe('inner outer');
    readXcconfig(join(dir, 'absent.xcconfig'), { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([`xcconfig not found: ${join(dir, 'absent.xcconfig')}`]);
  });
});
