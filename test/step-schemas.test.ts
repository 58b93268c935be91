import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type InputSchema, isSensitive } from '../common/step/schema.ts';
import { REPO_ROOT } from '../e2e/harness.ts';

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
      const value = items.get(key)![key];
      if (spec.kind === 'int' && value !== null && value !== undefined && !String(value).startsWith('$')) {
        expect({ key, default: Number(value) }).toEqual({ key, default: spec.default ?? Number(value) });
      }
    }
  });
});
