import { describe, expect, it } from 'vitest';
import { systemClock } from '../../common/step/index.ts';
import {
  API_KEY_PRIVATE_KEY_PEM,
  appleIdConnection,
  combinedConnection,
  connectionFixturePath,
  daysFromNow,
} from '../../testkit/fixtures/connections/index.ts';
import { connectionPayload } from '../../testkit/fixtures/provisioning.ts';
import { startBuildApiSimulator } from '../../testkit/simulators/index.ts';
import { type PortalSimulator, startPortalSimulator } from '../../testkit/simulators/portal/index.ts';
import { connectionCommand } from '../cli/commands/connection.ts';
import { main } from '../cli/main.ts';
import { apiKeyParses } from '../lib/bitrise-cli/connection-report.ts';
import { collect } from './helpers.ts';

describe('steps connection', () => {
  it('reports a live connection from the build API: credentials per connection value, cookie names, time left', async () => {
    const api = await startBuildApiSimulator({
      payload: combinedConnection({ expiry: daysFromNow(3), password: 'pw-secret-123' }),
    });
    try {
      const out = collect();
      expect(await connectionCommand({ buildUrl: api.url, token: api.token, out, env: {} })).toBe(0);
      const text = out.text();
      expect(text).toContain('Apple ID: example@example.io');
      expect(text).toMatch(/session cookies \(https:\/\/idmsa\.apple\.com\): \S+, myacinfo/);
      expect(text).toMatch(/session expires at .* \+0000 UTC: (2 days 23 hours|3 days 0 hours) left/);
      expect(text).toContain('private key: present, parses as an EC P-256 private key');
      expect(text).toMatch(/ {2}automatic: the connected App Store Connect API key /);
      expect(text).toMatch(/ {2}apple_id: the connected Apple ID example@example\.io with its 2FA session/);
      expect(text).toContain('Result: usable');
      expect(text).not.toContain('pw-secret-123');
      expect(text).not.toContain('PRIVATE KEY');
      expect(api.requests[0]?.token).toBe(api.token);
    } finally {
      await api.close();
    }
  });

  it('exits 1 when the Apple ID session has expired', async () => {
    const out = collect();
    const code = await connectionCommand({
      buildUrl: `file://${connectionFixturePath('apple-id')}`,
      out,
      env: {},
    });
    expect(code).toBe(1);
    expect(out.text()).toContain('session expired at 2019-04-06 12:04:59 +0000 UTC');
    expect(out.text()).toMatch(
      /apple_id: fails: 2FA session saved in Bitrise Developer Connection is expired/,
    );
  });

  it('exits 1 when nothing is connected', async () => {
    const out = collect();
    expect(
      await connectionCommand({ buildUrl: `file://${connectionFixturePath('empty')}`, out, env: {} }),
    ).toBe(1);
    expect(out.text()).toContain('automatic: nothing');
  });

  it('tells whether an API key parses', () => {
    expect(apiKeyParses(API_KEY_PRIVATE_KEY_PEM).ok).toBe(true);
    expect(apiKeyParses('-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----').ok).toBe(false);
    expect(appleIdConnection()).toHaveProperty('apple_id');
  });
});

describe('steps connection --live', () => {
  async function live(
    setup: (sim: PortalSimulator) => void,
    payload: (sim: PortalSimulator) => Record<string, unknown>,
    options: { minDaysLeft?: number } = {},
  ) {
    const sim = await startPortalSimulator({
      teams: [
        { teamId: 'AAAAAAAAAA', name: 'Alpha Apps' },
        { teamId: 'BBBBBBBBBB', name: 'Beta Builds' },
      ],
    });
    const api = await startBuildApiSimulator({ payload: payload(sim) });
    try {
      setup(sim);
      const out = collect();
      const code = await connectionCommand({
        buildUrl: api.url,
        token: api.token,
        out,
        env: { ...sim.hostMapEnv },
        live: true,
        clock: systemClock(0.05),
        ...options,
      });
      return { code, text: out.text(), requests: sim.requestLog.map((e) => e.path) };
    } finally {
      await api.close();
      await sim.close();
    }
  }
  const both = (sim: PortalSimulator) => ({
    ...connectionPayload(sim, 'apple_id'),
    ...connectionPayload(sim, 'api_key'),
  });

  it('prints what Apple says: the account, its teams, the days left, the key; exit 0', async () => {
    const { code, text, requests } = await live(() => {}, both);
    expect(code).toBe(0);
    expect(text).toContain(
      'Apple accepts the connected Apple ID session of Sim Ulated (sim.ulated@example.com)',
    );
    expect(text).toMatch(/Session expiry: (19 days 23 hours|20 days 0 hours) left/);
    expect(text).toContain('- Beta Builds (provider ID 118001111)');
    expect(text).toContain('- Alpha Apps (team ID AAAAAAAAAA)');
    expect(text).toMatch(/Apple accepts the App Store Connect API key \w+ \(GET \/v1\/apps\?limit=1/);
    expect(text).toContain('Result: usable, and Apple accepts it');
    expect(requests.sort()).toEqual(['/v1/apps', 'listTeams', 'olympusSession']);
  });

  it('exits 1 when Apple no longer accepts the session', async () => {
    const { code, text } = await live((sim) => sim.expireSession(), both);
    expect(code).toBe(1);
    expect(text).toContain(
      'Result: not usable: Apple no longer accepts the connected Apple ID session (GET /olympus/v1/session: 401)',
    );
  });

  it('exits 1 when Apple rejects the key', async () => {
    const { code, text } = await live(
      (sim) => {
        sim.connection.apiKeyRevoked = true;
      },
      (sim) => connectionPayload(sim, 'api_key'),
    );
    expect(code).toBe(1);
    expect(text).toMatch(
      /Result: not usable: Apple rejects the App Store Connect API key \w+ \(GET \/v1\/apps\?limit=1: 401/,
    );
  });

  it('exits 1 when the session ends within --min-days-left, for a scheduled build', async () => {
    const soon = (sim: PortalSimulator) => ({
      ...connectionPayload(sim, 'apple_id'),
      connection_expiry_date: daysFromNow(2).toISOString(),
    });
    const { code, text } = await live(() => {}, soon, { minDaysLeft: 3 });
    expect(code).toBe(1);
    expect(text).toMatch(
      /Result: not usable: the Apple ID session ends in (1 day 23 hours|2 days 0 hours), within the 3 days asked for/,
    );
    expect((await live(() => {}, soon, { minDaysLeft: 1 })).code).toBe(0);
  });

  it('takes --live and --min-days-left from the command line', async () => {
    const out = collect();
    const code = await main(
      ['connection', '--build-url', `file://${connectionFixturePath('empty')}`, '--min-days-left', '40'],
      { out },
    );
    expect(code).toBe(2);
    expect(out.text()).toContain('--min-days-left takes a number of days from 0 to 30');
  });
});
