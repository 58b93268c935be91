import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../lib/repo.ts';
import { generateStep, staleGeneratedFiles, writeGeneratedFiles } from '../lib/step-yml/generate.ts';
import { deriveInputSchema } from '../lib/step-yml/input-schema.ts';
import {
  beginMarker,
  copiedSharedInputs,
  endMarker,
  expandSharedBlocks,
  loadSharedBlocks,
  sharedBlock,
} from '../lib/step-yml/shared-blocks.ts';
import { envItems } from '../lib/step-yml/step-yml.ts';
import { tempDir } from './helpers.ts';

const VERBOSE_LOG = `# comment lines at the top are the block file's own
- verbose_log: "no"
  opts:
    title: Verbose logging
    value_options:
      - "yes"
      - "no"
`;

const blocks = new Map([['verbose_log', sharedBlock('verbose_log', VERBOSE_LOG)]]);

describe('shared input blocks in a step.yml', () => {
  it('are written between their markers, indented like the begin marker; the rest stays byte for byte', () => {
    const text =
      'inputs:\n  - a: x   # kept\n    opts: {title: A}\n\n  # begin shared inputs verbose_log\n  # end shared inputs verbose_log\noutputs: []\n';
    const { text: expanded, used, problems } = expandSharedBlocks(text, blocks);
    expect(problems).toEqual([]);
    expect(used).toEqual(['verbose_log']);
    expect(expanded).toBe(
      [
        'inputs:',
        '  - a: x   # kept',
        '    opts: {title: A}',
        '',
        `  ${beginMarker('verbose_log')}`,
        '  - verbose_log: "no"',
        '    opts:',
        '      title: Verbose logging',
        '      value_options:',
        '        - "yes"',
        '        - "no"',
        `  ${endMarker('verbose_log')}`,
        'outputs: []',
        '',
      ].join('\n'),
    );
    expect(envItems(parse(expanded, { version: '1.1' }).inputs).map((i) => i.key)).toEqual([
      'a',
      'verbose_log',
    ]);
    // Expanding again changes nothing; an edit between the markers is undone.
    expect(expandSharedBlocks(expanded, blocks).text).toBe(expanded);
    expect(expandSharedBlocks(expanded.replace('title: Verbose logging', 'title: Chatty'), blocks).text).toBe(
      expanded,
    );
  });

  it.each([
    [
      'an unknown block',
      '# begin shared inputs nope\n# end shared inputs nope\n',
      'no shared input block nope',
    ],
    [
      'a begin without its end',
      '# begin shared inputs verbose_log\n- a: x\n',
      'has no "# end shared inputs verbose_log"',
    ],
    [
      'an end that closes another block',
      '# begin shared inputs verbose_log\n# end shared inputs other\n',
      'has no "# end shared inputs verbose_log"',
    ],
    ['an end without its begin', '- a: x\n# end shared inputs verbose_log\n', 'without its begin marker'],
  ])('reports %s', (_name, text, problem) => {
    const { problems } = expandSharedBlocks(text, blocks);
    expect(problems.join('\n')).toContain(problem);
  });

  it('flags a shared input written by hand, and one written twice', () => {
    expect(copiedSharedInputs(['a', 'verbose_log'], [], blocks)).toEqual([
      `input verbose_log belongs to shared inputs verbose_log: replace it with the lines "${beginMarker('verbose_log')}" and "${endMarker('verbose_log')}"`,
    ]);
    expect(copiedSharedInputs(['verbose_log', 'verbose_log'], ['verbose_log'], blocks)).toEqual([
      'input verbose_log comes from shared inputs verbose_log: remove the other copy',
    ]);
    expect(copiedSharedInputs(['a'], [], blocks)).toEqual([]);
  });
});

describe('the shared input blocks in step.yml.templates/inputs', () => {
  const repoBlocks = loadSharedBlocks(join(REPO_ROOT, 'step.yml.templates', 'inputs'));

  it('each derive a schema without problems', () => {
    expect([...repoBlocks.keys()].length).toBeGreaterThan(0);
    for (const block of repoBlocks.values()) {
      const { problems, inputs } = deriveInputSchema(envItems(parse(block.text, { version: '1.1' })));
      expect({ block: block.name, problems }).toEqual({ block: block.name, problems: [] });
      expect(inputs.map((i) => i.key)).toEqual(block.keys);
    }
  });

  // A block is in every Step that uses it, so its words must hold for each; verbose_log once
  // promised fastlane's output to a Step that never runs fastlane.
  it('name no tool that only some Steps run', () => {
    for (const block of repoBlocks.values())
      expect(block.text, block.name).not.toMatch(/fastlane|deliver|xcodebuild/i);
  });
});

describe('files generated from a step.yml', () => {
  /** A scratch repository with one Step using the verbose_log block. */
  function scratch() {
    const root = tempDir();
    mkdirSync(join(root, 'step.yml.templates', 'inputs'), { recursive: true });
    writeFileSync(join(root, 'step.yml.templates', 'inputs', 'verbose_log.yml'), VERBOSE_LOG);
    mkdirSync(join(root, 'steps', 'hello', 'src'), { recursive: true });
    const stepYml = join(root, 'steps', 'hello', 'step.yml');
    writeFileSync(
      stepYml,
      'title: Hello\ninputs:\n- message:\n  opts: {title: Message, is_required: true}\n# begin shared inputs verbose_log\n# end shared inputs verbose_log\n',
    );
    return { root, stepYml, schema: join(root, 'steps', 'hello', 'src', 'inputs.generated.ts') };
  }

  it('are stale until written, then current; a change to step.yml or a block makes them stale again', () => {
    const { root, stepYml, schema } = scratch();
    expect(staleGeneratedFiles({ root })).toEqual({ stale: [stepYml, schema], problems: [] });
    expect(writeGeneratedFiles({ root })).toEqual([stepYml, schema]);
    expect(staleGeneratedFiles({ root })).toEqual({ stale: [], problems: [] });
    expect(readFileSync(schema, 'utf8')).toContain(
      "  message: {\n    kind: 'string',\n    required: true,\n  },",
    );
    expect(readFileSync(schema, 'utf8')).toContain("  verbose_log: {\n    kind: 'bool',\n  },");

    writeFileSync(stepYml, readFileSync(stepYml, 'utf8').replace('is_required: true', 'is_required: false'));
    expect(staleGeneratedFiles({ root }).stale).toEqual([schema]);
    writeGeneratedFiles({ root });

    const block = join(root, 'step.yml.templates', 'inputs', 'verbose_log.yml');
    writeFileSync(block, readFileSync(block, 'utf8').replace('Verbose logging', 'Debug log'));
    expect(staleGeneratedFiles({ root }).stale).toEqual([stepYml]);
    expect(writeGeneratedFiles({ root })).toEqual([stepYml]);
    expect(readFileSync(stepYml, 'utf8')).toContain('title: Debug log');
  });

  it('are a hand edit of the generated schema away from stale', () => {
    const { root, schema } = scratch();
    writeGeneratedFiles({ root });
    writeFileSync(schema, readFileSync(schema, 'utf8').replace("kind: 'string'", "kind: 'secret'"));
    expect(staleGeneratedFiles({ root }).stale).toEqual([schema]);
  });

  it('are not written while step.yml has a problem, and the problem names the file and input', () => {
    const { root, stepYml } = scratch();
    writeFileSync(
      stepYml,
      `${readFileSync(stepYml, 'utf8')}- days: "many"\n  opts: {title: Days, meta: {steps: {kind: int}}}\n`,
    );
    expect(generateStep(root, 'hello').problems).toEqual([
      'steps/hello/step.yml: inputs.days: the value "many" is not a whole number',
    ]);
    expect(() => writeGeneratedFiles({ root })).toThrow('steps/hello/step.yml: inputs.days');
    expect(staleGeneratedFiles({ root }).stale).toContain(stepYml);
  });
});
