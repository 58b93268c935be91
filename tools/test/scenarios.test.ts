import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYCHAIN_PASSWORD, P12_PASSPHRASE } from '../../testkit/fixtures/provisioning.ts';
import { readRecordings } from '../../testkit/stand-ins/index.ts';
import { runScenarios, SCENARIOS } from '../lib/demo/scenarios.ts';
import { REPO_ROOT } from '../lib/repo.ts';
import { collect, fixtureRoot, tempDir } from './helpers.ts';

describe('npm start scenarios', () => {
  it('runs each existing Step through steps run --simulate, skips missing ones, and prints outcomes and outputs', async () => {
    const root = fixtureRoot('sample-step');
    const out = collect();
    const code = await runScenarios({
      root,
      out,
      scenarios: [
        {
          id: 'sample-step',
          label: 'greets',
          prepare: () => ({ inputs: { greeting: 'Hi there', not_an_input: 'x' } }),
        },
        { id: 'not-written-yet', label: 'later', prepare: () => ({ inputs: {} }) },
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
    const scenarios = [
      { id: 'sample-step', label: 'fails', prepare: () => ({ inputs: { greeting: 'fail' } }) },
    ];
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

  it('auto-provision: the dry run changes nothing and the real run signs a generated project on the seeded portal', async () => {
    // The built Step (dist is committed) in a scratch root, so the run's _tmp stays out of the repo.
    const root = tempDir();
    cpSync(join(REPO_ROOT, 'steps', 'auto-provision'), join(root, 'steps', 'auto-provision'), {
      recursive: true,
      filter: (src) => !/[/\\](node_modules|_tmp|src|test)$/.test(src),
    });
    const out = collect();
    let stepOutput = '';
    const scenarios = SCENARIOS.filter((s) => s.id === 'auto-provision');
    expect(scenarios.map((s) => s.label)).toEqual([
      expect.stringMatching(/^dry run/),
      expect.stringMatching(/^real run/),
    ]);
    const code = await runScenarios({ root, out, scenarios, stepOutput: (chunk) => (stepOutput += chunk) });
    const text = out.text();
    expect(code, `${text}\n${stepOutput}`).toBe(0);
    expect(text).toContain('it starts with 1 certificate, 1 device');
    expect(text).toContain('2/2 succeeded, 0 skipped');

    // Dry run: a plan, no outputs.
    expect(stepOutput).toContain(
      'Dry run: nothing was changed on the Developer Portal, on disk or in the keychain',
    );
    expect(text).toMatch(/- auto-provision \(dry run[^\n]*\): OK\n {4}\(no outputs\)/);

    // Real run: the four development outputs (the production ones apply to other distribution types).
    const real = text.slice(text.indexOf('- auto-provision (real run'));
    expect(real).toMatch(/^- auto-provision \(real run[^\n]*\): OK\n/);
    const outputs = Object.fromEntries(
      [...real.matchAll(/^ {4}(BITRISE_\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(outputs).toEqual({
      BITRISE_EXPORT_METHOD: 'development',
      BITRISE_DEVELOPER_TEAM: 'SIMTEAM001',
      BITRISE_DEVELOPMENT_CODESIGN_IDENTITY: 'Apple Development: Simulated Team (SIMTEAM001)',
      BITRISE_DEVELOPMENT_PROFILE: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      ),
    });

    // Profiles went to the scenario's temp HOME; the keychain work went to the security stand-in.
    expect(stepOutput).toMatch(
      /\/tmp\/home\/Library\/MobileDevice\/Provisioning Profiles\/[0-9a-f-]{36}\.mobileprovision/,
    );
    const security = readRecordings(join(root, '_tmp', 'auto-provision', 'stand-ins.jsonl')).filter(
      (r) => r.tool === 'security',
    );
    expect(security.map((r) => r.argv[0])).toContain('import');
    for (const secret of [P12_PASSPHRASE, KEYCHAIN_PASSWORD]) expect(stepOutput).not.toContain(secret);

    // Each run's report page is where the summary says, in _tmp/reports.
    for (const [name, status] of [
      ['auto-provision-dry-run', 'Dry run'],
      ['auto-provision', 'Succeeded'],
    ]) {
      const page = join(root, '_tmp', 'reports', name!, 'auto-provision', 'index.html');
      expect(text).toContain(`    report page: ${page}\n`);
      expect(readFileSync(page, 'utf8')).toContain(`<title>iOS Auto Provision · ${status}</title>`);
    }
  });

  it('deploy-to-itunes-connect: the dry run plans the API calls, the real run uploads, waits for processing and distributes in TestFlight', async () => {
    const root = tempDir();
    cpSync(
      join(REPO_ROOT, 'steps', 'deploy-to-itunes-connect'),
      join(root, 'steps', 'deploy-to-itunes-connect'),
      {
        recursive: true,
        filter: (src) => !/[/\\](node_modules|_tmp|src|test)$/.test(src),
      },
    );
    const out = collect();
    let stepOutput = '';
    const scenarios = SCENARIOS.filter((s) => s.id === 'deploy-to-itunes-connect');
    const code = await runScenarios({ root, out, scenarios, stepOutput: (chunk) => (stepOutput += chunk) });
    const text = out.text();
    expect(code, `${text}\n${stepOutput}`).toBe(0);
    expect(text).toContain('it starts with 1 App Store Connect app');
    expect(text).toContain('2/2 succeeded, 0 skipped');
    expect(stepOutput).toContain('The API upload would make these calls:');
    expect(stepOutput).toMatch(/Build 1: PROCESSING after \d+ s\n/);
    for (const line of [
      'What to Test (en-US) created',
      'Export compliance: uses non-exempt encryption no',
      'Added to the beta groups QA Team, External Beta',
      'Submitted for beta review (WAITING_FOR_REVIEW)',
    ])
      expect(stepOutput).toContain(line);
    const real = text.slice(text.indexOf('- deploy-to-itunes-connect (API upload'));
    expect(real).toMatch(
      /^- deploy-to-itunes-connect \(API upload[^\n]*\): OK\n {4}APP_STORE_CONNECT_BUILD_ID=[0-9a-f-]{36}\n {4}APP_STORE_CONNECT_BUILD_STATE=VALID\n/,
    );
  });
});
