import { describe, expect, it } from 'vitest';
import { lastRedBlock, redBlocks } from '../../../testkit/failure-reason.ts';
import { colors, stripAnsi } from '../colors.ts';
import { StepError } from '../errors.ts';
import { FATAL_LIMIT_BYTES } from '../logger.ts';
import { Redactor } from '../redactor.ts';
import { captureLogger } from './helpers.ts';

const KEY = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg',
  'aBcDeFgHiJkLmNoPqRsTuVwXyZ012345',
  '-----END PRIVATE KEY-----',
].join('\n');

describe('Logger', () => {
  it('uses the Bitrise palette', () => {
    const { logger, output } = captureLogger();
    logger.info('Title');
    logger.done('ok');
    logger.warn('careful');
    logger.error('bad');
    logger.debug('hidden');
    logger.enableDebug(true);
    logger.debug('shown');
    const text = output();
    expect(text).toContain(`${colors.blue}Title${colors.reset}`);
    expect(text).toContain(`${colors.green}ok${colors.reset}`);
    expect(text).toContain(`${colors.yellow}careful${colors.reset}`);
    expect(text).toContain(`${colors.red}bad${colors.reset}`);
    expect(text).not.toContain('hidden');
    expect(text).toContain(`${colors.magenta}shown${colors.reset}`);
  });

  it('never prints a multi-line secret, whole or by its lines', () => {
    const redactor = new Redactor();
    redactor.add(KEY);
    const { logger, output } = captureLogger(redactor);
    logger.print(`key:\n${KEY}`);
    logger.warn(`second line alone: ${KEY.split('\n')[1]}`);
    logger.fatal(new Error(`failed with ${KEY.split('\n')[2]}`));
    for (const line of KEY.split('\n')) expect(output()).not.toContain(line);
  });

  it('prints the failure as plain details and one last red line: the cause chain, no stack', () => {
    const { logger, output } = captureLogger();
    const inner = new Error('network request failed with status 503');
    logger.fatal(
      new StepError('failed to fetch authentication credentials', { cause: inner, hint: 'rerun the build' }),
    );
    expect(redBlocks(output())).toEqual(['failed to fetch authentication credentials: rerun the build']);
    expect(stripAnsi(output())).toBe(
      '\nnetwork request failed with status 503\nfailed to fetch authentication credentials: rerun the build\n',
    );
    expect(output()).not.toContain('at ');
  });

  it('turns a multi-line reason into plain detail lines before a one-line red summary', () => {
    const { logger, output } = captureLogger();
    logger.fatal(
      new StepError('Apple refused GET /v1/certificates (403 FORBIDDEN_ERROR)\n- FORBIDDEN_ERROR: no', {
        hint: 'use an Admin key',
        details: ['GET https://api.example/v1/certificates?limit=200: 403'],
      }),
    );
    const lines = output().trimEnd().split('\n');
    expect(lines.slice(1, -1).map((line) => line.includes('\x1b['))).toEqual([false, false]);
    expect(lastRedBlock(output())).toBe(
      'Apple refused GET /v1/certificates (403 FORBIDDEN_ERROR): use an Admin key',
    );
  });

  it('closes a colour a tool left open, so only its own line is the last red block', () => {
    const { logger, output } = captureLogger();
    logger.print('\x1b[31m[!] fastlane: something went wrong');
    logger.print('more tool output');
    logger.fatal(new StepError('running Fastlane failed', { hint: 'see the output above' }));
    expect(lastRedBlock(output())).toBe('running Fastlane failed: see the output above');
  });

  it('keeps the red line within 1 KB without cutting a character or a secret in half', () => {
    const { logger, output } = captureLogger();
    logger.fatal(new StepError('x'.repeat(5000)));
    const reason = lastRedBlock(output())!;
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(FATAL_LIMIT_BYTES);
    expect(reason).toMatch(/…$/);

    const wide = captureLogger();
    wide.logger.fatal(new StepError('€'.repeat(2000)));
    const cut = lastRedBlock(wide.output())!;
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(FATAL_LIMIT_BYTES);
    expect(cut).toMatch(/^€+…$/);

    const secret = 'sEcReT-tOkEn-0123456789';
    const redactor = new Redactor();
    redactor.add(secret);
    const masked = captureLogger(redactor);
    masked.logger.fatal(new StepError(`${'y'.repeat(FATAL_LIMIT_BYTES - 10)}${secret}`));
    expect(masked.output()).not.toContain(secret.slice(0, 6));
  });

  it('prints the stack in debug mode, not red', () => {
    const { logger, output } = captureLogger();
    logger.enableDebug(true);
    logger.fatal(new TypeError('x is undefined'));
    expect(output()).toContain(`${colors.magenta}TypeError: x is undefined`);
    expect(redBlocks(output())).toHaveLength(1);
  });
});
