import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TIME_SCALE_ENV } from '../common/step/test-settings.ts';
import { ipa, writeFile } from '../steps/deploy-to-itunes-connect/test/support.ts';
import { lastRedBlock } from '../testkit/failure-reason.ts';
import {
  connectionPayload,
  developmentInputs,
  seededDevelopmentIdentity,
  type Transport,
} from '../testkit/fixtures/provisioning.ts';
import { generateProject } from '../testkit/fixtures/xcode-project.ts';
import { callsOf, connectionSecrets, leakedSecrets, runStepSh, type StepRun } from '../testkit/harness.ts';
import { type BuildApiSimulator, startBuildApiSimulator } from '../testkit/simulators/build-api/index.ts';
import {
  type PortalSimulator,
  type SimTeam,
  startPortalSimulator,
} from '../testkit/simulators/portal/index.ts';

/**
 * The connection check (issue 13) through `bash step.sh`, for every Step and every answer Apple
 * can give: accepted, a rejected session, a revoked key, a key without the role the Step needs,
 * several teams and none named, no answer at all, and the check turned off. The simulated Apple
 * answers the check (olympus session, listTeams, the key's read); the Steps reach it through the
 * test routing settings. Waits are scaled by TIME_SCALE_ENV: at 0.25 one try may take 1 s (a loaded
 * test machine needs that much), and "10 s without an answer" is 2.5 s.
 */
const SCALE = 0.25;
const REAUTHENTICATE =
  'to renew it, re-authenticate the Apple ID on bitrise.io (Account settings › Apple Developer Account › Apple ID connection, with 2FA), then rebuild';
const SESSION_REJECTED = `Apple no longer accepts the connected Apple ID session (GET /olympus/v1/session: 401): ${REAUTHENTICATE}`;
const TWO_TEAMS: SimTeam[] = [
  { teamId: 'AAAAAAAAAA', name: 'Alpha Apps' },
  { teamId: 'BBBBBBBBBB', name: 'Beta Builds' },
];

let api: BuildApiSimulator;
beforeAll(async () => {
  api = await startBuildApiSimulator({ token: 'build-api-token-13c4e7' });
});
afterAll(() => api.close());
const sims: PortalSimulator[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
});
const root = mkdtempSync(join(tmpdir(), 'connection-check-'));
let worlds = 0;

async function portal(teams?: SimTeam[]): Promise<PortalSimulator> {
  // An iPhone on the portal: Apple makes no development profile without a device.
  const sim = await startPortalSimulator({
    ...(teams ? { teams } : {}),
    seed: { devices: [{ udid: '00008030-001A2B3C4D5E6F70' }] },
  });
  sims.push(sim);
  return sim;
}

interface StepCase {
  id: string;
  /** The Step's own inputs for a run that reaches its Apple work (a lane, a dry run). */
  inputs: (sim: PortalSimulator) => Record<string, string>;
  /** What `Apple accepts the key` reads for this Step. */
  keyRead: string;
  /** The role line a key without access gets. */
  roleHint: RegExp;
  /** Takes the access this Step's key read needs away. */
  restrictKey: (sim: PortalSimulator) => void;
  /** The work after the check happened. */
  worked: (run: StepRun, sim: PortalSimulator) => boolean;
  /** What an unreachable Apple means in the simulator for this Step (the check's requests only, where the Step's work needs Apple too). */
  unreachable: (sim: PortalSimulator) => void;
  /** The team hint of several teams and none named. */
  teamHint: string;
  /** How the teams of TWO_TEAMS are listed then. */
  teamLines: string[];
  /** Names the second team of TWO_TEAMS the way this Step takes a team. */
  secondTeam: Record<string, string>;
  /** The Step worked for the second team. */
  workedForSecondTeam: (run: StepRun, sim: PortalSimulator) => void;
}

const lane = (run: StepRun) => callsOf(run, 'fastlane').find((call) => call.argv.includes('beta'));
const deliver = (run: StepRun) => callsOf(run, 'fastlane').find((call) => call.argv.includes('deliver'));
const PORTAL_TEAM_LINES = [
  '- AAAAAAAAAA: Alpha Apps (App Store Connect provider ID 118000000)',
  '- BBBBBBBBBB: Beta Builds (App Store Connect provider ID 118001111)',
];
const DEPLOY_BUNDLE_ID = 'io.bitrise.sample';
/** The check's own requests; everything else is the Step's work. */
const isCheck = (entry: { path: string; query: Record<string, string> }) =>
  entry.path === 'olympusSession' || entry.path === 'listTeams' || entry.query['limit'] === '1';
/** Requests only the check makes (the portal client lists teams too). */
const onlyTheCheckAsks = (entry: { path: string; query: Record<string, string> }) =>
  entry.path === 'olympusSession' || entry.query['limit'] === '1';

const STEPS: StepCase[] = [
  {
    id: 'fastlane-wrapper',
    inputs: () => ({ lane: 'ios beta', enable_cache: 'no' }),
    keyRead: 'GET /v1/apps?limit=1',
    roleHint: /the lane needs a key that can read the team's apps/,
    restrictKey: (sim) => {
      sim.connection.apiKeyAccess.apps = false;
    },
    worked: (run) => lane(run) !== undefined,
    unreachable: (sim) => {
      sim.connection.unreachable = true;
    },
    teamHint:
      'set team_id to one of the team IDs listed above (or FASTLANE_TEAM_ID / FASTLANE_TEAM_NAME in the environment, or team_id in fastlane/Appfile)',
    teamLines: PORTAL_TEAM_LINES,
    secondTeam: { team_id: 'BBBBBBBBBB' },
    workedForSecondTeam: (run) =>
      expect(lane(run)!.env).toMatchObject({
        FASTLANE_TEAM_ID: 'BBBBBBBBBB',
        FASTLANE_ITC_TEAM_ID: '118001111',
      }),
  },
  {
    id: 'auto-provision',
    inputs: (sim) => {
      const dir = join(root, `world-${worlds++}`);
      mkdirSync(dir, { recursive: true });
      const identity = seededDevelopmentIdentity(sim, dir);
      const project = generateProject({ dir: join(dir, 'project'), extensions: 0 });
      return { ...developmentInputs(identity, project), dry_run: 'yes' };
    },
    keyRead: 'GET /v1/certificates?limit=1',
    roleHint:
      /this Step needs an API key with the Admin role, or App Manager or Developer with Access to Certificates, Identifiers & Profiles/,
    restrictKey: (sim) => {
      sim.connection.apiKeyAccess.provisioning = false;
    },
    worked: (run, sim) => run.exitCode === 0 && sim.requestLog.some((e) => !isCheck(e)),
    // The portal work after the check needs Apple too: only the session check goes unanswered.
    unreachable: (sim) => {
      sim.connection.unreachable = (host) => host === 'appstoreconnect.apple.com';
    },
    teamHint: 'set the team ID input (team_id) to one of the teams listed above',
    teamLines: PORTAL_TEAM_LINES,
    secondTeam: { team_id: 'BBBBBBBBBB' },
    workedForSecondTeam: (_run, sim) =>
      expect(sim.requestLog.filter((e) => e.teamId).every((e) => e.teamId === 'BBBBBBBBBB')).toBe(true),
  },
  {
    // An API key uploads through the App Store Connect API; an Apple ID through fastlane deliver.
    id: 'deploy-to-itunes-connect',
    inputs: (sim) => {
      const dir = join(root, `world-${worlds++}`);
      mkdirSync(dir, { recursive: true });
      if (!sim.state.appStore.apps.some((app) => app.bundleId === DEPLOY_BUNDLE_ID))
        sim.state.appStore.seed({ apps: [{ bundleId: DEPLOY_BUNDLE_ID, id: '1500000001', name: 'Sample' }] });
      return {
        ipa_path: writeFile(join(dir, 'App.ipa'), ipa({ bundleId: DEPLOY_BUNDLE_ID })),
        bundle_id: DEPLOY_BUNDLE_ID,
      };
    },
    keyRead: `GET /v1/apps?filter[bundleId]=${DEPLOY_BUNDLE_ID}&limit=1`,
    roleHint: /uploads need an API key with the App Manager role or above \(Admin\)/,
    restrictKey: (sim) => {
      sim.connection.apiKeyAccess.apps = false;
    },
    worked: (run, sim) => deliver(run) !== undefined || sim.state.appStore.uploads.length > 0,
    unreachable: (sim) => {
      sim.connection.unreachable = true;
    },
    teamHint:
      'set team_id to the App Store Connect provider ID of one of the teams listed above, or team_name to its name',
    // deliver signs in to App Store Connect only: its teams are the providers.
    teamLines: [
      '- Alpha Apps (App Store Connect provider ID 118000000)',
      '- Beta Builds (App Store Connect provider ID 118001111)',
    ],
    secondTeam: { team_id: '118001111' },
    workedForSecondTeam: (run) => expect(deliver(run)!.argv.join(' ')).toContain('--team_id 118001111'),
  },
];

async function runStep(
  step: StepCase,
  sim: PortalSimulator,
  transport: Transport,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<StepRun> {
  const payload = connectionPayload(sim, transport);
  api.setPayload(payload);
  const run = await runStepSh(step.id, {
    inputs: {
      connection: transport,
      check_connection: 'yes',
      build_url: api.url,
      build_api_token: api.token,
      ...step.inputs(sim),
      ...inputs,
    },
    env: {
      ...sim.hostMapEnv,
      [TIME_SCALE_ENV]: String(SCALE),
      STAND_IN_FASTLANE_STDOUT: 'fastlane 2.228.0',
      STAND_IN_XCODEBUILD_VERSION: '15.4 15F31d',
      ...env,
    },
  });
  expect(leakedSecrets(run.output, [api.token, ...connectionSecrets(payload)])).toEqual([]);
  return run;
}

const warnings = (run: StepRun) =>
  run.rawOutput
    .split('\n')
    .filter((line) => line.includes('\x1b[33;1m') || line.includes('\x1b[33m'))
    .map((line) => line.replace(/\x1b\[[0-9;]*m/g, ''));

describe.each(STEPS)('$id: the connection check', (step) => {
  it('an accepted session: the account, its teams and the days left are printed, and the Step works', async () => {
    const sim = await portal();
    const run = await runStep(step, sim, 'apple_id');
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain(
      'Apple accepts the connected Apple ID session of Sim Ulated (sim.ulated@example.com)',
    );
    expect(run.output).toMatch(
      /Session expiry: (19 days 23 hours|20 days 0 hours) left, by Bitrise's estimate/,
    );
    expect(run.output).toContain('- Simulated Team (provider ID 118000000), the session acts for it');
    // deliver signs in to App Store Connect only, so deploy asks for no Developer Portal teams.
    if (step.teamLines === PORTAL_TEAM_LINES)
      expect(run.output).toContain('- Simulated Team (team ID SIMTEAM001)');
    else expect(run.output).not.toContain('Developer Portal teams');
    const olympus = sim.requestLog.find((e) => e.path === 'olympusSession');
    // What spaceship's jar sends there: the apple.com cookie, never the idmsa.apple.com one.
    expect(olympus).toMatchObject({ wireMethod: 'GET', status: 200, cookieNames: ['myacinfo'] });
    expect(step.worked(run, sim)).toBe(true);
  });

  it('a rejected session fails in one line before any work', async () => {
    const sim = await portal();
    sim.expireSession();
    const run = await runStep(step, sim, 'apple_id');
    expect(run.exitCode).toBe(1);
    expect(lastRedBlock(run.rawOutput)).toBe(SESSION_REJECTED);
    expect(step.worked(run, sim)).toBe(false);
    // fastlane never starts; an install may have run meanwhile, as independent work.
    expect(callsOf(run, 'fastlane')).toEqual([]);
    expect(sim.requestLog.filter((e) => !isCheck(e))).toEqual([]);
  });

  it('an accepted key: the Step reads what it needs once and works', async () => {
    const sim = await portal();
    const run = await runStep(step, sim, 'api_key');
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain(
      `Apple accepts the App Store Connect API key ${sim.apiKey.keyId} (${step.keyRead}:`,
    );
    expect(step.worked(run, sim)).toBe(true);
  });

  it('a revoked key fails in one line before any work', async () => {
    const sim = await portal();
    sim.connection.apiKeyRevoked = true;
    const run = await runStep(step, sim, 'api_key');
    expect(run.exitCode).toBe(1);
    expect(lastRedBlock(run.rawOutput)).toBe(
      `Apple rejects the App Store Connect API key ${sim.apiKey.keyId} (${step.keyRead}: 401 NOT_AUTHORIZED): it was revoked, or its issuer ID or key ID is wrong: check the key in App Store Connect › Users and Access › Integrations › App Store Connect API, then fix the API key connected on bitrise.io (Workspace settings › Integrations › App Store Connect API)`,
    );
    expect(step.worked(run, sim)).toBe(false);
    expect(sim.requestLog.filter((e) => !isCheck(e))).toEqual([]);
  });

  it('a key without the role the Step needs fails in one line naming the role', async () => {
    const sim = await portal();
    step.restrictKey(sim);
    const run = await runStep(step, sim, 'api_key');
    expect(run.exitCode).toBe(1);
    const reason = lastRedBlock(run.rawOutput)!;
    expect(reason).not.toContain('\n');
    expect(reason).toContain(`(${step.keyRead}: 403 FORBIDDEN_ERROR)`);
    expect(reason).toMatch(step.roleHint);
    expect(step.worked(run, sim)).toBe(false);
  });

  it('several teams and none named fails before any work, listing each team with its IDs', async () => {
    const sim = await portal(TWO_TEAMS);
    const run = await runStep(step, sim, 'apple_id');
    expect(run.exitCode).toBe(1);
    expect(lastRedBlock(run.rawOutput)).toMatch(
      new RegExp(`^the Apple ID is a member of 2 teams and none is named.*: ${regexEscape(step.teamHint)}$`),
    );
    for (const line of step.teamLines) expect(run.output).toContain(line);
    expect(step.worked(run, sim)).toBe(false);
  });

  it('several teams and one named by team_id: the Step works for that team', async () => {
    const sim = await portal(TWO_TEAMS);
    const run = await runStep(step, sim, 'apple_id', step.secondTeam);
    expect(run.exitCode).toBe(0);
    step.workedForSecondTeam(run, sim);
  });

  it('no answer from Apple: one warning within the budget, and the Step goes on', async () => {
    const sim = await portal();
    step.unreachable(sim);
    // At 0.1 the 10 s budget is 1 s: room for several tries, each refused at the socket.
    const started = Date.now();
    const run = await runStep(step, sim, 'apple_id', {}, { [TIME_SCALE_ENV]: '0.1' });
    expect(run.exitCode).toBe(0);
    const checkWarnings = warnings(run).filter((line) => line.includes('Apple could not be asked'));
    expect(checkWarnings).toHaveLength(1);
    expect(checkWarnings[0]).toMatch(/within 10 s \(.+\): the Step goes on without the check$/);
    expect(sim.requestLog.filter((e) => e.path === 'olympusSession').length).toBeGreaterThan(1);
    expect(step.worked(run, sim)).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('check_connection no: Apple is not asked', async () => {
    const sim = await portal();
    sim.expireSession();
    sim.connection.apiKeyRevoked = true;
    const appleId = await runStep(step, sim, 'apple_id', { check_connection: 'no' });
    expect(appleId.output).toContain('check_connection is off');
    expect(sim.requestLog.filter(onlyTheCheckAsks)).toEqual([]);
    const key = await runStep(step, sim, 'api_key', { check_connection: 'no' });
    expect(key.output).not.toContain('Apple rejects');
    expect(sim.requestLog.filter(onlyTheCheckAsks)).toEqual([]);
  });
});

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('fastlane-wrapper: the team fastlane acts for, and the fastlane it runs', () => {
  const fastlane = STEPS[0]!;

  it('takes the team from fastlane/Appfile and gives fastlane both IDs', async () => {
    const sim = await portal(TWO_TEAMS);
    const work = mkdtempSync(join(tmpdir(), 'appfile-'));
    mkdirSync(join(work, 'fastlane'));
    writeFileSync(
      join(work, 'fastlane', 'Appfile'),
      'app_identifier "io.bitrise.app"\nitc_team_name "Alpha Apps"\n',
    );
    const run = await runStep(fastlane, sim, 'apple_id', { work_dir: work });
    expect(run.exitCode).toBe(0);
    expect(lane(run)!.env).toMatchObject({
      FASTLANE_TEAM_ID: 'AAAAAAAAAA',
      FASTLANE_ITC_TEAM_ID: '118000000',
    });
  });

  it('fails for a team named in the environment that the Apple ID is not in', async () => {
    const sim = await portal(TWO_TEAMS);
    api.setPayload(connectionPayload(sim, 'apple_id'));
    const run = await runStepSh('fastlane-wrapper', {
      inputs: {
        lane: 'ios beta',
        connection: 'apple_id',
        check_connection: 'yes',
        build_url: api.url,
        build_api_token: api.token,
      },
      env: { ...sim.hostMapEnv, FASTLANE_TEAM_ID: 'ZZZZZZZZZZ' },
    });
    expect(run.exitCode).toBe(1);
    expect(lastRedBlock(run.rawOutput)).toMatch(
      /^the Apple ID is not a member of team ZZZZZZZZZZ \(FASTLANE_TEAM_ID\): set team_id/,
    );
    expect(lane(run)).toBeUndefined();
  });

  it('warns before starting when the pinned fastlane is older than 2.225.0', async () => {
    const sim = await portal();
    const work = mkdtempSync(join(tmpdir(), 'old-fastlane-'));
    writeFileSync(
      join(work, 'Gemfile.lock'),
      'GEM\n  remote: https://rubygems.org/\n  specs:\n    fastlane (2.220.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  fastlane\n\nBUNDLED WITH\n   2.5.6\n',
    );
    const run = await runStep(fastlane, sim, 'api_key', { work_dir: work });
    expect(run.exitCode).toBe(0);
    const warning = warnings(run).find((line) => line.startsWith('fastlane 2.220.0'));
    expect(warning).toContain(
      `fastlane 2.220.0 (pinned in ${join(work, 'Gemfile.lock')}) is older than 2.225.0`,
    );
    expect(warning).toContain('`bundle update fastlane`');
    // Before the setup: the warning comes before the first bundle command's output.
    expect(run.output.indexOf('fastlane 2.220.0 (pinned')).toBeLessThan(
      run.output.indexOf('Running fastlane'),
    );
  });

  it('warns about an installed fastlane older than 2.225.0 when nothing pins it', async () => {
    const sim = await portal();
    api.setPayload(connectionPayload(sim, 'api_key'));
    const run = await runStepSh('fastlane-wrapper', {
      inputs: {
        lane: 'ios beta',
        connection: 'api_key',
        check_connection: 'yes',
        update_fastlane: 'false',
        build_url: api.url,
        build_api_token: api.token,
      },
      env: { ...sim.hostMapEnv, STAND_IN_FASTLANE_STDOUT: 'fastlane 2.210.1' },
    });
    expect(run.exitCode).toBe(0);
    expect(
      warnings(run).some((line) => line.startsWith('fastlane 2.210.1 (installed) is older than 2.225.0')),
    ).toBe(true);
  });
});

describe('deploy-to-itunes-connect: the fastlane deliver runs with', () => {
  it('warns before deliver starts when the Gemfile pins a fastlane older than 2.225.0', async () => {
    const sim = await portal();
    const deploy = STEPS.find((step) => step.id === 'deploy-to-itunes-connect')!;
    const work = mkdtempSync(join(tmpdir(), 'old-deliver-'));
    writeFileSync(join(work, 'Gemfile'), "source 'https://rubygems.org'\ngem 'fastlane'\n");
    writeFileSync(
      join(work, 'Gemfile.lock'),
      'GEM\n  remote: https://rubygems.org/\n  specs:\n    fastlane (2.219.1)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  fastlane\n\nBUNDLED WITH\n   2.5.6\n',
    );
    const run = await runStep(
      deploy,
      sim,
      'apple_id',
      { fastlane_version: '', gemfile_path: join(work, 'Gemfile') },
      { STAND_IN_FASTLANE_STDOUT: 'fastlane 2.219.1' },
    );
    expect(run.exitCode).toBe(0);
    const warning = warnings(run).find((line) => line.startsWith('fastlane 2.219.1'));
    expect(warning).toContain(`(pinned in ${join(work, 'Gemfile.lock')}) is older than 2.225.0`);
    expect(warning).toContain('`bundle update fastlane`');
    expect(run.output.indexOf('fastlane 2.219.1 (pinned')).toBeLessThan(
      run.output.indexOf('exec fastlane deliver'),
    );
    expect(run.output).toContain('exec fastlane deliver');
  });
});
