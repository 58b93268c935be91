import { describe, expect, it } from 'vitest';
import { colors, stripAnsi } from '../colors.ts';
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

  it('prints the fatal error red, short and without a stack', () => {
    const { logger, output } = captureLogger();
    const inner = new Error('network request failed with status 503');
    logger.fatal(new Error('failed to fetch authentication credentials', { cause: inner }));
    const lines = output().trimEnd().split('\n');
    expect(lines.every((line) => line.startsWith(colors.red))).toBe(true);
    expect(stripAnsi(output())).toBe(
      'failed to fetch authentication credentials\n  network request failed with status 503\n',
    );
    expect(output()).not.toContain('at ');
  });

  it('keeps the fatal reason within 1 KB', () => {
    const { logger, output } = captureLogger();
    logger.fatal(new Error('x'.repeat(5000)));
    expect(Buffer.byteLength(stripAnsi(output()).trimEnd())).toBeLessThanOrEqual(FATAL_LIMIT_BYTES);
    expect(stripAnsi(output())).toMatch(/…\n$/);
  });
});
