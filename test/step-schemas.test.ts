import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type InputSchema, parseInputs } from '../common/step/schema.ts';
import { REPO_ROOT, stepFolders } from '../tools/lib/repo.ts';
import { staleGeneratedFiles } from '../tools/lib/step-yml/generate.ts';
import { envItems, envString, loadStepYml } from '../tools/lib/step-yml/step-yml.ts';

/**
 * step.yml is the one source of a Step's inputs: `npm run build` writes the shared input blocks
 * into it and generates src/inputs.generated.ts, the schema main.ts parses with. Like the
 * bundles, what is committed must be what the build writes.
 */
describe('files generated from step.yml', () => {
  it('are current: run `npm run build` when this fails', () => {
    const { stale, problems } = staleGeneratedFiles();
    expect(problems).toEqual([]);
    expect(stale.map((path) => relative(REPO_ROOT, path))).toEqual([]);
  });
});

describe.each(stepFolders())('%s: the schema main.ts parses inputs with', (stepId) => {
  const items = envItems(loadStepYml(`${REPO_ROOT}/steps/${stepId}/step.yml`).data['inputs']);
  const schema = async () =>
    ((await import(`../steps/${stepId}/src/inputs.generated.ts`)) as { inputs: InputSchema }).inputs;

  it('has every step.yml input, in step.yml order (the config echo and error order)', async () => {
    expect(Object.keys(await schema())).toEqual(items.map((item) => item.key));
  });

  /**
   * An int input left empty takes the schema's default, so it must be the number step.yml shows
   * (and no default where step.yml has none); every literal step.yml value must pass the schema.
   */
  it('gives int inputs the default step.yml declares, and accepts every literal step.yml value', async () => {
    const inputs = await schema();
    for (const item of items) {
      const spec = inputs[item.key]!;
      const literal = envString(item.value);
      if (literal.includes('$')) continue;
      if (spec.kind === 'int')
        expect({ key: item.key, default: spec.default }).toEqual({
          key: item.key,
          default: literal === '' ? undefined : Number(literal),
        });
      if (literal !== '')
        expect(() => parseInputs({ [item.key]: spec }, { [item.key]: literal }), item.key).not.toThrow();
    }
  });
});

describe('step.yml int defaults', () => {
  it('are checked for the int inputs the Steps have', async () => {
    const { inputs } = (await import('../steps/auto-provision/src/inputs.generated.ts')) as {
      inputs: InputSchema;
    };
    // If these stop being ints, the check above checks nothing and needs another subject.
    expect(inputs['min_profile_days_valid']?.kind).toBe('int');
    expect(inputs['session_expiry_warning_days']?.kind).toBe('int');
  });
});
