import { describe, expect, it } from 'vitest';
import {
  API_KEY_PRIVATE_KEY_PEM,
  appleIdConnection,
  combinedConnection,
  connectionFixturePath,
  daysFromNow,
} from '../../testkit/fixtures/connections/index.ts';
import { startBuildApiSimulator } from '../../testkit/simulators/index.ts';
import { connectionCommand } from '../cli/commands/connection.ts';
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
