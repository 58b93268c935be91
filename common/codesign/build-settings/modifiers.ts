import { basename, dirname, extname, normalize } from 'node:path';

/**
 * Applies one `$(VAR:modifier)` operator. Unknown operators leave the value as it is rather than
 * failing: the value is still more useful than nothing.
 */
export function applyModifier(value: string, modifier: string): string {
  const eq = modifier.indexOf('=');
  const name = (eq < 0 ? modifier : modifier.slice(0, eq)).toLowerCase();
  const argument = eq < 0 ? '' : modifier.slice(eq + 1);
  switch (name) {
    case 'rfc1034identifier':
      return value.replace(/[^A-Za-z0-9.-]/g, '-');
    case 'c99extidentifier':
    case 'identifier':
      return value.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
    case 'lower':
      return value.toLowerCase();
    case 'upper':
      return value.toUpperCase();
    case 'base':
      return basename(value, extname(value));
    case 'file':
      return basename(value);
    case 'dir':
      return dirname(value);
    case 'suffix':
      return extname(value);
    case 'standardizepath':
      return value ? normalize(value) : value;
    case 'default':
      return value === '' ? argument : value;
    default:
      return value;
  }
}
