import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InputSchema, InputSpec } from '../common/step/schema.ts';
import { REPO_ROOT, runStepSh } from '../testkit/harness.ts';

const stepIds = readdirSync(join(REPO_ROOT, 'steps'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** A value each kind of input must refuse; undefined for free-text inputs, which accept anything. */
function invalidValue(spec: InputSpec): string | undefined {
  switch (spec.kind) {
    case 'bool':
      return 'maybe';
    case 'int':
      return 'many';
    case 'oneOf':
      return 'not-an-option';
    case 'file':
    case 'dir':
      return '/does/not/exist/anywhere';
    case 'url':
      return 'not a url';
    default:
      return spec.required ? '' : undefined;
  }
}

describe.each(stepIds)('%s: every invalid input is reported, all in one run', (stepId) => {
  it('exits 1 naming each bad input, before doing anything', async () => {
    const { inputs } = (await import(`../steps/${stepId}/src/inputs.generated.ts`)) as {
      inputs: InputSchema;
    };
    const bad = Object.fromEntries(
      Object.entries(inputs)
        .map(([key, spec]) => [key, invalidValue(spec)] as const)
        .filter((entry): entry is readonly [string, string] => entry[1] !== undefined),
    );
    expect(Object.keys(bad).length).toBeGreaterThan(0);
    const run = await runStepSh(stepId, { inputs: bad });
    expect(run.exitCode).toBe(1);
    expect(run.calls).toEqual([]);
    const lines = run.output.trimEnd().split('\n');
    const header = lines.indexOf(`${Object.keys(bad).length} invalid inputs:`);
    expect(header, run.output).toBeGreaterThan(-1);
    // The list is plain; the last line, the failure reason, names every bad input once more.
    const problems = lines.slice(header + 1, -1);
    expect(problems.map((line) => line.slice(2, line.indexOf(':')))).toEqual(Object.keys(bad));
    for (const line of problems) expect(line).toMatch(/^- [a-z_]+: .+/);
    expect(lines.at(-1)).toBe(
      `${problems.length} invalid inputs (${Object.keys(bad).join(', ')}): correct each one as the lines above say`,
    );
  });
});
