import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type InputSchema, isSensitive, parseInputs } from '../common/step/schema.ts';
import { REPO_ROOT } from '../testkit/harness.ts';

interface StepYmlItem {
  [key: string]: unknown;
  opts?: { is_required?: boolean; is_sensitive?: boolean; value_options?: string[] };
}

const stepIds = readdirSync(join(REPO_ROOT, 'steps'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

const BOOL_WORDS = new Set(['yes', 'no', 'true', 'false']);

/** step.yml is the source of truth for inputs; each Step's schema in code must agree with it. */
describe.each(stepIds)('%s: input schema agrees with step.yml', (stepId) => {
  const stepYml = parse(readFileSync(join(REPO_ROOT, 'steps', stepId, 'step.yml'), 'utf8')) as {
    inputs?: StepYmlItem[];
  };
  const items = new Map(
    (stepYml.inputs ?? []).map((item) => [Object.keys(item).find((k) => k !== 'opts')!, item]),
  );

  it('declares the same input keys', async () => {
    const { inputs } = (await import(`../steps/${stepId}/src/inputs.ts`)) as { inputs: InputSchema };
    expect(Object.keys(inputs).sort()).toEqual([...items.keys()].sort());
  });

  it('agrees on required, sensitive and value options', async () => {
    const { inputs } = (await import(`../steps/${stepId}/src/inputs.ts`)) as { inputs: InputSchema };
    for (const [key, spec] of Object.entries(inputs)) {
      const opts = items.get(key)?.opts ?? {};
      expect({ key, required: spec.required === true }).toEqual({ key, required: opts.is_required === true });
      expect({ key, sensitive: isSensitive(spec) }).toEqual({ key, sensitive: opts.is_sensitive === true });
      if (spec.kind === 'oneOf')
        expect({ key, options: opts.value_options }).toEqual({ key, options: [...spec.options] });
      else if (spec.kind === 'bool') {
        for (const option of opts.value_options ?? [])
          expect({ key, option, isBool: BOOL_WORDS.has(option) }).toEqual({ key, option, isBool: true });
      } else expect({ key, options: opts.value_options }).toEqual({ key, options: undefined });
    }
  });

  /**
   * An int input left empty takes the schema's default, so it must be the number step.yml shows
   * (and no default where step.yml has none); the step.yml value must also pass the schema.
   */
  it('gives int inputs the default step.yml declares', async () => {
    const { inputs } = (await import(`../steps/${stepId}/src/inputs.ts`)) as { inputs: InputSchema };
    for (const [key, spec] of Object.entries(inputs)) {
      if (spec.kind !== 'int') continue;
      const value = items.get(key)![key];
      const literal = value === null || value === undefined ? '' : String(value);
      if (literal.startsWith('$')) continue;
      expect({ key, default: spec.default }).toEqual({
        key,
        default: literal === '' ? undefined : Number(literal),
      });
      if (literal !== '') expect(() => parseInputs({ [key]: spec }, { [key]: literal })).not.toThrow();
    }
  });
});

describe('step.yml int defaults', () => {
  it('are checked for the int inputs the Steps have', async () => {
    const { inputs } = (await import('../steps/auto-provision/src/inputs.ts')) as { inputs: InputSchema };
    // If these stop being ints, the check above checks nothing and needs another subject.
    expect(inputs.min_profile_days_valid?.kind).toBe('int');
    expect(inputs.session_expiry_warning_days?.kind).toBe('int');
  });
});
