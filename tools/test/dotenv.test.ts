import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../cli/commands/run.ts';
import { parseEnvFile, stringifyDotenv } from '../lib/bitrise-cli/dotenv.ts';
import { collect, tempDir } from './helpers.ts';

/** Values that have each broken an env file reader or writer somewhere. */
const TRICKY: Record<string, string> = {
  APOSTROPHES: "say 'hi', it's #1",
  SINGLE: "'quoted'",
  DOUBLE: '"quoted"',
  BACKTICK: '`quoted`',
  SINGLE_AND_DOUBLE: `it's "x"`,
  ALL_QUOTES: `say 'hi', "it's" \`x\``,
  HASH: 'a#b # c',
  HASH_FIRST: '#not a comment',
  EQUALS: 'a=b==c=',
  LEADING_SPACES: '  lead',
  TRAILING_SPACES: 'trail  ',
  TABS: '\tboth\t',
  ONLY_SPACES: '   ',
  LF: 'line 1\nline 2\n',
  LF_AND_QUOTES: 'it\'s\n"two"\nlines',
  DOLLAR: '$HOME and ${HOME} and \\$ESCAPED',
  BACKSLASHES: 'C:\\path\\new \\\\ \\t \\"',
  LITERAL_BACKSLASH_N_WITH_QUOTES: `it's \\n "raw"`,
  EMPTY: '',
  UNICODE: 'héllo ☃ 日本 🎉 \u00a0nbsp\u00a0',
  EXPORT_LOOKALIKE: 'export X=1',
};

describe('stringifyDotenv / parseEnvFile', () => {
  it.each(Object.entries(TRICKY))('%s reads back exactly', (key, value) => {
    expect(parseEnvFile(stringifyDotenv([[key, value]]))).toEqual({ [key]: value });
  });

  it('a file of all of them reads back exactly', () => {
    expect(parseEnvFile(stringifyDotenv(Object.entries(TRICKY)))).toEqual(TRICKY);
  });

  it('values drawn from the characters the grammar treats specially read back exactly, or are refused', () => {
    const alphabet = [...'a \t\'"`#=\n\\n${}é', 'export '];
    let seed = 7;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 16) % n;
    };
    const written: Array<[string, string]> = [];
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const value = Array.from({ length: next(8) }, () => alphabet[next(alphabet.length)]).join('');
      const key = `K${i}`;
      try {
        stringifyDotenv([[key, value]]);
        written.push([key, value]);
      } catch (err) {
        refused++;
        expect((err as Error).message).toContain(`"${key}"`);
        // Only a value holding every quote kind can be refused here (no carriage returns drawn).
        expect(["'", '`'].every((q) => value.includes(q)) && /"|\\n/.test(value)).toBe(true);
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(written.length / 10);
    expect(parseEnvFile(stringifyDotenv(written))).toEqual(Object.fromEntries(written));
  });

  it('`node --env-file` reads the written file the same way', () => {
    const file = join(tempDir(), 'tricky.env');
    writeFileSync(file, stringifyDotenv(Object.entries(TRICKY)));
    const printed = spawnSync(
      process.execPath,
      [`--env-file=${file}`, '-e', `process.stdout.write(JSON.stringify(process.env))`],
      { encoding: 'utf8', env: { PATH: process.env['PATH'] } },
    );
    expect(printed.stderr).toBe('');
    expect(JSON.parse(printed.stdout)).toMatchObject(TRICKY);
  });

  it('writes plain values bare and quotes the rest with a quote kind they do not contain', () => {
    expect(
      stringifyDotenv([
        ['PLAIN', 'Hello World'],
        ['EMPTY', ''],
        ['APOSTROPHES', "say 'hi', it's #1"],
        ['SPACED', ' x '],
        ['SINGLE_AND_DOUBLE', `it's "x" #1`],
        ['ALL_QUOTES', `it's "x" \`y\``],
      ]),
    ).toBe(
      [
        'PLAIN=Hello World',
        'EMPTY=',
        `APOSTROPHES="say 'hi', it's #1"`,
        "SPACED=' x '",
        `SINGLE_AND_DOUBLE=\`it's "x" #1\``,
        `ALL_QUOTES=it's "x" \`y\``,
        '',
      ].join('\n'),
    );
  });

  it('refuses, naming the key, a value Node cannot read back', () => {
    expect(() => stringifyDotenv([['CRLF', 'a\r\nb']])).toThrow(
      /cannot write "CRLF" to a dotenv file: its value has a carriage return/,
    );
    expect(() => stringifyDotenv([['ALL_QUOTES_AND_HASH', `it's "x" \`y\` #1`]])).toThrow(
      /cannot write "ALL_QUOTES_AND_HASH" to a dotenv file: its value has all three quote kinds/,
    );
    // Bare, it would read back only as the last line: the parser looks for its closing quote.
    expect(() => stringifyDotenv([['ALL_QUOTES_LEADING', `"a' \`b\``]])).toThrow(/"ALL_QUOTES_LEADING"/);
    expect(() => stringifyDotenv([['ALL_QUOTES_MULTILINE', `'\n"\n\``]])).toThrow(/"ALL_QUOTES_MULTILINE"/);
    expect(() => stringifyDotenv([['LONE_SURROGATE', 'x\ud800']])).toThrow(/not well-formed Unicode/);
    expect(() => stringifyDotenv([['A=B', 'x']])).toThrow(/cannot write "A=B".*different key or none/);
    expect(() => stringifyDotenv([['#KEY', 'x']])).toThrow(/"#KEY"/);
  });

  it('reads hand-written files in Node’s grammar: comments, export, spacing, CRLF, escapes', () => {
    const text = [
      '# a comment',
      'export EXPORTED=yes',
      '  SPACED_KEY = spaced value   # trailing comment',
      "SINGLE='kept \\n $HOME # not a comment'",
      'DOUBLE="line 1\\nline 2 \\t kept"',
      'MULTI="first',
      'second"',
      'DOLLAR=$HOME ${HOME}',
      'EMPTY=',
      '',
    ].join('\r\n');
    expect(parseEnvFile(text)).toEqual({
      EXPORTED: 'yes',
      SPACED_KEY: 'spaced value',
      SINGLE: 'kept \\n $HOME # not a comment',
      DOUBLE: 'line 1\nline 2 \\t kept',
      MULTI: 'first\nsecond',
      DOLLAR: '$HOME ${HOME}',
      EMPTY: '',
    });
  });
});

describe('steps run --env-file', () => {
  /** A throwaway Step that saves its `message` input and the `NOTE` env var, and exports both. */
  function echoStepRoot(): string {
    const root = tempDir();
    const dir = join(root, 'steps', 'echo-step');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'step.yml'),
      [
        'title: Echo Step',
        'summary: Saves what it receives.',
        'toolkit:',
        '  bash:',
        '    entry_file: step.sh',
        'inputs:',
        '  - message: default',
        '    opts:',
        '      title: Message',
        'outputs:',
        '  - ECHO_MESSAGE:',
        '  - ECHO_NOTE:',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'step.sh'),
      [
        '#!/usr/bin/env bash',
        'set -euo pipefail',
        'printf %s "$message" > "$BITRISE_SOURCE_DIR/message.txt"',
        'printf %s "$NOTE" > "$BITRISE_SOURCE_DIR/note.txt"',
        'envman add --key ECHO_MESSAGE --value "$message"',
        'envman add --key ECHO_NOTE --value "$NOTE"',
        '',
      ].join('\n'),
    );
    return root;
  }

  it('hands the Step input and env values exactly as written, and writes outputs that read back exactly', async () => {
    const root = echoStepRoot();
    const work = tempDir();
    const envFile = join(work, 'local.env');
    const secrets = join(work, 'secrets.yml');
    writeFileSync(secrets, 'envs: []\n');
    writeFileSync(envFile, `message="say 'hi', it's #1"\nNOTE='$HOME "q" \`b\`\n  second line '\n`);
    const result = await runCommand({
      id: 'echo-step',
      root,
      envFile,
      secrets,
      sourceDir: work,
      outputsFile: join(work, 'outputs.env'),
      out: collect(),
      stepOutput: () => {},
    });
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(work, 'message.txt'), 'utf8')).toBe("say 'hi', it's #1");
    const note = '$HOME "q" `b`\n  second line ';
    expect(readFileSync(join(work, 'note.txt'), 'utf8')).toBe(note);
    expect(parseEnvFile(readFileSync(result.outputsFile, 'utf8'))).toEqual({
      ECHO_MESSAGE: "say 'hi', it's #1",
      ECHO_NOTE: note,
    });
  });
});
