import { describe, expect, it } from 'vitest';
import { runScenarios, SCENARIOS } from '../lib/scenarios.ts';
import { collect, fixtureRoot } from './helpers.ts';

describe('npm start scenarios', () => {
  it('runs each existing Step through steps run --simulate, skips missing ones, and prints outcomes and outputs', async () => {
    const root = fixtureRoot('sample-step');
    const out = collect();
    const code = await runScenarios({
      root,
      out,
      scenarios: [
        { id: 'sample-step', label: 'greets', prepare: () => ({ greeting: 'Hi there', not_an_input: 'x' }) },
        { id: 'not-written-yet', label: 'later', prepare: () => ({}) },
      ],
    });
    const text = out.text();
    expect(code).toBe(0);
    expect(text).toContain('note: sample-step has no input not_an_input');
    expect(text).toContain('- sample-step (greets): OK');
    expect(text).toContain('    SAMPLE_GREETING=Hi there');
    expect(text).toContain('    SAMPLE_TOKEN_ECHO=*****');
    expect(text).toContain('- not-written-yet (later): SKIPPED - steps/not-written-yet does not exist yet');
    expect(text).toContain('1/1 succeeded, 1 skipped');
  });

  it('exits 1 when a Step fails', async () => {
    const root = fixtureRoot('sample-step');
    const out = collect();
    const scenarios = [{ id: 'sample-step', label: 'fails', prepare: () => ({ greeting: 'fail' }) }];
    expect(await runScenarios({ root, out, scenarios })).toBe(1);
    expect(out.text()).toContain('- sample-step (fails): FAILED - exit code 4');
    expect(out.text()).toContain('0/1 succeeded, 0 skipped');
  });

  it('covers every Step of the collection', () => {
    expect([...new Set(SCENARIOS.map((s) => s.id))]).toEqual([
      'fastlane-wrapper',
      'deploy-to-itunes-connect',
      'auto-provision',
    ]);
  });
});
