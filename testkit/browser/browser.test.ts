import { afterEach, describe, expect, it, vi } from 'vitest';
import { probeChromium, skipWithoutChromium } from './index.ts';

afterEach(() => vi.restoreAllMocks());

describe('the Chromium gate', () => {
  it('runs the suite when Chromium is there', () => {
    expect(skipWithoutChromium('page tests', { reason: undefined, env: {} })).toBe(false);
  });

  it('skips with a visible note locally when Chromium is missing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(skipWithoutChromium('page tests', { reason: '/usr/bin/chromium does not exist', env: {} })).toBe(
      true,
    );
    expect(warn).toHaveBeenCalledWith(
      "[skipped] page tests: /usr/bin/chromium does not exist. To run them, install Debian's chromium (apt-get install chromium), or set CHROMIUM_BIN.",
    );
  });

  it('fails in CI when Chromium is missing', () => {
    expect(() => skipWithoutChromium('page tests', { reason: 'gone', env: { CI: 'true' } })).toThrow(
      'page tests need Chromium in CI, but gone',
    );
  });

  it('names a browser that is not there', () => {
    expect(probeChromium('/nonexistent/chromium')).toBe('/nonexistent/chromium does not exist');
  });
});
