import { afterEach, describe, expect, it } from 'vitest';
import { type PortalSimulator, startPortalSimulator } from '../../../testkit/simulators/portal/index.ts';
import { StepError } from '../../step/index.ts';
import { apiRequests, connect } from './harness.ts';

const TEAMS = [
  { teamId: 'AAAAAAAAAA', name: 'Alpha Apps' },
  { teamId: 'BBBBBBBBBB', name: 'Beta Builds' },
];

describe('Apple ID web-session transport', () => {
  let sim: PortalSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    expect(sim?.schemaViolations ?? []).toEqual([]);
    sim = undefined;
  });

  it('speaks the way spaceship does: POST with method override, team in the body, CSRF and cookies echoed', async () => {
    sim = await startPortalSimulator({ seed: { bundleIds: [{ identifier: 'io.bitrise.app' }] } });
    const { client } = await connect(sim, 'apple_id');
    expect(client.team).toEqual({
      teamId: 'SIMTEAM001',
      name: 'Simulated Team',
      type: 'Company/Organization',
      status: 'active',
    });
    await client.findBundleId('io.bitrise.app');
    await client.registerDevice({ udid: '00008030-001A0C3E0E92802E' });
    const [teams, read, create] = sim.requestLog;
    expect(teams).toMatchObject({ path: 'listTeams', wireMethod: 'POST', status: 200 });
    expect(teams!.cookieNames).toEqual(['myacinfo']);
    expect(read).toMatchObject({
      host: 'developer.apple.com',
      wireMethod: 'POST',
      method: 'GET',
      path: '/v1/bundleIds',
      query: { 'filter[identifier]': 'io.bitrise.app', limit: '200' },
      teamId: 'SIMTEAM001',
      csrfSent: true,
      status: 200,
    });
    // The cookie Apple sets on the first answer comes back; the idmsa.apple.com one never goes to developer.apple.com.
    expect(read!.cookieNames?.sort()).toEqual(['dqsid', 'myacinfo']);
    expect(create).toMatchObject({ wireMethod: 'POST', method: 'POST', teamId: 'SIMTEAM001', status: 201 });
    expect((create!.body as { data: { attributes: Record<string, string> } }).data.attributes.teamId).toBe(
      'SIMTEAM001',
    );
  });

  it('fails clearly, listing the teams, when the Apple ID has several and none is chosen', async () => {
    sim = await startPortalSimulator({ teams: TEAMS });
    const err = (await connect(sim, 'apple_id').catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(StepError);
    expect(err.message).toContain('member of 2 teams');
    expect(err.message).toContain('- AAAAAAAAAA: Alpha Apps');
    expect(err.message).toContain('- BBBBBBBBBB: Beta Builds');
  });

  it('acts for the chosen team, and rejects a team the Apple ID is not in', async () => {
    sim = await startPortalSimulator({ teams: TEAMS });
    const { client } = await connect(sim, 'apple_id', { teamId: 'BBBBBBBBBB' });
    await client.listDevices();
    expect(apiRequests(sim).map((e) => e.teamId)).toEqual(['BBBBBBBBBB']);
    await expect(connect(sim, 'apple_id', { teamId: 'CCCCCCCCCC' })).rejects.toThrow(
      /not a member of team CCCCCCCCCC/,
    );
  });

  it('says the session expired and points to re-authenticating the connection, without retrying', async () => {
    sim = await startPortalSimulator();
    const { client } = await connect(sim, 'apple_id');
    sim.expireSession();
    const err = (await client.listDevices().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(StepError);
    expect(err.message).toMatch(
      /^Apple refused the Apple ID session of the connection \(401 NOT_AUTHORIZED\)/,
    );
    expect((err.cause as Error).message).toMatch(
      /^GET https:\/\/developer\.apple\.com\/services-account\/v1\/devices\?limit=200: 401\n/,
    );
    expect(err.message).toContain('Re-authenticate the Apple Developer connection in Bitrise');
    expect(apiRequests(sim).map((e) => e.status)).toEqual([401]);
  });

  it('fails at connect time when the session is already invalid', async () => {
    sim = await startPortalSimulator();
    sim.expireSession();
    await expect(connect(sim, 'apple_id')).rejects.toThrow(
      /^Apple refused the Apple ID session of the connection \(401 NOT_AUTHORIZED\): .*Re-authenticate/,
    );
  });
});
