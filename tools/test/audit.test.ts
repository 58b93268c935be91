import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../cli/commands/audit.ts';
import { REPO_ROOT, stepFolders } from '../lib/repo.ts';
import { auditStepYml } from '../lib/step-yml/audit.ts';
import { collect, FIXTURES, tempDir } from './helpers.ts';

const BROKEN = join(FIXTURES, 'broken', 'step.yml');

describe('steps audit', () => {
  it('passes every real Step', () => {
    const out = collect();
    const code = audit({ root: REPO_ROOT, out });
    expect(out.text(), out.text()).toMatch(/audit passed|no step.yml/);
    expect(code).toBe(0);
  });

  it('passes the well-formed fixture without warnings', () => {
    expect(auditStepYml(join(FIXTURES, 'steps', 'sample-step', 'step.yml'))).toEqual([]);
  });

  it('fails the broken fixture and names each problem with file, line and key', () => {
    const out = collect();
    expect(audit({ targets: [BROKEN], out, root: REPO_ROOT })).toBe(1);
    const text = out.text();
    const expected: Array<[string, RegExp]> = [
      ['title', /required/],
      ['summary', /single line/],
      ['summary', /140 characters long; at most 100/],
      ['website', /not an http\(s\) URL/],
      ['source_code_url', /required/],
      ['support_url', /required/],
      ['type_tags[1]', /"shiny" is not a type tag/],
      ['timeout', />= 0/],
      ['toolkit.bash.entry_file', /missing.sh does not exist/],
      ['inputs[0].ApiKey', /snake_case/],
      ['inputs[0].opts.title', /needs a title/],
      ['inputs[1].opts.is_expand', /For sensitive inputs direct value is not allowed/],
      ['inputs[2].opts.value_options', /at least 2 options/],
      ['inputs[3].verbose', /not a string: quote it/],
      ['inputs[3].opts.is_requried', /unknown opt/],
      ['inputs[3].opts.value_options[0]', /not a string/],
      ['outputs[0].lower_output', /UPPER_SNAKE_CASE/],
      ['outputs[0].opts.title', /needs a title/],
    ];
    for (const [key, message] of expected) {
      const line = out.lines.find((l) => l.includes(`: error: ${key}: `) && message.test(l));
      expect(line, `${key} ${message}\n${text}`).toBeDefined();
      expect(line).toMatch(/^tools\/test\/fixtures\/broken\/step\.yml(:\d+)?: /);
    }
    expect(text).toMatch(/warning: published_at: do not author/);
    expect(text).toMatch(/audit failed: 1 step.yml, 19 error\(s\)/);
  });

  it('reports line numbers of the offending keys', () => {
    const problems = auditStepYml(BROKEN);
    expect(problems.find((p) => p.key === 'timeout')?.line).toBe(9);
    expect(problems.find((p) => p.key === 'inputs[1].opts.is_expand')?.line).toBe(22);
  });

  it('catches a quoted timeout, a notification Step that is not always run and a default outside value_options', () => {
    const text = [
      'title: T',
      'summary: S',
      'website: https://e.x',
      'source_code_url: https://e.x',
      'support_url: https://e.x/issues',
      'type_tags: [notification]',
      'timeout: "10"',
      'toolkit: {go: {package_name: x}}',
      'inputs:',
      '- mode: medium',
      '  opts: {title: Mode, summary: m, value_options: [fast, slow]}',
    ].join('\n');
    const keys = auditStepYml(join(FIXTURES, 'steps', 'sample-step', 'step.yml'), text).map(
      (p) => `${p.key}: ${p.message}`,
    );
    expect(keys).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^timeout: must be a whole number/),
        expect.stringMatching(/^is_always_run: a notification Step/),
        expect.stringMatching(/^toolkit: must be exactly bash/),
        expect.stringMatching(/^inputs\[0\]\.mode: the default "medium" is not one of/),
      ]),
    );
  });

  it('treats a missing summary as a warning that fails only with --strict', () => {
    const text = [
      'title: T',
      'summary: S',
      'website: https://e.x',
      'source_code_url: https://e.x',
      'support_url: https://e.x/issues',
      'type_tags: [utility]',
      'toolkit: {bash: {entry_file: step.sh}}',
      'inputs:',
      '- a: ""',
      '  opts: {title: A}',
    ].join('\n');
    const problems = auditStepYml(join(FIXTURES, 'steps', 'sample-step', 'step.yml'), text);
    expect(problems.map((p) => [p.severity, p.key])).toEqual([['warning', 'inputs[0].opts.summary']]);
    const dir = join(tempDir(), 'warn-step');
    mkdirSync(dir);
    writeFileSync(join(dir, 'step.yml'), text);
    writeFileSync(join(dir, 'step.sh'), '');
    expect(audit({ targets: [join(dir, 'step.yml')], out: collect() })).toBe(0);
    expect(audit({ targets: [join(dir, 'step.yml')], out: collect(), strict: true })).toBe(1);
  });

  it('finds every Step folder with a step.yml', () => {
    expect(Array.isArray(stepFolders())).toBe(true);
  });
});
