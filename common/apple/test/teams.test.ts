import { describe, expect, it } from 'vitest';
import { describeFailure, StepError } from '../../step/index.ts';
import type { AppleAccess } from '../preflight/connection-check.ts';
import { chooseTeam, fastlaneTeamEnv, mergeTeams, namedTeam } from '../teams.ts';

const TWO: AppleAccess = {
  account: {
    fullName: 'Dev',
    email: 'dev@example.com',
    provider: { providerId: 111, name: 'Alpha Apps' },
    providers: [
      { providerId: 111, name: 'Alpha Apps' },
      { providerId: 222, name: 'Beta Builds' },
    ],
  },
  portalTeams: [
    { teamId: 'AAAAAAAAAA', name: 'Alpha Apps' },
    { teamId: 'BBBBBBBBBB', name: 'beta builds ' },
  ],
};
const HINT = 'set team_id';

function error(fn: () => unknown): StepError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StepError);
    return err as StepError;
  }
  throw new Error('expected a failure');
}

describe('team rules', () => {
  it('matches portal teams and providers by name', () => {
    expect(mergeTeams(TWO.portalTeams, TWO.account!.providers)).toEqual([
      { name: 'Alpha Apps', teamId: 'AAAAAAAAAA', providerId: 111 },
      { name: 'beta builds ', teamId: 'BBBBBBBBBB', providerId: 222 },
    ]);
  });

  it('fails when several teams and none is named, listing name, team ID and provider ID', () => {
    const err = error(() =>
      chooseTeam(TWO, {}, { scope: 'both', hint: HINT, consequence: 'so fastlane would stop' }),
    );
    const failure = describeFailure(err);
    expect(failure.reason).toBe(
      'the Apple ID is a member of 2 teams and none is named, so fastlane would stop: set team_id',
    );
    expect(failure.details).toEqual([
      'Its teams:',
      '- AAAAAAAAAA: Alpha Apps (App Store Connect provider ID 111)',
      '- BBBBBBBBBB: beta builds  (App Store Connect provider ID 222)',
    ]);
  });

  it('takes the team from the input, then the environment fastlane sees, then the Appfile', () => {
    const appfile = {
      path: 'fastlane/Appfile',
      values: { team_id: 'AAAAAAAAAA', itc_team_name: 'Alpha Apps' },
    };
    const fromAll = namedTeam({
      inputs: { teamId: { value: 'BBBBBBBBBB', from: 'the team_id input' } },
      fastlaneEnv: { FASTLANE_TEAM_ID: 'CCCCCCCCCC', FASTLANE_ITC_TEAM_ID: '222' },
      appfile,
    });
    expect(fromAll).toEqual({
      teamId: { value: 'BBBBBBBBBB', from: 'the team_id input' },
      itcTeamId: { value: '222', from: 'FASTLANE_ITC_TEAM_ID' },
      itcTeamName: { value: 'Alpha Apps', from: 'itc_team_name in fastlane/Appfile' },
    });
    expect(namedTeam({ appfile })).toEqual({
      teamId: { value: 'AAAAAAAAAA', from: 'team_id in fastlane/Appfile' },
      itcTeamName: { value: 'Alpha Apps', from: 'itc_team_name in fastlane/Appfile' },
    });
  });

  it('gives fastlane the team ID and the provider matched by name, keeping what the user set', () => {
    const team = chooseTeam(
      TWO,
      namedTeam({ inputs: { teamId: { value: 'BBBBBBBBBB', from: 'team_id' } } }),
      {
        scope: 'both',
        hint: HINT,
      },
    );
    expect(fastlaneTeamEnv(team, {})).toEqual({
      FASTLANE_TEAM_ID: 'BBBBBBBBBB',
      FASTLANE_ITC_TEAM_ID: '222',
    });
    expect(fastlaneTeamEnv(team, { FASTLANE_ITC_TEAM_ID: '999' })).toEqual({
      FASTLANE_TEAM_ID: 'BBBBBBBBBB',
    });
    const byName = chooseTeam(TWO, namedTeam({ fastlaneEnv: { FASTLANE_TEAM_NAME: 'Beta Builds' } }), {
      scope: 'both',
      hint: HINT,
    });
    expect(byName?.teamId).toBe('BBBBBBBBBB');
  });

  it('fails for a named team the Apple ID is not in', () => {
    const err = error(() =>
      chooseTeam(TWO, namedTeam({ fastlaneEnv: { FASTLANE_TEAM_ID: 'ZZZZZZZZZZ' } }), {
        scope: 'both',
        hint: HINT,
      }),
    );
    expect(describeFailure(err).reason).toBe(
      'the Apple ID is not a member of team ZZZZZZZZZZ (FASTLANE_TEAM_ID): set team_id',
    );
  });

  it('needs no choice with one team, and trusts a named team when Apple gave no list', () => {
    const one: AppleAccess = {
      account: { ...TWO.account!, providers: [TWO.account!.providers[0]!] },
      portalTeams: [TWO.portalTeams![0]!],
    };
    expect(chooseTeam(one, {}, { scope: 'both', hint: HINT })).toBeUndefined();
    expect(
      chooseTeam({}, namedTeam({ inputs: { teamId: { value: 'XYZ1234567', from: 'team_id' } } }), {
        scope: 'both',
        hint: HINT,
      }),
    ).toEqual({
      name: '',
      teamId: 'XYZ1234567',
    });
  });

  it('looks only at providers when the tool only uses App Store Connect', () => {
    const portalOnlyTwo: AppleAccess = {
      ...TWO,
      account: { ...TWO.account!, providers: [TWO.account!.providers[0]!] },
    };
    expect(chooseTeam(portalOnlyTwo, {}, { scope: 'app-store-connect', hint: HINT })).toBeUndefined();
    expect(() => chooseTeam(TWO, {}, { scope: 'app-store-connect', hint: HINT })).toThrow(
      /member of 2 teams/,
    );
  });
});
