import { describe, expect, it, vi } from 'vitest';
import { INFO_ZIP, OPENSSL_3, skipWithoutTools, toolUnavailableReason } from './support/referee-tools.ts';

describe('skipWithoutTools', () => {
  const missingZip = (tool: { command: string }) => (tool.command === 'zip' ? 'not installed' : undefined);

  it('runs when every tool can referee', () => {
    expect(skipWithoutTools('suite', [OPENSSL_3, INFO_ZIP], { reasonOf: () => undefined, env: {} })).toBe(
      false,
    );
  });

  it('skips with a visible warning locally', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(skipWithoutTools('zip tests', [OPENSSL_3, INFO_ZIP], { reasonOf: missingZip, env: {} })).toBe(
        true,
      );
      expect(warn).toHaveBeenCalledWith(
        '[skipped] zip tests: Info-ZIP zip: not installed (apt-get install zip)',
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('fails in CI instead of skipping', () => {
    expect(() =>
      skipWithoutTools('zip tests', [INFO_ZIP], { reasonOf: missingZip, env: { CI: 'true' } }),
    ).toThrow('zip tests need real tools in CI, but Info-ZIP zip: not installed (apt-get install zip)');
  });

  it('names the reason a tool cannot referee', () => {
    expect(toolUnavailableReason({ ...INFO_ZIP, command: 'no-such-zip-tool' })).toMatch(
      /^cannot run "no-such-zip-tool": .*ENOENT/,
    );
    expect(toolUnavailableReason({ ...INFO_ZIP, command: 'false', probeArgs: [] })).toBe('"false" failed: ');
    expect(OPENSSL_3.unfit!('LibreSSL 3.3.6\n')).toBe('found LibreSSL 3.3.6');
    expect(OPENSSL_3.unfit!('OpenSSL 1.1.1w  11 Sep 2023\n')).toBe('found OpenSSL 1.1.1w  11 Sep 2023');
    expect(
      OPENSSL_3.unfit!('OpenSSL 3.0.22 25 Aug 2026 (Library: OpenSSL 3.0.22 25 Aug 2026)\n'),
    ).toBeUndefined();
  });
});
