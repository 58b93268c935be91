/** One assignment: `KEY[sdk=iphoneos*][config=Release] = value`. */
export interface Setting {
  key: string;
  /** Conditions such as `{ sdk: 'iphoneos*' }`; empty when unconditional. */
  conditions: Record<string, string>;
  value: string;
}

/** Splits `KEY[sdk=a*][arch=arm64]` (or `KEY[sdk=a*,arch=arm64]`) into the key and its conditions. */
export function parseSettingKey(raw: string): { key: string; conditions: Record<string, string> } {
  const open = raw.indexOf('[');
  if (open < 0) return { key: raw.trim(), conditions: {} };
  const conditions: Record<string, string> = {};
  for (const group of raw.slice(open).matchAll(/\[([^\]]*)\]/g)) {
    for (const part of group[1]!.split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) conditions[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
  }
  return { key: raw.slice(0, open).trim(), conditions };
}

export function settingsFromRecord(record: Record<string, string>): Setting[] {
  return Object.entries(record).map(([raw, value]) => ({ ...parseSettingKey(raw), value }));
}
