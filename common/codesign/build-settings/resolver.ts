import { applyModifier } from './modifiers.ts';
import type { Setting } from './setting.ts';

/** One level of Xcode's build-setting stack, e.g. the target's xcconfig or the target itself. */
export interface Layer {
  name: string;
  settings: Setting[];
}

/** What conditional settings (`KEY[sdk=iphoneos*]`) are evaluated against. */
export interface ConditionContext {
  /** SDK name without version, e.g. `iphoneos`; archives build for the device SDK. */
  sdk?: string;
  arch?: string;
  config?: string;
}

interface Position {
  layer: number;
  /** Only settings before this index count in `layer` (for `$(inherited)` inside one file). */
  before: number;
}

const MAX_DEPTH = 64;

/**
 * Xcode's build-setting resolution without Xcode: layers from lowest to highest precedence,
 * `$(inherited)`, `$(VAR)`, `${VAR}` and `$VAR` references, `:modifier` operators and conditions.
 * Undefined references expand to an empty string, as in Xcode, and are remembered in `unresolved`.
 */
export class BuildSettings {
  readonly unresolved = new Set<string>();
  private readonly cache = new Map<string, string | undefined>();
  private readonly resolving = new Set<string>();

  constructor(
    private readonly layers: readonly Layer[],
    private readonly context: ConditionContext = {},
  ) {}

  /** The fully expanded value, or undefined when no layer defines it. */
  get(name: string): string | undefined {
    if (this.cache.has(name)) return this.cache.get(name);
    if (this.resolving.has(name) || this.resolving.size > MAX_DEPTH) return '';
    this.resolving.add(name);
    try {
      const top = this.layers.length - 1;
      const value = this.resolveFrom(name, { layer: top, before: Number.POSITIVE_INFINITY });
      const result = value?.trim();
      this.cache.set(name, result);
      return result;
    } finally {
      this.resolving.delete(name);
    }
  }

  /** Expands references in any text, e.g. an Info.plist value, against these settings. */
  expand(text: string): string {
    return this.expandText(text, undefined, undefined);
  }

  /** Every setting name some layer defines. */
  names(): string[] {
    return [...new Set(this.layers.flatMap((layer) => layer.settings.map((s) => s.key)))].sort();
  }

  /** Which layer the value of `name` comes from, for diagnostics. */
  origin(name: string): string | undefined {
    const found = this.find(name, { layer: this.layers.length - 1, before: Number.POSITIVE_INFINITY });
    return found ? this.layers[found.layer]!.name : undefined;
  }

  private resolveFrom(name: string, from: Position): string | undefined {
    const found = this.find(name, from);
    if (!found) return undefined;
    return this.expandText(found.setting.value, name, { layer: found.layer, before: found.index });
  }

  private find(name: string, from: Position): { layer: number; index: number; setting: Setting } | undefined {
    for (let layer = from.layer; layer >= 0; layer--) {
      const settings = this.layers[layer]!.settings;
      const limit = layer === from.layer ? Math.min(from.before, settings.length) : settings.length;
      let plain: number | undefined;
      let conditional: number | undefined;
      for (let index = 0; index < limit; index++) {
        const setting = settings[index]!;
        if (setting.key !== name || !this.matches(setting.conditions)) continue;
        if (Object.keys(setting.conditions).length > 0) conditional = index;
        else plain = index;
      }
      // Within a level a matching conditional assignment is more specific than a plain one.
      const index = conditional ?? plain;
      if (index !== undefined) return { layer, index, setting: settings[index]! };
    }
    return undefined;
  }

  private matches(conditions: Record<string, string>): boolean {
    return Object.entries(conditions).every(([key, pattern]) => {
      const actual = key === 'variant' ? 'normal' : this.context[key as keyof ConditionContext];
      if (actual === undefined) return pattern === '*';
      return glob(pattern, actual);
    });
  }

  /** `self`/`below` give `$(inherited)` its meaning: the same setting one step down. */
  private expandText(text: string, self: string | undefined, below: Position | undefined, depth = 0): string {
    if (!text.includes('$') || depth > MAX_DEPTH) return text;
    let out = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (c !== '$') {
        out += c;
        i++;
        continue;
      }
      const next = text[i + 1];
      if (next === '(' || next === '{') {
        const close = matchingClose(text, i + 1);
        if (close < 0) {
          out += text.slice(i);
          break;
        }
        const inner = this.expandText(text.slice(i + 2, close), self, below, depth + 1);
        out += this.reference(inner, self, below);
        i = close + 1;
        continue;
      }
      const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      if (bare) {
        out += this.reference(bare[0], self, below);
        i += 1 + bare[0].length;
        continue;
      }
      out += c;
      i++;
    }
    return out;
  }

  private reference(expression: string, self: string | undefined, below: Position | undefined): string {
    const [name = '', ...modifiers] = splitModifiers(expression);
    let value: string;
    if (name === 'inherited') {
      value = self && below ? (this.resolveFrom(self, below) ?? '') : '';
    } else {
      const resolved = this.get(name);
      if (resolved === undefined) this.unresolved.add(name);
      value = resolved ?? '';
    }
    return modifiers.reduce(applyModifier, value);
  }
}

function matchingClose(text: string, openAt: number): number {
  const open = text[openAt]!;
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let i = openAt; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  return -1;
}

/** `VAR:lower:default=a:b` → `VAR`, `lower`, `default=a:b` (a `default=` argument keeps its colons). */
function splitModifiers(expression: string): string[] {
  const parts = expression.split(':');
  const defaultAt = parts.findIndex((part, i) => i > 0 && part.startsWith('default='));
  if (defaultAt < 0) return parts;
  return [...parts.slice(0, defaultAt), parts.slice(defaultAt).join(':')];
}

function glob(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
  return regex.test(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
