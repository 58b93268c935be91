import { describe, expect, it } from 'vitest';
import { runStepSh, secretFragments } from '../testkit/harness.ts';

describe('the leak scan of every end-to-end run', () => {
  it('fails the run when a fixture secret reaches the output', async () => {
    // The Step never saw this password (connection off), so nothing redacts it when a tool prints it.
    await expect(
      runStepSh('fastlane-wrapper', {
        inputs: { lane: 'ios beta', connection: 'off' },
        env: { STAND_IN_FASTLANE_STDOUT: 'debug: password=highSecurityPassword' },
      }),
    ).rejects.toThrow(/fastlane-wrapper printed secrets: high… \(20 characters\)/);
  });

  it('passes when the same text is a secret the Step knows, because it masks it', async () => {
    const run = await runStepSh('fastlane-wrapper', {
      inputs: {
        lane: 'ios beta',
        connection: 'off',
        apple_id: 'someone@example.com',
        password: 'highSecurityPassword',
      },
      env: { STAND_IN_FASTLANE_STDOUT: 'debug: password=highSecurityPassword' },
    });
    expect(run.output).toContain('debug: password=*****');
  });

  it('looks for PEM keys line by line and for each cookie value of a session', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\nAwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----';
    expect(secretFragments([pem])).toEqual([pem, 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49', 'AwEHBG0wawIBAQQg']);
    const session =
      '---\n- !ruby/object:HTTP::Cookie\n  name: myacinfo\n  value: DAWTKNV2abc\n  domain: apple.com\n';
    expect(secretFragments([session, 'abc'])).toEqual([session, 'DAWTKNV2abc']);
  });
});
