import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeProject } from '../index.ts';
import { SAMPLE_DIR, sampleFiles } from './fixtures/sample/generate.ts';
import { FIXTURES } from './support/files.ts';
import { captureLogger } from './support/logger.ts';

const RN = join(FIXTURES, 'react-native-template/ios/HelloWorld.xcodeproj');
const SAMPLE_PROJECT = join(SAMPLE_DIR, 'Sample.xcodeproj');
const SAMPLE_WORKSPACE = join(SAMPLE_DIR, 'Sample.xcworkspace');

describe('analyzeProject on the React Native template (@react-native-community/template)', () => {
  it('finds the app target, its bundle ID with the rfc1034identifier modifier, and the platform', () => {
    const { logger, output } = captureLogger();
    const analysis = analyzeProject({ projectPath: RN, scheme: 'HelloWorld', logger });
    expect(analysis.configuration).toBe('Release');
    expect(analysis.platform).toBe('iOS');
    expect(analysis.targets.map((t) => [t.name, t.bundleId, t.kind, t.isUITest])).toEqual([
      ['HelloWorld', 'org.reactjs.native.example.HelloWorld', 'app', false],
    ]);
    expect(analysis.mainTarget.entitlements).toEqual({});
    expect(analysis.mainTarget.codeSignStyle).toBe('Manual');
    expect(analysis.teamId).toBeUndefined();
    expect(analysis.xcodeManagedSigning).toBe(false);
    // CODE_SIGN_IDENTITY[sdk=iphoneos*] at project level applies to a device archive.
    expect(analysis.mainTarget.codeSignIdentity).toBe('iPhone Developer');
    // The CocoaPods xcconfig only exists after `pod install`: a warning, not a failure.
    expect(output()).toContain('xcconfig not found:');
    expect(output()).toContain('Pods-HelloWorld.release.xcconfig');
  });

  it('rejects a configuration override the target does not define', () => {
    expect(() => analyzeProject({ projectPath: RN, scheme: 'HelloWorld', configuration: 'Staging' })).toThrow(
      'build configuration (Staging) not defined for target: (HelloWorld)',
    );
  });

  it('reports a missing scheme', () => {
    expect(() => analyzeProject({ projectPath: RN, scheme: 'Nope' })).toThrow(
      /does not contain scheme \(Nope\)/,
    );
  });
});

describe('analyzeProject on the Sample fixture', () => {
  it('is generated from generate.ts', () => {
    for (const [path, text] of Object.entries(sampleFiles())) {
      expect(readFileSync(join(SAMPLE_DIR, path), 'utf8'), path).toBe(text);
    }
  });

  for (const [label, projectPath] of [
    ['project', SAMPLE_PROJECT],
    ['workspace (Pods skipped)', SAMPLE_WORKSPACE],
  ] as const) {
    it(`resolves the app, its extensions, watch app and App Clip through the ${label}`, () => {
      const { logger } = captureLogger();
      const analysis = analyzeProject({ projectPath, scheme: 'Sample', logger });
      expect(analysis.projectPath).toBe(SAMPLE_PROJECT);
      expect(analysis.workspacePath).toBe(projectPath === SAMPLE_WORKSPACE ? SAMPLE_WORKSPACE : undefined);
      expect(analysis.mainTarget.name).toBe('Sample');
      expect(analysis.targets.map((t) => [t.name, t.kind, t.bundleId, t.platform])).toEqual([
        ['Sample', 'app', 'com.example.sample', 'iOS'],
        ['ShareExtension', 'app-extension', 'com.example.sample.Share-Extension', 'iOS'],
        ['WatchApp', 'watch-app', 'com.example.sample.watchkitapp', 'watchOS'],
        [
          'WatchApp Extension',
          'watch-extension',
          'com.example.sample.watchkitapp.watchkitextension',
          'watchOS',
        ],
        ['SampleClip', 'app-clip', 'com.example.sample.Clip', 'iOS'],
        ['Widget', 'app-extension', 'com.example.sample.widget', 'iOS'],
      ]);
    });
  }

  it('reads team, signing style, and entitlements with iCloud containers expanded', () => {
    const { logger, output } = captureLogger();
    const analysis = analyzeProject({ projectPath: SAMPLE_PROJECT, scheme: 'Sample', logger });
    // A team ID of digits keeps its leading zero (the xcode package alone would make it 123456789).
    expect(analysis.teamId).toBe('0123456789');
    expect(analysis.targets.every((t) => t.teamId === '0123456789')).toBe(true);
    expect(analysis.mainTarget.codeSignStyle).toBe('Automatic');
    expect(analysis.xcodeManagedSigning).toBe(true);
    expect(analysis.mainTarget.entitlements).toEqual({
      'aps-environment': 'development',
      'com.apple.developer.associated-domains': ['applinks:$(ASSOCIATED_DOMAIN)'],
      'com.apple.developer.icloud-container-identifiers': ['iCloud.com.example.sample'],
      'com.apple.security.application-groups': ['group.com.example.sample'],
    });
    expect(output()).toContain('dropping iCloud container iCloud.$(NOT_DEFINED_ANYWHERE)');
    const clip = analysis.targets.find((t) => t.kind === 'app-clip')!;
    expect(clip.entitlements).toEqual({
      'com.apple.developer.parent-application-identifiers': ['$(AppIdentifierPrefix)com.example.sample'],
    });
    expect(analysis.targets.find((t) => t.name === 'ShareExtension')!.entitlementsPath).toBe(
      join(SAMPLE_DIR, 'ShareExtension/ShareExtension.entitlements'),
    );
  });

  it('adds the UITest target when asked, signed in all its configurations', () => {
    const analysis = analyzeProject({
      projectPath: SAMPLE_PROJECT,
      scheme: 'Sample',
      signUITestTargets: true,
    });
    const uiTests = analysis.targets.filter((t) => t.isUITest);
    expect(uiTests.map((t) => [t.name, t.bundleId, t.kind, t.configuration, t.configurations])).toEqual([
      ['SampleUITests', 'com.example.sample.uitests', 'ui-test', 'Release', ['Debug', 'Release']],
    ]);
    expect(analysis.targets.at(-1)!.isUITest).toBe(true);
  });

  it('validates a configuration override against every signed target', () => {
    expect(() =>
      analyzeProject({ projectPath: SAMPLE_PROJECT, scheme: 'Sample', configuration: 'Staging' }),
    ).toThrow('build configuration (Staging) not defined for target: (ShareExtension)');
    const debug = analyzeProject({ projectPath: SAMPLE_PROJECT, scheme: 'Sample', configuration: 'Debug' });
    expect(debug.configuration).toBe('Debug');
    // Debug has no entitlements file for the share extension.
    expect(debug.targets.find((t) => t.name === 'ShareExtension')!.entitlements).toEqual({});
  });

  it('exposes resolved build settings with their origin', () => {
    const analysis = analyzeProject({ projectPath: SAMPLE_PROJECT, scheme: 'Sample' });
    const settings = analysis.mainTarget.buildSettings;
    expect(settings.get('CODE_SIGN_STYLE')).toBe('Automatic');
    expect(settings.origin('CODE_SIGN_STYLE')).toBe('project xcconfig');
    expect(settings.get('PRODUCT_BUNDLE_IDENTIFIER')).toBe('com.example.sample');
    expect(settings.origin('PRODUCT_BUNDLE_IDENTIFIER')).toBe('target xcconfig');
    expect(settings.get('PLATFORM_DISPLAY_NAME')).toBe('iOS');
    expect(settings.get('SRCROOT')).toBe(SAMPLE_DIR);
    expect(settings.get('PRODUCT_MODULE_NAME')).toBe('Sample');
  });
});
