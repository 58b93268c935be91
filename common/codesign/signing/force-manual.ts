import { readFileSync, writeFileSync } from 'node:fs';
import { StepError } from '../../step/index.ts';
import { dictAt, entry, type PDict, parseOpenStep, stringAt, stringsAt } from '../pbxproj/openstep.ts';
import { pbxprojPathOf } from '../pbxproj/paths.ts';
import { TextEdits } from '../pbxproj/text-edits.ts';
import { SIGNING_SETTING_KEYS } from './signing-edit.ts';

/** The signing assets one target gets in the given configurations. */
export interface ManualSigningTarget {
  /** Target name, or its object ID. */
  target: string;
  /** Build configurations to edit, e.g. `['Release']`; UITest targets usually get all of them. */
  configurations: readonly string[];
  /** DEVELOPMENT_TEAM, e.g. the certificate's subject OU. */
  teamId: string;
  /** CODE_SIGN_IDENTITY: the certificate's SHA-1 (survives non-ASCII names) or common name. */
  codeSignIdentity: string;
  /** PROVISIONING_PROFILE: the profile's UUID. */
  profileUuid: string;
  /** PROVISIONING_PROFILE_SPECIFIER; empty by default so the UUID decides, as upstream does. */
  profileSpecifier?: string;
  /** The device SDK whose conditional identity is also set; `iphoneos*` by default. */
  sdk?: string;
  /**
   * A target that builds for several platforms signs each with its own profile (and maybe its
   * own certificate): `KEY[sdk=<sdk>]` for each, e.g. `PROVISIONING_PROFILE[sdk=macosx*]`.
   */
  perSdk?: ReadonlyArray<{ sdk: string; codeSignIdentity: string; profileUuid: string }>;
}

// Every existing `KEY[sdk=…]`/`KEY[config=…]` variant of these is overwritten too, so no stale
// conditional value wins over the one we set.
const OVERWRITTEN_VARIANTS: readonly string[] = SIGNING_SETTING_KEYS;

/**
 * Rewrites `project.pbxproj` text so the given targets sign manually with the given assets.
 * Only the values that change are touched; every other byte of the file stays as it was.
 */
export function forceManualSigningText(text: string, targets: readonly ManualSigningTarget[]): string {
  const root = parseOpenStep(text);
  if (root.kind !== 'dict') throw new StepError('project.pbxproj is not a dictionary');
  const objects = dictAt(root, 'objects');
  if (!objects) throw new StepError('project.pbxproj has no objects');
  const object = (id: string | undefined): PDict | undefined => (id ? dictAt(objects, id) : undefined);

  const edits = new TextEdits(text);
  const targetAttributes = dictAt(
    dictAt(object(stringAt(root, 'rootObject')), 'attributes'),
    'TargetAttributes',
  );

  for (const wanted of targets) {
    const found = objects.entries.find(
      (e) =>
        e.value.kind === 'dict' &&
        /^PBX(Native|Aggregate|Legacy)Target$/.test(stringAt(e.value, 'isa') ?? '') &&
        (e.key === wanted.target || stringAt(e.value, 'name') === wanted.target),
    );
    if (found?.value.kind !== 'dict')
      throw new StepError(`target (${wanted.target}) not found in the project`);
    const targetId = found.key;
    const targetName = stringAt(found.value, 'name') ?? targetId;
    const configs = stringsAt(object(stringAt(found.value, 'buildConfigurationList')), 'buildConfigurations')
      .map((id) => object(id))
      .filter((config): config is PDict => config !== undefined);

    for (const configuration of wanted.configurations) {
      const config = configs.find((c) => stringAt(c, 'name') === configuration);
      if (!config)
        throw new StepError(`build configuration (${configuration}) not defined for target: (${targetName})`);
      const settings = dictAt(config, 'buildSettings');
      if (!settings)
        throw new StepError(`build configuration (${configuration}) of ${targetName} has no buildSettings`);
      const sdk = wanted.sdk ?? 'iphoneos*';
      const values: Record<string, string> = {
        CODE_SIGN_STYLE: 'Manual',
        DEVELOPMENT_TEAM: wanted.teamId,
        CODE_SIGN_IDENTITY: wanted.codeSignIdentity,
        [`CODE_SIGN_IDENTITY[sdk=${sdk}]`]: wanted.codeSignIdentity,
        PROVISIONING_PROFILE_SPECIFIER: wanted.profileSpecifier ?? '',
        PROVISIONING_PROFILE: wanted.profileUuid,
      };
      for (const existing of settings.entries) {
        const base = existing.key.replace(/\[.*$/, '');
        if (existing.key !== base && OVERWRITTEN_VARIANTS.includes(base))
          values[existing.key] = values[base]!;
      }
      for (const variant of wanted.perSdk ?? []) {
        values[`CODE_SIGN_IDENTITY[sdk=${variant.sdk}]`] = variant.codeSignIdentity;
        values[`PROVISIONING_PROFILE[sdk=${variant.sdk}]`] = variant.profileUuid;
      }
      for (const key of Object.keys(values).sort()) edits.setEntry(settings, key, values[key]!);
    }

    if (targetAttributes) {
      const attributes = dictAt(targetAttributes, targetId);
      if (attributes) {
        edits.setEntry(attributes, 'DevelopmentTeam', wanted.teamId);
        if (entry(attributes, 'DevelopmentTeamName')) edits.setEntry(attributes, 'DevelopmentTeamName', '');
        edits.setEntry(attributes, 'ProvisioningStyle', 'Manual');
      } else {
        edits.setEntry(targetAttributes, targetId, {
          DevelopmentTeam: wanted.teamId,
          ProvisioningStyle: 'Manual',
        });
      }
    }
  }

  const result = edits.apply();
  // A broken project would only fail later inside xcodebuild; check the edit here.
  parseOpenStep(result);
  return result;
}

/**
 * Forces manual signing in a project on disk (`.xcodeproj` folder or its `project.pbxproj`).
 * Returns whether the file changed.
 */
export function forceManualSigning(projectPath: string, targets: readonly ManualSigningTarget[]): boolean {
  const path = pbxprojPathOf(projectPath);
  const before = readFileSync(path, 'utf8');
  const after = forceManualSigningText(before, targets);
  if (after === before) return false;
  writeFileSync(path, after);
  return true;
}
