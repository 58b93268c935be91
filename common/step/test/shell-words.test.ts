import { describe, expect, it } from 'vitest';
import { shellSplit } from '../shell-words.ts';

describe('shellSplit', () => {
  it.each([
    ['ios beta', ['ios', 'beta']],
    ['ios beta key:value', ['ios', 'beta', 'key:value']],
    [`ios beta "name:My App" 'x y'`, ['ios', 'beta', 'name:My App', 'x y']],
    ['a\\ b  c', ['a b', 'c']],
    [`say "quote \\" inside"`, ['say', 'quote " inside']],
    ['  ', []],
    [`empty "" ''`, ['empty', '', '']],
  ])('%j', (text, words) => {
    expect(shellSplit(text)).toEqual(words);
  });

  it('rejects an unterminated quote', () => {
    expect(() => shellSplit('ios "beta')).toThrow('unterminated double quote');
  });
});
