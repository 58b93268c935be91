import { describe, expect, it } from 'vitest';
import { ErrorFinder, lastRedBlock, redBlocks } from '../testkit/failure-reason.ts';

/** The table of bitrise-io/bitrise `stepruncmd/errorfinder/error_finding_test.go`, case by case. */
const GO_CASES: Array<{ name: string; inputs: string[]; want: string[] }> = [
  { name: 'No color string', inputs: ['Test input', 'newline\nfoo'], want: [] },
  { name: 'Black color string', inputs: ['\x1b[30;1mTest input', 'newline\nfoo\x1b[0m'], want: [] },
  { name: 'Simple red string without modifier', inputs: ['\x1b[31mTest input\x1b[0m'], want: ['Test input'] },
  { name: 'Simple red string', inputs: ['\x1b[31;1mTest input\x1b[0m'], want: ['Test input'] },
  { name: 'Empty red string', inputs: ['Foo\x1b[31;1m\x1b[0mBar'], want: [] },
  { name: 'Postfix red string', inputs: ['Foo\x1b[31;1mBar\x1b[0m'], want: ['Bar'] },
  { name: 'Prefix red string', inputs: ['\x1b[31;1mFoo\x1b[0mBar'], want: ['Foo'] },
  { name: 'Surrounded red string', inputs: ['Foo\x1b[31;1mBar\x1b[0mBaz'], want: ['Bar'] },
  {
    name: 'Multiline red string',
    inputs: ['Foo\x1b[31;1mBar\nBaz\nQux\x1b[0mTest'],
    want: ['Bar\nBaz\nQux'],
  },
  {
    name: 'Split red string at content',
    inputs: ['Foo\x1b[31;1mBa', 'r\nBaz\nQux\x1b[0mTest'],
    want: ['Bar\nBaz\nQux'],
  },
  {
    name: 'Split red string at control',
    inputs: ['Foo\x1b', '[31', ';1mBar\nBaz\nQux\x1b[0mTest'],
    want: ['Bar\nBaz\nQux'],
  },
  { name: 'Red then black', inputs: ['Foo\x1b[31;1mBar\x1b[30;1mBaz\x1b[0mQux'], want: ['Bar'] },
  {
    name: 'Multiple red sections',
    inputs: ['Foo\x1b[31;1mBar\x1b[0mBaz\x1b[31;1mQux\x1b[0m'],
    want: ['Bar', 'Qux'],
  },
  {
    name: 'Complex multiple red sections',
    inputs: ['Foo\x1b[', '31;1mB\na\nr\x1b', '[0mBaz\x1b[31;1mQ', '\nu\nx\x1b[0mTest'],
    want: ['B\na\nr', 'Q\nu\nx'],
  },
  { name: 'Endless red', inputs: ['\x1b[31;1mTest\n in', 'put'], want: ['Test\n input'] },
  { name: 'Repeated reds', inputs: ['\x1b[31;1mTest \x1b[31;1min', 'put\x1b[0m'], want: ['Test input'] },
  {
    name: 'Endless repeated reds',
    inputs: ['Foo\n\n\n\x1b[31;1mTest \x1b[31;1mi\x1b[31;1mn', 'put'],
    want: ['Test input'],
  },
  {
    name: 'Multiple control expression',
    inputs: ['Foo\n\n\n\x1b[1;3;4;31mTest \x1b[31;1mi\x1b[31;1mn', 'put'],
    want: ['Test input'],
  },
];

function collect(inputs: string[]): string[] {
  const finder = new ErrorFinder();
  for (const input of inputs) finder.write(input);
  finder.close();
  return finder.errorMessages;
}

describe('ErrorFinder (the Bitrise CLI failure-reason scanner)', () => {
  it.each(GO_CASES)('$name', ({ inputs, want }) => {
    expect(collect(inputs)).toEqual(want);
    // The same output in one write finds the same blocks.
    expect(redBlocks(inputs.join(''))).toEqual(want);
  });

  it('reads a failing Step log whose every line is painted separately as one block per line', () => {
    // What go-utils' log.Errorf-per-line and our old fatal printer produced: two red lines are
    // two blocks, and only the last one is the failure reason.
    const log = [
      'Deploying file: /bitrise/src/assets',
      '\x1b[31;1mfailed to create file artifact: /bitrise/src/assets\x1b[0m',
      '\x1b[31;1m  failed to get file size, error: file not exist at: /bitrise/src/assets\x1b[0m',
      '',
    ].join('\n');
    expect(redBlocks(log)).toEqual([
      'failed to create file artifact: /bitrise/src/assets',
      '  failed to get file size, error: file not exist at: /bitrise/src/assets',
    ]);
    expect(lastRedBlock(log)).toBe(
      '  failed to get file size, error: file not exist at: /bitrise/src/assets',
    );
  });

  it('keeps a red sequence split between writes by up to 20 bytes of plain text before it', () => {
    const before = 'x'.repeat(100);
    expect(collect([`${before}\x1b[3`, '1;1mreason\x1b[0m\n'])).toEqual(['reason']);
  });

  it('counts a 256-colour sequence with 31 in it as red, as the Go pattern does', () => {
    expect(lastRedBlock('\x1b[38;5;131mdark red\x1b[0m')).toBe('dark red');
  });

  it('returns undefined when nothing was red, and UTF-8 text intact when split mid-character', () => {
    expect(lastRedBlock('\x1b[32;1mall good\x1b[0m\n')).toBeUndefined();
    const bytes = Buffer.from('\x1b[31;1mZertifikat für „Ä“ fehlt\x1b[0m\n', 'utf8');
    const finder = new ErrorFinder();
    finder.write(bytes.subarray(0, 20));
    finder.write(bytes.subarray(20));
    finder.close();
    expect(finder.errorMessages).toEqual(['Zertifikat für „Ä“ fehlt']);
  });

  it('takes the last of several blocks, and a block still open at the end', () => {
    expect(lastRedBlock('\x1b[31;1mfirst\x1b[0m\nplain\n\x1b[31;1mlast\x1b[0m\n')).toBe('last');
    expect(lastRedBlock('\x1b[31;1mfirst\x1b[0m\n\x1b[31;1mnever reset\n')).toBe('never reset\n');
  });
});
