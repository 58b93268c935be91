import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAppfileTeams, readAppfileTeams } from '../appfile.ts';
import { oldFastlaneWarning } from '../version-check.ts';

describe('Appfile team keys', () => {
  it('reads the plain forms fastlane Appfiles use', () => {
    expect(
      parseAppfileTeams(
        [
          'app_identifier("io.bitrise.app") # the app',
          'apple_id "dev@example.com"',
          'team_id "ABCDE12345" # Developer Portal',
          "itc_team_name('Alpha # Apps')",
          'itc_team_id 118000000',
          'team_name("Beta \\"Builds\\"")',
        ].join('\n'),
      ),
    ).toEqual({
      team_id: 'ABCDE12345',
      itc_team_name: 'Alpha # Apps',
      itc_team_id: '118000000',
      team_name: 'Beta "Builds"',
    });
  });

  it('leaves out lane and platform blocks, computed values and comments', () => {
    const text = [
      '# team_id "COMMENTED1"',
      'team_id ENV["MY_TEAM"]',
      'for_platform :ios do',
      '  team_id "IOSONLY123"',
      '  for_lane :beta do',
      '    itc_team_id "999"',
      '  end',
      'end',
      'itc_team_name "Top Level"',
      'team_name "#{prefix} Team"',
    ].join('\n');
    expect(parseAppfileTeams(text)).toEqual({ itc_team_name: 'Top Level' });
  });

  it('finds fastlane/Appfile in the working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'appfile-'));
    expect(readAppfileTeams(dir)).toBeUndefined();
    mkdirSync(join(dir, 'fastlane'));
    writeFileSync(join(dir, 'fastlane', 'Appfile'), 'team_id "ABCDE12345"\n');
    expect(readAppfileTeams(dir)).toEqual({
      path: join(dir, 'fastlane', 'Appfile'),
      values: { team_id: 'ABCDE12345' },
    });
  });
});

describe('fastlane too old for Apple sign-in', () => {
  it('warns below 2.225.0 with the fix for where the version comes from', () => {
    expect(oldFastlaneWarning('2.224.9', 'Gemfile.lock')).toMatch(
      /^fastlane 2\.224\.9 \(pinned in Gemfile\.lock\) is older than 2\.225\.0: .*503 Service Temporarily Unavailable.*`bundle update fastlane`/,
    );
    expect(oldFastlaneWarning('2.100.0', undefined)).toContain('(installed)');
    expect(oldFastlaneWarning('2.225.0.rc1', undefined)).toBeDefined();
  });

  it('stays quiet from 2.225.0 on and for unknown versions', () => {
    for (const version of ['2.225.0', '2.225.1', '2.228.0', '3.0.0', undefined, 'unknown'])
      expect(oldFastlaneWarning(version, 'Gemfile.lock')).toBeUndefined();
  });
});
