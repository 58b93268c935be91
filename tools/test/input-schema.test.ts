import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseInputs } from '../../common/step/schema.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { deriveInputSchema } from '../lib/step-yml/input-schema.ts';
import { renderInputsModule, stringLiteral } from '../lib/step-yml/render-schema.ts';
import { envItems } from '../lib/step-yml/step-yml.ts';
import { tempDir } from './helpers.ts';

/** The schema derived from the `inputs:` list of a small step.yml. */
function derive(inputsYml: string) {
  return deriveInputSchema(envItems(parse(inputsYml, { version: '1.1' })));
}

function specs(inputsYml: string) {
  const { inputs, problems } = derive(inputsYml);
  expect(problems).toEqual([]);
  return Object.fromEntries(inputs.map(({ key, spec }) => [key, spec]));
}

describe('the input schema derived from step.yml', () => {
  it('reads kinds, defaults, required, value options and sensitivity from step.yml and meta.steps', () => {
    expect(
      specs(`
- name:
  opts: {title: Name, is_required: true, meta: {steps: {hint: set it to your name}}}
- flag: "no"
  opts: {title: Flag, value_options: ["yes", "no"]}
- update: "true"
  opts: {title: Update, value_options: ["true", "false"]}
- mode: b
  opts: {title: Mode, is_required: true, value_options: [a, b, "off"]}
- token: $TOKEN
  opts: {title: Token, is_sensitive: true}
- days: "5"
  opts: {title: Days, meta: {steps: {kind: int, min: 1, max: 365}}}
- count: $COUNT
  opts: {title: Count, meta: {steps: {kind: int}}}
- urls:
  opts: {title: URLs, is_sensitive: true, meta: {steps: {kind: list, separator: pipe}}}
- tags:
  opts: {title: Tags, meta: {steps: {kind: list}}}
- key_path:
  opts: {title: Key, is_sensitive: true, meta: {steps: {kind: location}}}
- work_dir: $BITRISE_SOURCE_DIR
  opts: {title: Dir, meta: {steps: {kind: dir}}}
- gemfile: ./Gemfile
  opts: {title: Gemfile, meta: {steps: {kind: file}}}
- build_url:
  opts: {title: URL, meta: {steps: {kind: url, schemes: [https, file], hint: use the build URL}}}
`),
    ).toEqual({
      name: { kind: 'string', required: true, hint: 'set it to your name' },
      flag: { kind: 'bool' },
      update: { kind: 'bool' },
      mode: { kind: 'oneOf', options: ['a', 'b', 'off'], required: true },
      token: { kind: 'secret' },
      days: { kind: 'int', min: 1, max: 365, default: 5 },
      count: { kind: 'int' },
      urls: { kind: 'list', separator: 'pipe', sensitive: true },
      tags: { kind: 'list' },
      key_path: { kind: 'location', sensitive: true },
      work_dir: { kind: 'dir' },
      gemfile: { kind: 'file' },
      build_url: { kind: 'url', schemes: ['https', 'file'], hint: 'use the build URL' },
    });
  });

  it('keeps step.yml order, the order of the config echo and of input errors', () => {
    const { inputs } = derive(
      '- b:\n  opts: {title: B}\n- a:\n  opts: {title: A}\n- c:\n  opts: {title: C}\n',
    );
    expect(inputs.map((i) => i.key)).toEqual(['b', 'a', 'c']);
  });

  it('validates what it derives as the Steps did: ranges, words, options, list separators', () => {
    const schema = specs(`
- days: "5"
  opts: {title: Days, meta: {steps: {kind: int, min: 0, max: 30}}}
- flag: "no"
  opts: {title: Flag, value_options: ["yes", "no"]}
- mode: a
  opts: {title: Mode, value_options: [a, b]}
- urls:
  opts: {title: URLs, meta: {steps: {kind: list, separator: pipe}}}
`);
    const { values } = parseInputs(schema, { days: '', flag: 'YES', mode: 'b', urls: 'x|y\nz' });
    expect(values).toEqual({ days: 5, flag: true, mode: 'b', urls: ['x', 'y\nz'] });
    expect(() => parseInputs(schema, { days: '31' })).toThrow('31 is above the maximum 30');
    expect(() => parseInputs(schema, { flag: 'maybe' })).toThrow('"maybe" is not a boolean');
    expect(() => parseInputs(schema, { mode: 'c' })).toThrow('"c" is not one of a, b');
  });

  it.each([
    ['an unknown kind', '{kind: number}', 'x: meta.steps.kind "number" is not one of'],
    [
      'a meta key the kind does not read',
      '{kind: dir, min: 1}',
      'x: meta.steps.min does not apply to a dir input',
    ],
    ['a url without schemes', '{kind: url}', 'x: a url input needs meta.steps.schemes'],
    ['an unknown list separator', '{kind: list, separator: comma}', 'x: meta.steps.separator must be one of'],
    ['a fractional bound', '{kind: int, min: 0.5}', 'x: meta.steps.min must be a whole number'],
    ['min above max', '{kind: int, min: 5, max: 1}', 'x: meta.steps.min 5 is above max 1'],
    ['an empty hint', '{hint: ""}', 'x: meta.steps.hint must be a non-empty string'],
    ['meta.steps that is no map', 'int', 'x: meta.steps must be a map'],
  ])('refuses %s', (_name, meta, problem) => {
    const { problems } = derive(`- x:\n  opts: {title: X, meta: {steps: ${meta}}}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });

  it.each([
    [
      'an int default that is no number',
      '"soon"',
      '',
      '{kind: int}',
      'the value "soon" is not a whole number',
    ],
    ['an int default out of range', '"31"', '', '{kind: int, max: 30}', 'the value 31 is outside'],
    [
      'value options on a kind without options',
      'a',
      'value_options: [a, b], ',
      '{kind: string}',
      'value_options make it',
    ],
    [
      'a sensitive int, never redacted',
      '"1"',
      'is_sensitive: true, ',
      '{kind: int}',
      'cannot be is_sensitive',
    ],
    [
      'a sensitive string kind',
      '',
      'is_sensitive: true, ',
      '{kind: string}',
      'a sensitive text input is a secret',
    ],
    ['a oneOf without options', '', '', '{kind: oneOf}', 'a oneOf input needs value_options'],
  ])('refuses %s', (_name, value, opts, meta, problem) => {
    const { problems, inputs } = derive(`- x: ${value}\n  opts: {title: X, ${opts}meta: {steps: ${meta}}}\n`);
    expect(problems.join('\n')).toContain(problem);
    expect(inputs).toEqual([]);
  });

  it('reads yes/no value options with other words as a oneOf, and a bool kind needs one of each', () => {
    expect(specs('- x: "yes"\n  opts: {title: X, value_options: ["yes", "no", "maybe"]}\n')).toEqual({
      x: { kind: 'oneOf', options: ['yes', 'no', 'maybe'] },
    });
    expect(
      derive('- x: "yes"\n  opts: {title: X, value_options: ["yes", "true"], meta: {steps: {kind: bool}}}\n')
        .problems,
    ).toEqual(['x: a bool input offers one yes-word and one no-word, not yes, true']);
  });
});

describe('the generated schema module', () => {
  const module = renderInputsModule([
    {
      key: 'connection',
      spec: { kind: 'oneOf', options: ['automatic', 'api_key', 'apple_id', 'off'], required: true },
    },
    {
      key: 'many',
      spec: {
        kind: 'oneOf',
        options: [
          'first-option-name',
          'second-option-name',
          'third-option-name',
          'fourth-option-name',
          'fifth',
        ],
      },
    },
    {
      key: 'lane',
      spec: { kind: 'string', required: true, hint: "set it to the lane, e.g. `ios beta`; don't quote it" },
    },
    {
      key: 'long',
      spec: {
        kind: 'string',
        hint: 'a hint longer than the line width, which biome keeps on the line of its key: a string literal cannot break',
      },
    },
    { key: 'days', spec: { kind: 'int', min: 0, max: 30, default: 5 } },
  ]);

  it('is a typed module of plain data, step.yml order kept', () => {
    expect(module).toContain("import type { InputSchema } from '../../../common/step/index.ts';");
    expect(module).toContain('} as const satisfies InputSchema;');
    expect(module).toContain(
      "    options: ['automatic', 'api_key', 'apple_id', 'off'],\n    required: true,",
    );
    expect(module.indexOf('  connection: {')).toBeLessThan(module.indexOf('  days: {'));
    expect(stringLiteral("don't")).toBe('"don\'t"');
    expect(stringLiteral('a "b" \\ c')).toBe('\'a "b" \\\\ c\'');
    expect(stringLiteral('it\'s "x"')).toBe("'it\\'s \"x\"'");
  });

  it('is formatted as biome formats it, long arrays and strings included', () => {
    const root = tempDir();
    const file = join(root, 'steps', 'x', 'src', 'inputs.generated.ts');
    mkdirSync(join(root, 'steps', 'x', 'src'), { recursive: true });
    writeFileSync(file, module);
    const biome = spawnSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'biome'),
      ['format', `--config-path=${REPO_ROOT}`, '--stdin-file-path=steps/x/src/inputs.generated.ts'],
      { cwd: root, input: module, encoding: 'utf8' },
    );
    expect(biome.status, biome.stderr).toBe(0);
    expect(biome.stdout).toBe(module);
  });
});
