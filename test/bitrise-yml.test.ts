import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../tools/lib/repo.ts';
import { validateBitriseYml } from '../tools/lib/step-yml/bitrise-yml.ts';

const FILES = ['bitrise.yml', 'e2e/bitrise.yml'];

const problemsOf = (path: string) =>
  validateBitriseYml(path, { root: REPO_ROOT }).map((p) => `${p.where}: ${p.message}`);

/**
 * Both bitrise.yml files of the repository reference only Steps, inputs and workflows that
 * exist; path:: refs resolve from the repository root, where `bitrise run` is started.
 */
describe.each(FILES)('%s', (file) => {
  it('has an accepted format_version and valid Step, input and workflow references', () => {
    const path = join(REPO_ROOT, file);
    expect(existsSync(path)).toBe(true);
    expect(problemsOf(path)).toEqual([]);
  });
});

type Workflow = { before_run?: string[]; steps?: Array<Record<string, { inputs?: object[] } | null>> };

/** The clean result above means something only if the validator finds each kind of mistake. */
describe('the check of the e2e bitrise.yml', () => {
  it('finds a wrong Step ref, an undeclared input and an unknown before_run workflow', () => {
    const text = readFileSync(join(REPO_ROOT, 'e2e/bitrise.yml'), 'utf8');
    // YAML 1.1 as the CLI and the validator read it, so `no` stays what it was when written back.
    const config = parse(text, { version: '1.1' }) as { workflows: Record<string, Workflow> };
    const [id, workflow] = Object.entries(config.workflows).find(([, w]) =>
      w.steps?.some((step) => 'path::./steps/fastlane-wrapper' in step),
    )!;
    const steps = workflow.steps!;
    const wrapperIndex = steps.findIndex((step) => 'path::./steps/fastlane-wrapper' in step);
    const recorderIndex = steps.findIndex((step) => 'path::./testkit/steps/assert-recording' in step);
    steps[wrapperIndex] = {
      'path::./steps/fastlane-wraper': steps[wrapperIndex]!['path::./steps/fastlane-wrapper']!,
    };
    steps[recorderIndex]!['path::./testkit/steps/assert-recording']!.inputs!.push({ lane_name: 'ios beta' });
    workflow.before_run = ['_no_such_setup'];
    const path = join(mkdtempSync(join(tmpdir(), 'bitrise-yml-')), 'bitrise.yml');
    writeFileSync(path, stringify(config, { version: '1.1' }));

    expect(problemsOf(path)).toEqual([
      `workflows.${id}.before_run: no workflow "_no_such_setup"`,
      expect.stringMatching(
        new RegExp(
          `^workflows\\.${id}\\.steps\\[${recorderIndex}\\] path::\\./testkit/steps/assert-recording\\.inputs\\.lane_name: not an input of the Step`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^workflows\\.${id}\\.steps\\[${wrapperIndex}\\] path::\\./steps/fastlane-wraper: no step\\.yml at .*steps/fastlane-wraper/step\\.yml$`,
        ),
      ),
    ]);
  });
});
