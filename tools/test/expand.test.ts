import { describe, expect, it } from 'vitest';
import { applyEnvItem, type EnvMap } from '../lib/bitrise-cli/env-items.ts';
import { goExpand } from '../lib/bitrise-cli/expand.ts';

const env: Record<string, string> = { HOME: '/home/me', A: 'x', A_B: 'y' };
const expand = (text: string) => goExpand(text, (name) => env[name] ?? '');

describe('goExpand (Go os.Expand)', () => {
  it.each([
    ['$HOME/dir', '/home/me/dir'],
    ['${HOME}/dir', '/home/me/dir'],
    ['$A_B', 'y'],
    ['${A}_B', 'x_B'],
    ['$UNKNOWN!', '!'],
    ['cost $5', 'cost '],
    ['a$$b', 'ab'],
    ['${}x', 'x'],
    ['${HOME', 'HOME'],
    ['end$', 'end$'],
    ['$ space', '$ space'],
    ['$.dot', '$.dot'],
    ['no dollars', 'no dollars'],
    ['${1}', ''],
    ['p@$$w0rd', 'p@w0rd'],
  ])('%s → %s', (input, expected) => {
    expect(expand(input)).toBe(expected);
  });
});

describe('applyEnvItem (envman)', () => {
  it('expands against earlier items, honours is_expand, skip_if_empty and unset', () => {
    const map: EnvMap = new Map([['BASE', '/src']]);
    applyEnvItem(map, { key: 'dir', value: '$BASE/app', opts: {} });
    applyEnvItem(map, { key: 'raw', value: '$BASE', opts: { is_expand: false } });
    applyEnvItem(map, { key: 'dir', value: '', opts: { skip_if_empty: true } });
    applyEnvItem(map, { key: 'BASE', value: '', opts: { unset: true } });
    applyEnvItem(map, { key: 'num', value: 5, opts: {} });
    applyEnvItem(map, { key: 'nil', value: null, opts: {} });
    expect(Object.fromEntries(map)).toEqual({ dir: '/src/app', raw: '$BASE', num: '5', nil: '' });
  });
});
