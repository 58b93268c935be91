import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import xcode from 'xcode';
import { analyzeProject, forceManualSigning, forceManualSigningText } from '../index.ts';
import { FIXTURES, lineDiff } from './support/files.ts';

const RN_PBXPROJ = join(FIXTURES, 'react-native-template/ios/HelloWorld.xcodeproj/project.pbxproj');

const assets = {
  teamId: 'ABCDE12345',
  codeSignIdentity: '0123456789ABCDEF0123456789ABCDEF01234567',
  profileUuid: '11111111-2222-3333-4444-555555555555',
};

function parseWithXcode(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'pbx-'));
  try {
    const file = join(dir, 'project.pbxproj');
    writeFileSync(file, text);
    const project = xcode.project(file);
    project.parseSync();
    return project.hash.project.objects as Record<string, Record<string, Record<string, unknown>>>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('forceManualSigningText on the React Native template', () => {
  const original = readFileSync(RN_PBXPROJ, 'utf8');

  it('changes only the signing lines of the chosen configuration and TargetAttributes', () => {
    const edited = forceManualSigningText(original, [
      { target: 'HelloWorld', configurations: ['Release'], ...assets },
    ]);
    const diff = lineDiff(original, edited);
    expect(diff.removed).toEqual([]);
    expect(diff.added).toEqual([
      '\t\t\t\t\t\tDevelopmentTeam = ABCDE12345;',
      '\t\t\t\t\t\tProvisioningStyle = Manual;',
      '\t\t\t\tCODE_SIGN_IDENTITY = 0123456789ABCDEF0123456789ABCDEF01234567;',
      '\t\t\t\t"CODE_SIGN_IDENTITY[sdk=iphoneos*]" = 0123456789ABCDEF0123456789ABCDEF01234567;',
      '\t\t\t\tCODE_SIGN_STYLE = Manual;',
      '\t\t\t\tDEVELOPMENT_TEAM = ABCDE12345;',
      '\t\t\t\tPROVISIONING_PROFILE = "11111111-2222-3333-4444-555555555555";',
      '\t\t\t\tPROVISIONING_PROFILE_SPECIFIER = "";',
    ]);
    // Inserted where Xcode would sort them, right after the line before.
    expect(edited).toContain(
      '\t\t\t\tCLANG_ENABLE_MODULES = YES;\n\t\t\t\tCODE_SIGN_IDENTITY = 0123456789ABCDEF0123456789ABCDEF01234567;\n',
    );
    expect(edited).toContain(
      '\t\t\t\t\t13B07F861A680F5B00A75B9A = {\n\t\t\t\t\t\tDevelopmentTeam = ABCDE12345;\n\t\t\t\t\t\tLastSwiftMigration = 1120;\n\t\t\t\t\t\tProvisioningStyle = Manual;\n\t\t\t\t\t};',
    );
  });

  it('produces a project the xcode package parses, with the values in the right configuration', () => {
    const edited = forceManualSigningText(original, [
      { target: 'HelloWorld', configurations: ['Release'], ...assets },
    ]);
    const objects = parseWithXcode(edited);
    const release = objects['XCBuildConfiguration']!['13B07F951A680F5B00A75B9A']!['buildSettings'] as Record<
      string,
      unknown
    >;
    const debug = objects['XCBuildConfiguration']!['13B07F941A680F5B00A75B9A']!['buildSettings'] as Record<
      string,
      unknown
    >;
    expect(release['CODE_SIGN_STYLE']).toBe('Manual');
    expect(release['DEVELOPMENT_TEAM']).toBe('ABCDE12345');
    expect(release['PROVISIONING_PROFILE']).toBe('"11111111-2222-3333-4444-555555555555"');
    expect(release['"CODE_SIGN_IDENTITY[sdk=iphoneos*]"']).toBe(assets.codeSignIdentity);
    expect(debug['CODE_SIGN_STYLE']).toBeUndefined();
    const project = Object.values(objects['PBXProject']!).find((v) => typeof v === 'object') as Record<
      string,
      unknown
    >;
    const attrs = (project['attributes'] as Record<string, Record<string, Record<string, unknown>>>)[
      'TargetAttributes'
    ]!;
    expect(attrs['13B07F861A680F5B00A75B9A']).toMatchObject({
      ProvisioningStyle: 'Manual',
      DevelopmentTeam: 'ABCDE12345',
    });
  });

  it('is idempotent and replaces existing values in place', () => {
    const once = forceManualSigningText(original, [
      { target: 'HelloWorld', configurations: ['Release'], ...assets },
    ]);
    expect(
      forceManualSigningText(once, [{ target: 'HelloWorld', configurations: ['Release'], ...assets }]),
    ).toBe(once);
    const other = forceManualSigningText(once, [
      { target: 'HelloWorld', configurations: ['Release'], ...assets, teamId: 'ZZZZZ99999' },
    ]);
    const diff = lineDiff(once, other);
    expect(diff.removed).toEqual([
      '\t\t\t\t\t\tDevelopmentTeam = ABCDE12345;',
      '\t\t\t\tDEVELOPMENT_TEAM = ABCDE12345;',
    ]);
    expect(diff.added).toEqual([
      '\t\t\t\t\t\tDevelopmentTeam = ZZZZZ99999;',
      '\t\t\t\tDEVELOPMENT_TEAM = ZZZZZ99999;',
    ]);
  });

  it('fails with the upstream message for an unknown configuration or target', () => {
    expect(() =>
      forceManualSigningText(original, [{ target: 'HelloWorld', configurations: ['Staging'], ...assets }]),
    ).toThrow('build configuration (Staging) not defined for target: (HelloWorld)');
    expect(() =>
      forceManualSigningText(original, [{ target: 'Nope', configurations: ['Release'], ...assets }]),
    ).toThrow('target (Nope) not found');
  });
});

describe('forceManualSigningText edge cases', () => {
  it('overwrites existing conditional variants and handles empty and single-line dictionaries', () => {
    const text = [
      '// !$*UTF8*$!',
      '{',
      '\tobjects = {',
      '\t\tC1 = {isa = XCBuildConfiguration; buildSettings = {"PROVISIONING_PROFILE[sdk=iphoneos*]" = old; }; name = Release; };',
      '\t\tC2 = {',
      '\t\t\tisa = XCBuildConfiguration;',
      '\t\t\tbuildSettings = {',
      '\t\t\t};',
      '\t\t\tname = Release;',
      '\t\t};',
      '\t\tL1 = {isa = XCConfigurationList; buildConfigurations = (C1, ); };',
      '\t\tL2 = {isa = XCConfigurationList; buildConfigurations = (C2, ); };',
      '\t\tT1 = {isa = PBXNativeTarget; buildConfigurationList = L1; name = One; };',
      '\t\tT2 = {isa = PBXNativeTarget; buildConfigurationList = L2; name = "Two Words"; };',
      '\t};',
      '\trootObject = P;',
      '}',
      '',
    ].join('\n');
    const edited = forceManualSigningText(text, [
      { target: 'One', configurations: ['Release'], ...assets },
      { target: 'Two Words', configurations: ['Release'], ...assets, sdk: 'appletvos*' },
    ]);
    expect(edited).toContain(
      '\t\tC1 = {isa = XCBuildConfiguration; buildSettings = {"PROVISIONING_PROFILE[sdk=iphoneos*]" = "11111111-2222-3333-4444-555555555555"; ',
    );
    expect(edited).toContain('\t\t\tbuildSettings = {\n\t\t\t\tCODE_SIGN_IDENTITY = ');
    expect(edited).toContain('\t\t\t\t"CODE_SIGN_IDENTITY[sdk=appletvos*]" = ');
    expect(edited).toContain('\t\t\t\tPROVISIONING_PROFILE_SPECIFIER = "";\n\t\t\t};\n\t\t\tname = Release;');
    // Without section comments the xcode package keeps objects ungrouped, keyed by ID.
    const objects = parseWithXcode(edited) as unknown as Record<string, Record<string, unknown>>;
    expect(objects['C1']!['buildSettings']).toMatchObject({
      CODE_SIGN_STYLE: 'Manual',
      PROVISIONING_PROFILE: '"11111111-2222-3333-4444-555555555555"',
    });
  });

  it('writes the project file on disk and reports whether it changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'force-'));
    try {
      const project = join(dir, 'HelloWorld.xcodeproj');
      cpSync(join(FIXTURES, 'react-native-template/ios/HelloWorld.xcodeproj'), project, { recursive: true });
      const targets = [{ target: 'HelloWorld', configurations: ['Debug', 'Release'], ...assets }];
      expect(forceManualSigning(project, targets)).toBe(true);
      expect(forceManualSigning(project, targets)).toBe(false);
      expect(
        readFileSync(join(project, 'project.pbxproj'), 'utf8').match(/CODE_SIGN_STYLE = Manual;/g),
      ).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('analyze, force manual signing, analyze again (Sample fixture)', () => {
  it('switches every signed target, UITests in all configurations, and the project still analyses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sample-'));
    try {
      cpSync(join(FIXTURES, 'sample'), dir, { recursive: true });
      const projectPath = join(dir, 'Sample.xcodeproj');
      const before = analyzeProject({ projectPath, scheme: 'Sample', signUITestTargets: true });
      expect(before.xcodeManagedSigning).toBe(true);
      const original = readFileSync(before.pbxprojPath, 'utf8');
      forceManualSigning(
        projectPath,
        before.targets.map((t) => ({
          target: t.name,
          configurations: t.isUITest ? t.configurations : [before.configuration],
          sdk: t.platform === 'watchOS' ? 'watchos*' : 'iphoneos*',
          ...assets,
          teamId: 'ZZZZZ99999',
        })),
      );
      const after = analyzeProject({ projectPath, scheme: 'Sample', signUITestTargets: true });
      for (const target of after.targets) {
        expect([target.name, target.codeSignStyle, target.teamId, target.codeSignIdentity]).toEqual([
          target.name,
          'Manual',
          'ZZZZZ99999',
          assets.codeSignIdentity,
        ]);
        expect(target.buildSettings.get('PROVISIONING_PROFILE')).toBe(assets.profileUuid);
      }
      expect(after.targets.map((t) => t.bundleId)).toEqual(before.targets.map((t) => t.bundleId));
      const diff = lineDiff(original, readFileSync(before.pbxprojPath, 'utf8'));
      // Only signing keys changed: nothing removed but the Automatic style and the old team.
      expect(diff.removed).toEqual([
        '\t\t\t\t\t\tDevelopmentTeam = 0123456789;',
        '\t\t\t\t\t\tProvisioningStyle = Automatic;',
      ]);
      expect(
        diff.added.every(
          (line) =>
            /^\t+("?(CODE_SIGN_IDENTITY|CODE_SIGN_STYLE|DEVELOPMENT_TEAM|PROVISIONING_PROFILE(_SPECIFIER)?)(\[sdk=[a-z]+\*\])?"?|DevelopmentTeam|ProvisioningStyle|[0-9A-F]{24}) = /.test(
              line,
            ) || /^\t+};$/.test(line),
        ),
      ).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
