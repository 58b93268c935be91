import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forceManualSigningText } from '../index.ts';
import { PbxProject } from '../pbxproj/project.ts';
import { lineDiff } from './support/files.ts';

/**
 * A project whose values look like numbers. Xcode writes them bare, and a parser that types them
 * (the `xcode` package does) turns team `0123456789` into 123456789 and `1.10` into 1.1.
 */
const NUMERIC_SETTINGS = [
  '\t\t\t\tCURRENT_PROJECT_VERSION = 007;',
  '\t\t\t\tDEVELOPMENT_TEAM = 0123456789;',
  '\t\t\t\tMARKETING_VERSION = 1.10;',
  '\t\t\t\tOTHER_NUMBER = 1e3;',
  '\t\t\t\tPRODUCT_BUNDLE_IDENTIFIER = com.example.app;',
  '\t\t\t\tSOME_HEX = 0x1F;',
];
const PBXPROJ = [
  '// !$*UTF8*$!',
  '{',
  '\tarchiveVersion = 1;',
  '\tobjectVersion = 56;',
  '\tobjects = {',
  '',
  '/* Begin PBXBuildFile section */',
  '\t\tBF1 /* Ext.appex in Embed */ = {isa = PBXBuildFile; fileRef = FR2 /* Ext.appex */; };',
  '/* End PBXBuildFile section */',
  '\t\tCP1 /* Embed Foundation Extensions */ = {',
  '\t\t\tisa = PBXCopyFilesBuildPhase;',
  '\t\t\tfiles = (',
  '\t\t\t\tBF1 /* Ext.appex in Embed */,',
  '\t\t\t);',
  '\t\t};',
  '\t\tD1 = {isa = PBXTargetDependency; target = T2 /* Ext */; };',
  '\t\tFR1 /* App.app */ = {isa = PBXFileReference; path = App.app; sourceTree = BUILT_PRODUCTS_DIR; };',
  '\t\tFR2 /* Ext.appex */ = {isa = PBXFileReference; path = Ext.appex; sourceTree = BUILT_PRODUCTS_DIR; };',
  '\t\tP /* Project object */ = {',
  '\t\t\tisa = PBXProject;',
  '\t\t\tattributes = {',
  '\t\t\t\tTargetAttributes = {',
  '\t\t\t\t\tT1 = {',
  '\t\t\t\t\t\tCreatedOnToolsVersion = 15.0;',
  '\t\t\t\t\t\tDevelopmentTeam = 0123456789;',
  '\t\t\t\t\t\tProvisioningStyle = Automatic;',
  '\t\t\t\t\t};',
  '\t\t\t\t};',
  '\t\t\t};',
  '\t\t\tbuildConfigurationList = PL;',
  '\t\t\tprojectDirPath = "";',
  '\t\t\ttargets = (',
  '\t\t\t\tT1 /* App */,',
  '\t\t\t\tT2 /* Ext */,',
  '\t\t\t);',
  '\t\t};',
  '\t\tT1 /* App */ = {',
  '\t\t\tisa = PBXNativeTarget;',
  '\t\t\tbuildConfigurationList = L1;',
  '\t\t\tbuildPhases = (',
  '\t\t\t\tCP1 /* Embed Foundation Extensions */,',
  '\t\t\t);',
  '\t\t\tdependencies = (',
  '\t\t\t\tD1,',
  '\t\t\t);',
  '\t\t\tname = App;',
  '\t\t\tproductReference = FR1 /* App.app */;',
  '\t\t\tproductType = "com.apple.product-type.application";',
  '\t\t};',
  '\t\tT2 /* Ext */ = {isa = PBXNativeTarget; buildConfigurationList = L2; name = Ext; productReference = FR2; productType = "com.apple.product-type.app-extension"; };',
  '\t\tC1 /* Debug */ = {',
  '\t\t\tisa = XCBuildConfiguration;',
  '\t\t\tbuildSettings = {',
  ...NUMERIC_SETTINGS,
  '\t\t\t};',
  '\t\t\tname = Debug;',
  '\t\t};',
  '\t\tC2 /* Release */ = {',
  '\t\t\tisa = XCBuildConfiguration;',
  '\t\t\tbuildSettings = {',
  ...NUMERIC_SETTINGS,
  '\t\t\t};',
  '\t\t\tname = Release;',
  '\t\t};',
  '\t\tC3 = {isa = XCBuildConfiguration; buildSettings = {SDKROOT = iphoneos; }; name = Release; };',
  '\t\tC4 = {isa = XCBuildConfiguration; buildSettings = {}; name = Release; };',
  '\t\tL1 = {isa = XCConfigurationList; buildConfigurations = (C1, C2, ); defaultConfigurationName = Release; };',
  '\t\tL2 = {isa = XCConfigurationList; buildConfigurations = (C4, ); defaultConfigurationName = Release; };',
  '\t\tPL = {isa = XCConfigurationList; buildConfigurations = (C3, ); defaultConfigurationName = Release; };',
  '\t};',
  '\trootObject = P /* Project object */;',
  '}',
  '',
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'pbxproj-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeProject(text: string): string {
  const project = join(dir, `${Math.random().toString(36).slice(2)}`, 'App.xcodeproj');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'project.pbxproj'), text);
  return project;
}

describe('PbxProject reads the object graph from the OpenStep tree', () => {
  const project = PbxProject.load(writeProject(PBXPROJ));

  it('lists targets with product, dependencies and embedded targets', () => {
    expect(project.name).toBe('App');
    expect(project.targets()).toEqual([
      {
        id: 'T1',
        name: 'App',
        productType: 'com.apple.product-type.application',
        productFile: 'App.app',
        productReference: 'FR1',
        buildConfigurationList: 'L1',
        dependencyIds: ['T2'],
        embeddedIds: ['T2'],
      },
      {
        id: 'T2',
        name: 'Ext',
        productType: 'com.apple.product-type.app-extension',
        productFile: 'Ext.appex',
        productReference: 'FR2',
        buildConfigurationList: 'L2',
        dependencyIds: [],
        embeddedIds: [],
      },
    ]);
  });

  it('keeps numeric-looking build settings and attributes as the text Xcode wrote', () => {
    const [debug, release] = project.configurations('L1');
    const expected = {
      CURRENT_PROJECT_VERSION: '007',
      DEVELOPMENT_TEAM: '0123456789',
      MARKETING_VERSION: '1.10',
      OTHER_NUMBER: '1e3',
      PRODUCT_BUNDLE_IDENTIFIER: 'com.example.app',
      SOME_HEX: '0x1F',
    };
    expect(debug).toMatchObject({ id: 'C1', name: 'Debug', buildSettings: expected });
    expect(release).toMatchObject({ id: 'C2', name: 'Release', buildSettings: expected });
    expect(project.targetAttributes('T1')).toEqual({
      CreatedOnToolsVersion: '15.0',
      DevelopmentTeam: '0123456789',
      ProvisioningStyle: 'Automatic',
    });
    expect(project.targetAttributes('T2')).toEqual({});
  });

  it('reads project configurations and a list’s default configuration', () => {
    expect(project.projectConfigurations()).toEqual([
      { id: 'C3', name: 'Release', buildSettings: { SDKROOT: 'iphoneos' }, xcconfigPath: undefined },
    ]);
    expect(project.defaultConfigurationName('L1')).toBe('Release');
  });
});

describe('force manual signing leaves numeric-looking values byte for byte', () => {
  it('edits only the signing keys of the chosen configuration; team 0123456789 and the rest survive', () => {
    const edited = forceManualSigningText(PBXPROJ, [
      {
        target: 'App',
        configurations: ['Release'],
        teamId: '0123456789',
        codeSignIdentity: 'Apple Distribution',
        profileUuid: '11111111-2222-3333-4444-555555555555',
      },
    ]);
    const diff = lineDiff(PBXPROJ, edited);
    // DEVELOPMENT_TEAM and DevelopmentTeam already hold 0123456789: not a byte of them changes.
    expect(diff.removed).toEqual(['\t\t\t\t\t\tProvisioningStyle = Automatic;']);
    expect(diff.added).toEqual([
      '\t\t\t\t\t\tProvisioningStyle = Manual;',
      '\t\t\t\tCODE_SIGN_IDENTITY = "Apple Distribution";',
      '\t\t\t\t"CODE_SIGN_IDENTITY[sdk=iphoneos*]" = "Apple Distribution";',
      '\t\t\t\tCODE_SIGN_STYLE = Manual;',
      '\t\t\t\tPROVISIONING_PROFILE = "11111111-2222-3333-4444-555555555555";',
      '\t\t\t\tPROVISIONING_PROFILE_SPECIFIER = "";',
    ]);
    for (const line of NUMERIC_SETTINGS) expect(edited.split(line).length - 1).toBe(2);
    expect(edited).toContain('\t\t\t\t\t\tDevelopmentTeam = 0123456789;\n');

    // Another team written over it is written as Xcode writes it: bare digits, leading zero kept.
    const other = forceManualSigningText(edited, [
      {
        target: 'App',
        configurations: ['Debug'],
        teamId: '0012345678',
        codeSignIdentity: 'Apple Development',
        profileUuid: '11111111-2222-3333-4444-555555555555',
      },
    ]);
    expect(lineDiff(edited, other).removed).toEqual([
      '\t\t\t\t\t\tDevelopmentTeam = 0123456789;',
      '\t\t\t\tDEVELOPMENT_TEAM = 0123456789;',
    ]);
    expect(other).toContain('\t\t\t\t\t\tDevelopmentTeam = 0012345678;\n');
    expect(other).toContain('\t\t\t\tDEVELOPMENT_TEAM = 0012345678;\n');
    const reread = PbxProject.load(writeProject(other));
    expect(reread.configurations('L1').map((c) => c.buildSettings['DEVELOPMENT_TEAM'])).toEqual([
      '0012345678',
      '0123456789',
    ]);
    expect(reread.targetAttributes('T1')['DevelopmentTeam']).toBe('0012345678');
  });
});
