import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bundleInstallCommand,
  fastlaneCommand,
  installFastlaneCommand,
  parseGemfileLock,
  readGemfileLock,
  rehashCommand,
} from '../index.ts';

const LOCK = `GEM
  remote: https://rubygems.org/
  specs:
    CFPropertyList (3.0.7)
    fastlane (2.228.0)
      CFPropertyList (>= 2.3, < 4.0.0)
      fastlane-sirp (>= 1.0.0)
    fastlane-sirp (1.0.0)

PLATFORMS
  arm64-darwin-23

DEPENDENCIES
  fastlane (~> 2.228)

BUNDLED WITH
   2.5.11
`;

/** A PATH holding only a `ruby` executable in the given folder. */
function pathWithRubyIn(dir: string): string {
  const bin = join(mkdtempSync(join(tmpdir(), 'ruby-')), dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'ruby'), '#!/bin/sh\n');
  chmodSync(join(bin, 'ruby'), 0o755);
  return bin;
}

describe('Gemfile.lock', () => {
  it('reads the locked fastlane version, not a dependency constraint, and BUNDLED WITH', () => {
    expect(parseGemfileLock(LOCK)).toEqual({ fastlaneVersion: '2.228.0', bundlerVersion: '2.5.11' });
    expect(parseGemfileLock(LOCK.replace('    fastlane (2.228.0)\n', ''))).toEqual({
      fastlaneVersion: undefined,
      bundlerVersion: '2.5.11',
    });
  });

  it('prefers Gemfile.lock over gems.locked, and reports neither as undefined', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    expect(readGemfileLock(dir)).toBeUndefined();
    writeFileSync(join(dir, 'gems.locked'), LOCK);
    expect(readGemfileLock(dir)?.path).toBe(join(dir, 'gems.locked'));
    writeFileSync(join(dir, 'Gemfile.lock'), LOCK.replace('2.228.0', '2.229.1'));
    expect(readGemfileLock(dir)).toEqual({
      path: join(dir, 'Gemfile.lock'),
      fastlaneVersion: '2.229.1',
      bundlerVersion: '2.5.11',
    });
  });
});

describe('fastlane commands', () => {
  const plain = { PATH: pathWithRubyIn('opt/ruby') };

  it('starts fastlane through the pinned bundler, a pinned gem or as installed', () => {
    expect(fastlaneCommand({ kind: 'bundler', bundlerVersion: '2.5.11' }, ['ios', 'beta'])).toEqual({
      tool: 'bundle',
      args: ['_2.5.11_', 'exec', 'fastlane', 'ios', 'beta'],
    });
    expect(fastlaneCommand({ kind: 'bundler' }, ['env'])).toEqual({
      tool: 'bundle',
      args: ['exec', 'fastlane', 'env'],
    });
    expect(fastlaneCommand({ kind: 'gem-version', version: '2.220.0' }, ['deliver'])).toEqual({
      tool: 'fastlane',
      args: ['_2.220.0_', 'deliver'],
    });
    expect(fastlaneCommand({ kind: 'installed' }, ['--version'])).toEqual({
      tool: 'fastlane',
      args: ['--version'],
    });
  });

  it('installs a version, the latest prerelease or the latest release', () => {
    expect(installFastlaneCommand('2.220.0', plain).args).toEqual([
      'install',
      'fastlane',
      '--no-document',
      '-v',
      '2.220.0',
    ]);
    expect(installFastlaneCommand(undefined, plain, true).args).toEqual([
      'install',
      'fastlane',
      '--no-document',
      '--prerelease',
    ]);
    expect(installFastlaneCommand(undefined, plain)).toEqual({
      tool: 'gem',
      args: ['install', 'fastlane', '--no-document'],
    });
  });

  it('uses sudo for installs only with the system Ruby', () => {
    const system = { PATH: '/usr/bin' };
    expect(bundleInstallCommand('2.5.11', system)).toEqual({
      tool: 'sudo',
      args: ['bundle', '_2.5.11_', 'install', '--jobs', '20', '--retry', '5'],
    });
    expect(bundleInstallCommand(undefined, plain)).toEqual({
      tool: 'bundle',
      args: ['install', '--jobs', '20', '--retry', '5'],
    });
  });

  it('rehashes rbenv and asdf shims only', () => {
    expect(rehashCommand({ PATH: pathWithRubyIn('.rbenv/shims') })).toEqual({
      tool: 'rbenv',
      args: ['rehash'],
    });
    expect(rehashCommand({ PATH: pathWithRubyIn('.asdf/shims') })).toEqual({
      tool: 'asdf',
      args: ['reshim', 'ruby'],
    });
    expect(rehashCommand(plain)).toBeUndefined();
  });
});
