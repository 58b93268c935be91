import { APP_STORE_SCHEMA_NAMES } from './app-store/schema-names.ts';

/**
 * Apple's own schema as the referee: the zod validators generated from the App Store Connect
 * OpenAPI spec (appstore-connect-sdk). Loaded once, lazily, because the module is large.
 */
export const SCHEMA_NAMES = [
  'zBundleIdsResponse',
  'zBundleIdResponse',
  'zBundleIdCreateRequest',
  'zBundleIdCapabilitiesWithoutIncludesResponse',
  'zBundleIdCapabilityCreateRequest',
  'zBundleIdCapabilityResponse',
  'zCertificatesResponse',
  'zCertificatesWithoutIncludesResponse',
  'zDevicesResponse',
  'zDevicesWithoutIncludesResponse',
  'zDeviceCreateRequest',
  'zDeviceResponse',
  'zProfilesResponse',
  'zProfilesWithoutIncludesResponse',
  'zProfileCreateRequest',
  'zProfileResponse',
  'zBundleIdWithoutIncludesResponse',
  'zErrorResponse',
  ...APP_STORE_SCHEMA_NAMES,
] as const;

export type SchemaName = (typeof SCHEMA_NAMES)[number];

interface Validator {
  safeParse(value: unknown): {
    success: boolean;
    error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
  };
}

let loaded: Promise<Record<SchemaName, Validator>> | undefined;

export function loadSchemas(): Promise<Record<SchemaName, Validator>> {
  loaded ??= import('appstore-connect-sdk/openapi').then((module) => {
    const validators = {} as Record<SchemaName, Validator>;
    for (const name of SCHEMA_NAMES) {
      const validator = (module as unknown as Record<string, Validator | undefined>)[name];
      if (!validator) throw new Error(`appstore-connect-sdk has no validator ${name}`);
      validators[name] = validator;
    }
    return validators;
  });
  return loaded;
}

/** The problems of `value` against `schema`, one line each; empty when it conforms. */
export function schemaProblems(
  validators: Record<SchemaName, Validator>,
  schema: SchemaName,
  value: unknown,
): string[] {
  const result = validators[schema].safeParse(value);
  if (result.success) return [];
  return (result.error?.issues ?? []).map(
    (issue) => `${schema} ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
}
