/**
 * The Step id rule of `bitrise :step create` (bitrise-plugins-step generateIDFromString):
 * lower-case, every character outside [a-z0-9] becomes `-`, then `-` is trimmed from both ends.
 * "A simple Test" → "a-simple-test"; "A  simple Test" → "a--simple-test".
 */
export function stepIdFromTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** An UPPER_SNAKE_CASE output key derived from a Step id, valid even for ids like `3d--x`. */
export function outputKeyFor(id: string, suffix: string): string {
  const base = id.toUpperCase().replace(/-+/g, '_');
  return `${/^[A-Z]/.test(base) ? '' : 'STEP_'}${base}_${suffix}`;
}
