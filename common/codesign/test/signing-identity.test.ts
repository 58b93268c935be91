import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entitlementsPlist, generateProject } from '../../../testkit/fixtures/xcode-project.ts';
import { analyzeProject } from '../index.ts';

const root = mkdtempSync(join(tmpdir(), 'signing-identity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const dir = () => join(root, String(counter++));

const NEW_TEAM = 'NEWTEAM456';
const SHA1 = 'A'.repeat(40);

describe('the identity a target is signed for is the one it builds with', () => {
  it('resolves a bundle ID built from $(DEVELOPMENT_TEAM) with the team the Step sets', () => {
    const p = generateProject({
      dir: dir(),
      settings: { app: { PRODUCT_BUNDLE_IDENTIFIER: 'com.example.$(DEVELOPMENT_TEAM).app' } },
    });
    const asIs = analyzeProject({ projectPath: p.projectPath, scheme: p.scheme });
    expect(asIs.mainTarget.bundleId).toBe('com.example.OLDTEAM123.app');
    const signed = analyzeProject({
      projectPath: p.projectPath,
      scheme: p.scheme,
      signing: { teamId: NEW_TEAM, codeSignIdentity: SHA1 },
    });
    expect(signed.mainTarget.bundleId).toBe(`com.example.${NEW_TEAM}.app`);
    expect(signed.mainTarget.variants.map((v) => v.bundleId)).toEqual([`com.example.${NEW_TEAM}.app`]);
    // The rest of the analysis still tells how the project signs now.
    expect(signed.mainTarget.teamId).toBe('OLDTEAM123');
    expect(signed.mainTarget.codeSignStyle).toBe('Automatic');
    expect(signed.mainTarget.buildSettings.get('DEVELOPMENT_TEAM')).toBe(NEW_TEAM);
    expect(signed.mainTarget.buildSettings.get('CODE_SIGN_IDENTITY')).toBe(SHA1);
  });

  it("follows Apple's sample-code xcconfig: the disambiguator is the team, empty until it is known", () => {
    const p = generateProject({
      dir: dir(),
      teamId: '""',
      files: { 'Configuration/SampleCode.xcconfig': 'SAMPLE_CODE_DISAMBIGUATOR=${DEVELOPMENT_TEAM}\n' },
      xcconfigs: { project: 'Configuration/SampleCode.xcconfig' },
      settings: {
        app: {
          PRODUCT_BUNDLE_IDENTIFIER: 'com.example.apple-samplecode.Hello${SAMPLE_CODE_DISAMBIGUATOR}',
        },
      },
    });
    expect(analyzeProject({ projectPath: p.projectPath, scheme: p.scheme }).mainTarget.bundleId).toBe(
      'com.example.apple-samplecode.Hello',
    );
    const signed = analyzeProject({
      projectPath: p.projectPath,
      scheme: p.scheme,
      signing: { teamId: NEW_TEAM },
    });
    expect(signed.mainTarget.bundleId).toBe(`com.example.apple-samplecode.Hello${NEW_TEAM}`);
  });

  it('reads xcconfig settings keyed on the signing style, as they are after switching to Manual', () => {
    const p = generateProject({
      dir: dir(),
      files: {
        'Config/App.xcconfig': [
          '#include "Shared.xcconfig"',
          'BUNDLE_SUFFIX_Automatic = .dev',
          'BUNDLE_SUFFIX_Manual = .ci',
          'PRODUCT_BUNDLE_IDENTIFIER = $(BASE_ID)$(BUNDLE_SUFFIX_$(CODE_SIGN_STYLE))',
          'CODE_SIGN_ENTITLEMENTS = App/App-$(CODE_SIGN_STYLE:lower).entitlements',
          '',
        ].join('\n'),
        'Config/Shared.xcconfig': 'BASE_ID = io.example.$(PRODUCT_NAME:rfc1034identifier:lower)\n',
        'App/App-automatic.entitlements': entitlementsPlist({ 'aps-environment': 'development' }),
        'App/App-manual.entitlements': entitlementsPlist({
          'aps-environment': 'production',
          'com.apple.developer.icloud-services': ['CloudKit'],
          'com.apple.developer.icloud-container-identifiers': ['iCloud.$(CFBundleIdentifier)'],
        }),
      },
      xcconfigs: { app: 'Config/App.xcconfig' },
      settings: { app: { PRODUCT_BUNDLE_IDENTIFIER: null } },
    });
    const asIs = analyzeProject({ projectPath: p.projectPath, scheme: p.scheme });
    expect(asIs.mainTarget.bundleId).toBe('io.example.app.dev');
    expect(asIs.mainTarget.entitlements).toEqual({ 'aps-environment': 'development' });
    const signed = analyzeProject({ projectPath: p.projectPath, scheme: p.scheme, signing: {} });
    expect(signed.mainTarget.bundleId).toBe('io.example.app.ci');
    expect(signed.mainTarget.entitlements).toEqual({
      'aps-environment': 'production',
      'com.apple.developer.icloud-services': ['CloudKit'],
      'com.apple.developer.icloud-container-identifiers': ['iCloud.io.example.app.ci'],
    });
    expect(signed.mainTarget.buildSettings.origin('PRODUCT_BUNDLE_IDENTIFIER')).toBe('target xcconfig');
  });

  it('resolves per configuration: the archive configuration decides, a conditional one included', () => {
    const p = generateProject({
      dir: dir(),
      files: {
        'Config/App.xcconfig':
          'PRODUCT_BUNDLE_IDENTIFIER = io.example.app.debug\nPRODUCT_BUNDLE_IDENTIFIER[config=Release] = io.example.app\n',
      },
      xcconfigs: { app: 'Config/App.xcconfig' },
      settings: { app: { PRODUCT_BUNDLE_IDENTIFIER: null }, appRelease: { DEVELOPMENT_TEAM: 'RELEASE123' } },
    });
    const release = analyzeProject({ projectPath: p.projectPath, scheme: p.scheme, signing: {} });
    expect([release.configuration, release.mainTarget.bundleId, release.mainTarget.teamId]).toEqual([
      'Release',
      'io.example.app',
      'RELEASE123',
    ]);
    const debug = analyzeProject({ projectPath: p.projectPath, scheme: p.scheme, configuration: 'Debug' });
    expect([debug.mainTarget.bundleId, debug.mainTarget.teamId]).toEqual([
      'io.example.app.debug',
      'OLDTEAM123',
    ]);
  });

  it('replaces conditional team variants, as forcing manual signing overwrites them', () => {
    const p = generateProject({
      dir: dir(),
      settings: {
        app: {
          'DEVELOPMENT_TEAM[sdk=iphoneos*]': 'SDKTEAM999',
          PRODUCT_BUNDLE_IDENTIFIER: 'io.example.$(DEVELOPMENT_TEAM:lower)',
        },
      },
    });
    expect(analyzeProject({ projectPath: p.projectPath, scheme: p.scheme }).mainTarget.bundleId).toBe(
      'io.example.sdkteam999',
    );
    const signed = analyzeProject({
      projectPath: p.projectPath,
      scheme: p.scheme,
      signing: { teamId: NEW_TEAM },
    });
    expect(signed.mainTarget.bundleId).toBe('io.example.newteam456');
  });

  it('keeps a bundle ID that needs the unknown team, marked, instead of failing; fails once the team is known to be empty', () => {
    const p = generateProject({
      dir: dir(),
      teamId: '""',
      settings: { app: { PRODUCT_BUNDLE_IDENTIFIER: 'com.$(DEVELOPMENT_TEAM).app' } },
    });
    const early = analyzeProject({
      projectPath: p.projectPath,
      scheme: p.scheme,
      signing: {},
      teamUnknown: true,
    });
    expect(early.mainTarget.variants[0]).toMatchObject({ bundleId: 'com..app', awaitsTeam: true });
    expect(() => analyzeProject({ projectPath: p.projectPath, scheme: p.scheme, signing: {} })).toThrow(
      'invalid bundle ID (com..app) of target (App) from PRODUCT_BUNDLE_IDENTIFIER',
    );
    const signed = analyzeProject({
      projectPath: p.projectPath,
      scheme: p.scheme,
      signing: { teamId: NEW_TEAM },
    });
    expect(signed.mainTarget.bundleId).toBe(`com.${NEW_TEAM}.app`);
    expect(signed.mainTarget.variants[0]!.awaitsTeam).toBeUndefined();
  });
});
