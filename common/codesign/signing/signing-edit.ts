import type { Setting } from '../build-settings/setting.ts';

/**
 * The build settings forcing manual signing writes into a target's configuration (force-manual.ts).
 * Each is set plainly at the target level, and every `KEY[sdk=…]` variant of it there is overwritten,
 * so no stale conditional value wins over the one set.
 */
export const SIGNING_SETTING_KEYS = [
  'CODE_SIGN_STYLE',
  'DEVELOPMENT_TEAM',
  'CODE_SIGN_IDENTITY',
  'PROVISIONING_PROFILE_SPECIFIER',
  'PROVISIONING_PROFILE',
] as const;

/**
 * The values of that edit which are known: before the certificates are read, the team and the
 * identity are not. Unknown ones keep what the project has.
 */
export interface SigningEdit {
  /** DEVELOPMENT_TEAM: the signing certificate's team. */
  teamId?: string;
  /** CODE_SIGN_IDENTITY: the signing certificate's SHA-1. */
  codeSignIdentity?: string;
}

/**
 * A target level's settings as they will be after the edit: CODE_SIGN_STYLE becomes Manual and
 * PROVISIONING_PROFILE_SPECIFIER empty, the known team and identity replace every variant of
 * theirs. A bundle ID or entitlements file that depends on one of these (`$(DEVELOPMENT_TEAM)`,
 * an xcconfig keyed on the signing style) then resolves to what the archive builds with.
 */
export function settingsAfterSigningEdit(settings: readonly Setting[], edit: SigningEdit): Setting[] {
  const values: Partial<Record<(typeof SIGNING_SETTING_KEYS)[number], string>> = {
    CODE_SIGN_STYLE: 'Manual',
    PROVISIONING_PROFILE_SPECIFIER: '',
  };
  if (edit.teamId) values.DEVELOPMENT_TEAM = edit.teamId;
  if (edit.codeSignIdentity) values.CODE_SIGN_IDENTITY = edit.codeSignIdentity;
  const replaced = new Set<string>(Object.keys(values));
  return [
    ...settings.filter((s) => !replaced.has(s.key)),
    ...Object.entries(values).map(([key, value]) => ({ key, conditions: {}, value })),
  ];
}
