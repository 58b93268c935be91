import { describe, expect, it } from 'vitest';
import { reviewEntitlements } from '../src/entitlements.ts';
import {
  certificateTypes,
  deviceClassesFor,
  noProfileTypeReason,
  PROFILE_FAMILY,
  PROFILE_TYPES,
  platformLabel,
  profileExtension,
} from '../src/platforms.ts';

describe('Apple platform facts (../shared/reference/apple-platforms.md)', () => {
  it('signs watchOS and visionOS with iOS profiles; macOS and Catalyst have their own, without ad hoc', () => {
    expect(PROFILE_TYPES[PROFILE_FAMILY.watchOS].development).toBe('IOS_APP_DEVELOPMENT');
    expect(PROFILE_TYPES[PROFILE_FAMILY.visionOS]['ad-hoc']).toBe('IOS_APP_ADHOC');
    expect(PROFILE_TYPES[PROFILE_FAMILY.tvOS].enterprise).toBe('TVOS_APP_INHOUSE');
    expect(PROFILE_TYPES[PROFILE_FAMILY.macOS]['developer-id']).toBe('MAC_APP_DIRECT');
    expect(PROFILE_TYPES[PROFILE_FAMILY['Mac Catalyst']]['app-store']).toBe('MAC_CATALYST_APP_STORE');
    expect(PROFILE_TYPES.macOS['ad-hoc']).toBeUndefined();
    expect(PROFILE_TYPES.iOS['developer-id']).toBeUndefined();
    expect(noProfileTypeReason('macOS', 'ad-hoc')).toContain('developer-id');
  });

  it('takes the certificate types fastlane sigh lists per profile type', () => {
    expect(certificateTypes('iOS', 'development')).toEqual(['DEVELOPMENT', 'IOS_DEVELOPMENT']);
    expect(certificateTypes('Mac Catalyst', 'development')).toEqual(['DEVELOPMENT', 'MAC_APP_DEVELOPMENT']);
    expect(certificateTypes('macOS', 'app-store')).toEqual(['DISTRIBUTION', 'MAC_APP_DISTRIBUTION']);
    expect(certificateTypes('macOS', 'developer-id')).toEqual([
      'DEVELOPER_ID_APPLICATION',
      'DEVELOPER_ID_APPLICATION_G2',
    ]);
  });

  it('narrows devices to the targets’ families within what the profile type takes', () => {
    expect(deviceClassesFor('iOS', [])).toEqual([
      'IPHONE',
      'IPAD',
      'IPOD',
      'APPLE_WATCH',
      'APPLE_VISION_PRO',
    ]);
    expect(deviceClassesFor('iOS', [1])).toEqual(['IPHONE', 'IPAD', 'IPOD']);
    expect(deviceClassesFor('iOS', [4])).toEqual(['APPLE_WATCH']);
    expect(deviceClassesFor('iOS', [7])).toEqual(['APPLE_VISION_PRO']);
    // No Apple TV in an iOS profile, whatever the project says.
    expect(deviceClassesFor('iOS', [3])).toEqual([
      'IPHONE',
      'IPAD',
      'IPOD',
      'APPLE_WATCH',
      'APPLE_VISION_PRO',
    ]);
    expect(deviceClassesFor('tvOS', [1, 2])).toEqual(['APPLE_TV']);
    expect(deviceClassesFor('Mac Catalyst', [1, 2, 6])).toContain('MAC');
  });

  it('names files and platforms as Xcode expects', () => {
    expect(profileExtension('macOS')).toBe('provisionprofile');
    expect(profileExtension('Mac Catalyst')).toBe('provisionprofile');
    expect(profileExtension('tvOS')).toBe('mobileprovision');
    expect(platformLabel('iOS', [2])).toBe('iPadOS');
    expect(platformLabel('iOS', [1, 2])).toBe('iOS');
  });
});

describe('entitlement review', () => {
  const keys = (entitlements: Record<string, unknown>) =>
    reviewEntitlements(entitlements, 'io.example.app').notes.map((n) => n.key);

  it('warns about approval-only, portal-only and unknown keys only', () => {
    expect(
      keys({
        'com.apple.developer.contacts.notes': true,
        'com.apple.developer.exposure-notification': true,
        'com.apple.developer.usernotifications.time-sensitive': true,
        'com.apple.developer.something-new': true,
        'aps-environment': 'production',
        'com.apple.security.app-sandbox': true,
        'com.apple.security.application-groups': ['group.x'],
        'com.apple.developer.ubiquity-kvstore-identifier': '$(TeamIdentifierPrefix)$(CFBundleIdentifier)',
        'keychain-access-groups': [],
      }),
    ).toEqual([
      'com.apple.developer.contacts.notes',
      'com.apple.developer.exposure-notification',
      'com.apple.developer.usernotifications.time-sensitive',
      'com.apple.developer.something-new',
    ]);
  });

  it('turns an unknown data protection level into a warning, not a failure', () => {
    const review = reviewEntitlements(
      { 'com.apple.developer.default-data-protection': 'Sometimes' },
      'io.example.app',
    );
    expect(review.capabilities).toEqual([]);
    expect(review.notes[0]!.message).toContain('unsupported data protection level (Sometimes)');
  });
});
