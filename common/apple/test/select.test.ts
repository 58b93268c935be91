import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConnection } from '../../bitrise/connection.ts';
import { stripAnsi } from '../../step/colors.ts';
import { Secret } from '../../step/secret.ts';
import { captureLogger } from '../../step/test/helpers.ts';
import { type AuthInputs, type ConnectionMode, type ExpiryPolicy, selectCredentials } from '../select.ts';
import { apiKeyPayload, appleIdPayload, NOW } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'select-'));
const keyPath = join(dir, 'AuthKey_INPUTKEY9.p8');
writeFileSync(keyPath, '-----BEGIN PRIVATE KEY-----\ninputkeybody\n-----END PRIVATE KEY-----\n');

const connections = {
  none: {},
  apple: appleIdPayload(),
  key: apiKeyPayload(),
  both: { ...appleIdPayload(), ...apiKeyPayload() },
};

const noInputs: AuthInputs = {
  appleId: '',
  password: new Secret(''),
  appPassword: new Secret(''),
  apiKeyPath: new Secret(''),
  apiIssuer: '',
};
const inputs = {
  none: noInputs,
  appleIdInput: { ...noInputs, appleId: 'input@example.com', password: new Secret('input-password') },
  apiKeyInput: { ...noInputs, apiKeyPath: new Secret(keyPath), apiIssuer: 'input-issuer' },
};

async function select(
  mode: ConnectionMode,
  conn: keyof typeof connections,
  input: keyof typeof inputs,
  expiryPolicy: ExpiryPolicy = 'fail',
) {
  const { logger, output } = captureLogger();
  const result = await selectCredentials({
    mode,
    connection: parseConnection(JSON.stringify(connections[conn])),
    inputs: inputs[input],
    expiryPolicy,
    warningDays: 5,
    now: NOW,
    env: {},
    cwd: dir,
    logger,
  });
  return { result, output: stripAnsi(output()) };
}

describe('selectCredentials: the source matrix', () => {
  it.each([
    ['automatic', 'none', 'none', undefined],
    ['automatic', 'none', 'appleIdInput', 'input_apple_id'],
    ['automatic', 'none', 'apiKeyInput', 'input_api_key'],
    ['automatic', 'apple', 'none', 'connection_apple_id'],
    ['automatic', 'key', 'none', 'connection_api_key'],
    ['automatic', 'both', 'none', 'connection_api_key'],
    ['automatic', 'apple', 'apiKeyInput', 'connection_apple_id'],
    ['automatic', 'key', 'appleIdInput', 'connection_api_key'],
    ['api_key', 'key', 'none', 'connection_api_key'],
    ['api_key', 'both', 'appleIdInput', 'connection_api_key'],
    ['apple_id', 'apple', 'none', 'connection_apple_id'],
    ['apple_id', 'both', 'apiKeyInput', 'connection_apple_id'],
    ['off', 'both', 'none', undefined],
    ['off', 'both', 'appleIdInput', 'input_apple_id'],
    ['off', 'none', 'apiKeyInput', 'input_api_key'],
  ] as const)('%s with connection %s and inputs %s → %s', async (mode, conn, input, source) => {
    const { result, output } = await select(mode, conn, input);
    expect(result?.source).toBe(source);
    if (source === undefined) {
      expect(output).toContain(
        `No authentication data found matching the selected Apple Service authentication method (${mode}).`,
      );
    }
  });

  it.each([
    [
      'api_key',
      'apple',
      'connection is set to api_key, but this build has no App Store Connect API key connection: add an App Store Connect API key',
    ],
    [
      'api_key',
      'none',
      'connection is set to api_key, but this build has no App Store Connect API key connection',
    ],
    [
      'apple_id',
      'key',
      'connection is set to apple_id, but this build has no Apple ID connection: connect an Apple ID on bitrise.io',
    ],
  ] as const)(
    'an explicitly requested %s source missing from connection %s fails',
    async (mode, conn, message) => {
      await expect(select(mode, conn, 'none')).rejects.toThrow(message);
    },
  );

  it('prints the not-connected warning when nothing is connected under automatic', async () => {
    const { output } = await select('automatic', 'none', 'none');
    expect(output).toContain(
      'Connected Apple Developer Portal Account not found.\nMost likely because there is no Apple Developer Portal Account connected to the build.',
    );
  });

  it('logs the chosen source with upstream wording', async () => {
    expect((await select('automatic', 'apple', 'none')).output).toContain(
      'Bitrise Apple Developer Connection with Apple ID found.',
    );
    expect((await select('automatic', 'key', 'none')).output).toContain(
      'Bitrise Apple Developer Connection with API key found',
    );
    expect((await select('off', 'none', 'appleIdInput')).output).toContain(
      'Inputs with Apple ID authentication found. This method does not support TFA enabled Apple IDs.',
    );
  });
});

describe('selectCredentials: what each source yields', () => {
  it('builds the session from the connection and prefers the connection app-specific password', async () => {
    const { result } = await select('apple_id', 'apple', 'none');
    if (result?.kind !== 'apple_id') throw new Error('expected Apple ID');
    expect(result.username).toBe('dev@example.com');
    expect(result.session.reveal()).toContain('name: myacinfo\n  value: DAWTKNV2myacinfovalue\n');
    const withAsp = parseConnection(
      JSON.stringify(appleIdPayload({ app_specific_password: 'conn-asp-1234' })),
    );
    const { logger } = captureLogger();
    const picked = await selectCredentials({
      mode: 'automatic',
      connection: withAsp,
      inputs: { ...noInputs, appPassword: new Secret('input-asp-5678') },
      expiryPolicy: 'fail',
      warningDays: 5,
      now: NOW,
      env: {},
      cwd: dir,
      logger,
    });
    expect(picked?.kind === 'apple_id' && picked.appSpecificPassword.reveal()).toBe('conn-asp-1234');
  });

  it('falls back to the app_password input when the connection has none', async () => {
    const { logger } = captureLogger();
    const picked = await selectCredentials({
      mode: 'automatic',
      connection: parseConnection(JSON.stringify(appleIdPayload())),
      inputs: { ...noInputs, appPassword: new Secret('input-asp-5678') },
      expiryPolicy: 'fail',
      warningDays: 5,
      now: NOW,
      env: {},
      cwd: dir,
      logger,
    });
    expect(picked?.kind === 'apple_id' && picked.appSpecificPassword.reveal()).toBe('input-asp-5678');
  });

  it('reads the API key input and takes the key ID from AuthKey_<ID>.p8', async () => {
    const { result } = await select('off', 'none', 'apiKeyInput');
    expect(result).toMatchObject({ kind: 'api_key', keyId: 'INPUTKEY9', issuerId: 'input-issuer' });
    expect(result?.kind === 'api_key' && result.privateKey.reveal()).toContain('inputkeybody');
  });
});

describe('selectCredentials: expiry and missing sessions', () => {
  const run = async (payload: object, policy: ExpiryPolicy, mode: ConnectionMode = 'automatic') => {
    const { logger, output } = captureLogger();
    const result = await selectCredentials({
      mode,
      connection: parseConnection(JSON.stringify(payload)),
      inputs: noInputs,
      expiryPolicy: policy,
      warningDays: 5,
      now: NOW,
      env: {},
      cwd: dir,
      logger,
    });
    return { result, output: stripAnsi(output()) };
  };

  it('fails on an expired session for fastlane, in upstream words', async () => {
    await expect(
      run(appleIdPayload({ connection_expiry_date: '2026-11-20T08:30:15.000Z' }), 'fail'),
    ).rejects.toThrow(
      '2FA session saved in Bitrise Developer Connection is expired, was valid until 2026-11-20 08:30:15 +0000 UTC: to renew it, re-authenticate',
    );
  });

  it('only warns on an expired session for code signing', async () => {
    const { result, output } = await run(
      appleIdPayload({ connection_expiry_date: '2026-11-20T08:30:15Z' }),
      'warn',
    );
    expect(result?.source).toBe('connection_apple_id');
    expect(output).toContain('Two-factor session has expired at: 2026-11-20 08:30');
  });

  it('warns with the exact days and hours left near expiry', async () => {
    const { output } = await run(appleIdPayload({ connection_expiry_date: '2026-11-26T15:30:00Z' }), 'fail');
    expect(output).toContain(
      'The 2FA session of the connected Apple ID expires in 3 days 3 hours (at 2026-11-26 15:30:00 +0000 UTC)',
    );
    const far = await run(appleIdPayload({ connection_expiry_date: '2026-12-20T00:00:00Z' }), 'fail');
    expect(far.output).not.toContain('expires in');
  });

  it('fails when the Apple ID connection has no 2FA session cookies', async () => {
    await expect(run(appleIdPayload({ session_cookies: {} }), 'fail')).rejects.toThrow(
      'The connected Apple ID (dev@example.com) has no 2FA session, so Apple would ask for a 2FA code this build cannot answer: to renew it, re-authenticate the Apple ID on bitrise.io',
    );
  });
});

describe('validateAuthInputs', () => {
  const validate = (partial: Partial<AuthInputs>) => {
    const { logger, output } = captureLogger();
    return selectCredentials({
      mode: 'off',
      connection: parseConnection('{}'),
      inputs: { ...noInputs, ...partial },
      expiryPolicy: 'fail',
      warningDays: 5,
      env: {},
      cwd: dir,
      logger,
    }).then(
      () => ({ error: undefined, output: stripAnsi(output()) }),
      (error: Error) => ({ error: error.message, output: stripAnsi(output()) }),
    );
  };

  it.each([
    [
      { appleId: 'a@b.c', apiIssuer: 'i' },
      'Issue with authentication related inputs: both Apple ID and API key related configuration provided, but only one of them expected: clear either apple_id/password/app_password or api_key_path/api_issuer',
    ],
    [
      { appleId: 'a@b.c' },
      'Issue with authentication related inputs: no Apple Service Password provided: set password for apple_id',
    ],
    [
      { password: new Secret('pw-only') },
      'Issue with authentication related inputs: no Apple Service Apple ID provided: set apple_id, or clear password',
    ],
    [
      { apiKeyPath: new Secret(keyPath) },
      "Issue with authentication related inputs: no Apple Service API Issuer provided: set api_issuer to the key's issuer ID",
    ],
    [
      { apiIssuer: 'issuer' },
      'Issue with authentication related inputs: no Apple Service API Key Path provided: set api_key_path to the .p8 file',
    ],
  ])('rejects %j', async (partial, message) => {
    expect((await validate(partial)).error).toBe(message);
  });

  it('prints upstream warning when both groups are set', async () => {
    expect((await validate({ appleId: 'a@b.c', apiIssuer: 'i' })).output).toContain(
      'Either provide Apple ID, Password (and  App-specific password if available) OR API Key Path and API Issuer',
    );
  });

  it('accepts an app-specific password alone (it is combined with the connection)', async () => {
    expect((await validate({ appPassword: new Secret('asp-alone') })).error).toBeUndefined();
  });
});
