import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runE2e, testWorkflows } from '../lib/bitrise-cli/e2e.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { auditStepYml } from '../lib/step-yml/audit.ts';
import { validateBitriseYml } from '../lib/step-yml/bitrise-yml.ts';
import { collect, fixtureRoot } from './helpers.ts';

describe('validateBitriseYml', () => {
  it('names every bad reference', () => {
    const root = fixtureRoot('sample-step');
    const file = join(root, 'bitrise.yml');
    writeFileSync(
      file,
      [
        'format_version: "17"',
        'workflows:',
        '  main:',
        '    before_run: [_setup, missing_before]',
        '    after_run: [missing_after]',
        '    steps:',
        '    - path::./steps/sample-step:',
        '        inputs:',
        '        - greeting: hi',
        '        - greting: typo',
        '        - greeting: again',
        '    - path::./steps/nowhere: {}',
        '    - script@1:',
        '        inputs:',
        '        - content: echo fine',
        '  _setup: {}',
      ].join('\n'),
    );
    expect(validateBitriseYml(file, { root }).map((p) => `${p.where}: ${p.message}`)).toEqual([
      'format_version: "17" is not accepted by every Bitrise CLI 2.x (use at most "11")',
      'workflows.main.before_run: no workflow "missing_before"',
      'workflows.main.after_run: no workflow "missing_after"',
      expect.stringMatching(
        /^workflows\.main\.steps\[0\] path::\.\/steps\/sample-step\.inputs\.greting: not an input/,
      ),
      'workflows.main.steps[0] path::./steps/sample-step.inputs.greeting: given twice',
      expect.stringMatching(/^workflows\.main\.steps\[1\] path::\.\/steps\/nowhere: no step\.yml at /),
    ]);
  });

  it('wants format_version as a string', () => {
    const root = fixtureRoot();
    writeFileSync(join(root, 'b.yml'), 'format_version: 11\nworkflows: {}\n');
    expect(validateBitriseYml(join(root, 'b.yml'), { root })[0]?.message).toMatch(/quoted string/);
  });
});

describe('steps e2e', () => {
  it('runs every test_* workflow in file order with the Bitrise CLI and summarises', () => {
    const root = fixtureRoot();
    const config = join(root, 'e2e', 'bitrise.yml');
    mkdirSync(join(root, 'e2e'));
    writeFileSync(
      config,
      'format_version: "11"\nworkflows:\n  test_b: {}\n  _util: {}\n  test_a: {}\n  other: {}\n',
    );
    expect(testWorkflows(config)).toEqual(['test_b', 'test_a']);
    const calls: string[][] = [];
    const out = collect();
    const code = runE2e({
      root,
      out,
      keepGoing: true,
      run: (args) => {
        calls.push(args);
        return args.at(-1) === 'test_a' ? 1 : 0;
      },
    });
    expect(code).toBe(1);
    expect(calls).toEqual([
      ['run', '--config', config, 'test_b'],
      ['run', '--config', config, 'test_a'],
    ]);
    expect(out.lines.slice(-2)).toEqual(['- test_b (OK)', '- test_a (FAIL)']);
  });
});

describe("the root bitrise.yml's local Step", () => {
  it('passes the audit', () => {
    expect(auditStepYml(join(REPO_ROOT, 'tools', 'bitrise-steps', 'npm', 'step.yml'))).toEqual([]);
  });
});
