import type { DerivedInput } from './input-schema.ts';

/**
 * Writes the derived schema as the TypeScript module a Step's main.ts imports. The layout is the
 * one biome gives it (objects expanded, an array on one line when it fits, else one item a line),
 * so `npm run lint` accepts the file as generated.
 */

const LINE_WIDTH = 110;

export const GENERATED_SCHEMA_FILE = 'inputs.generated.ts';

/** Relative from steps/<id>/src/ to common/step. */
const STEP_RUNTIME = '../../../common/step/index.ts';

export function renderInputsModule(inputs: readonly DerivedInput[]): string {
  const body =
    inputs.length === 0
      ? 'export const inputs = {} as const satisfies InputSchema;'
      : ['export const inputs = {', ...inputs.flatMap(renderInput), '} as const satisfies InputSchema;'].join(
          '\n',
        );
  return [
    '// Generated from step.yml by `npm run build` (tools/lib/step-yml); do not edit. To change an input,',
    '// edit step.yml: its value, is_required, value_options, is_sensitive and opts.meta.steps.',
    `import type { InputSchema } from '${STEP_RUNTIME}';`,
    '',
    "/** The Step's inputs, in step.yml's order (the config echo's order). */",
    body,
    '',
  ].join('\n');
}

function renderInput({ key, spec }: DerivedInput): string[] {
  return [
    `  ${key}: {`,
    ...Object.entries(spec).flatMap(([name, value]) => property(name, value, '    ')),
    '  },',
  ];
}

function property(name: string, value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    const items = value.map(literal);
    const oneLine = `${indent}${name}: [${items.join(', ')}],`;
    if (oneLine.length <= LINE_WIDTH) return [oneLine];
    return [`${indent}${name}: [`, ...items.map((item) => `${indent}  ${item},`), `${indent}],`];
  }
  // biome keeps a string property on its line however long: a string literal cannot break.
  return [`${indent}${name}: ${literal(value)},`];
}

function literal(value: unknown): string {
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`cannot write ${JSON.stringify(value)} into the input schema`);
}

/** Single quotes unless the text holds more single than double quotes, as biome chooses. */
export function stringLiteral(value: string): string {
  const json = JSON.stringify(value);
  const singles = [...value].filter((c) => c === "'").length;
  const doubles = [...value].filter((c) => c === '"').length;
  if (singles > doubles) return json;
  return `'${json.slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}
