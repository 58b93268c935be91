#!/usr/bin/env node
// Bundles every steps/*/src/main.ts into steps/*/dist/index.mjs: one ESM file per Step, so a
// Step runs with nothing but `node` on the build machine. First it writes what step.yml is the
// source of (tools/lib/step-yml/generate.ts): the shared input blocks inside each step.yml and
// each Step's src/inputs.generated.ts.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_TARGET = 'node20';

// Bundled CommonJS dependencies call require/__dirname; ESM has neither. Aliased imports
// cannot clash with names in the bundled code.
const BANNER = [
  "import { createRequire as __bitriseCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bitriseFileURLToPath } from 'node:url';",
  "import { dirname as __bitriseDirname } from 'node:path';",
  'const require = __bitriseCreateRequire(import.meta.url);',
  'const __filename = __bitriseFileURLToPath(import.meta.url);',
  'const __dirname = __bitriseDirname(__filename);',
].join('\n');

// plist's entry module also loads its XML writer, and with it xmlbuilder (about 80 KB), although
// the Steps only parse plists. Resolved as side-effect free, xmlbuilder is dropped from a bundle
// unless something really uses it.
const SIDE_EFFECT_FREE = /^xmlbuilder$/;
const sideEffectFree = {
  name: 'side-effect-free',
  setup(build) {
    build.onResolve({ filter: SIDE_EFFECT_FREE }, async (args) => {
      if (args.pluginData === sideEffectFree) return undefined;
      const { path, external, namespace, errors, warnings } = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: sideEffectFree,
      });
      return { path, external, namespace, errors, warnings, sideEffects: false };
    });
  },
};

// The Steps parse only XML (Xcode schemes and workspaces) with @xmldom/xmldom; its entity module
// also carries the whole HTML entity table (about 40 KB), used only for text/html documents.
// Bundled, it is replaced by the five entities XML predefines, which is all XML parsing looks up.
const XMLDOM_ENTITIES = /[\\/]@xmldom[\\/]xmldom[\\/]lib[\\/]entities\.js$/;
const xmlOnlyEntities = {
  name: 'xml-only-entities',
  setup(build) {
    build.onLoad({ filter: XMLDOM_ENTITIES }, () => ({
      loader: 'js',
      contents: [
        "const XML_ENTITIES = Object.freeze({ amp: '&', apos: \"'\", gt: '>', lt: '<', quot: '\"' });",
        'exports.XML_ENTITIES = XML_ENTITIES;',
        'exports.HTML_ENTITIES = XML_ENTITIES;',
        'exports.entityMap = XML_ENTITIES;',
      ].join('\n'),
    }));
  },
};

// got loads two features the Steps never turn on: http2-wrapper for its `http2` option (every
// request to Apple and Bitrise is HTTP/1.1) and cacheable-request, with keyv and
// http-cache-semantics, for its `cache` option (nothing is cached). Together about 80 KB; bundled,
// each is a stub that says so if it is ever reached.
const UNUSED_GOT_FEATURES = {
  'http2-wrapper': [
    "const unsupported = () => { throw new Error('HTTP/2 is not bundled: the Steps use HTTP/1.1'); };",
    'export default { auto: unsupported, get globalAgent() { return unsupported(); } };',
  ],
  'cacheable-request': [
    'export class CacheError extends Error {}',
    'export default class CacheableRequest {',
    "  constructor() { throw new Error('got\\'s cache is not bundled: the Steps never cache responses'); }",
    '}',
  ],
};
const unusedGotFeatures = {
  name: 'unused-got-features',
  setup(build) {
    build.onResolve({ filter: /^(http2-wrapper|cacheable-request)$/ }, (args) => ({
      path: args.path,
      namespace: 'unused-got-feature',
    }));
    build.onLoad({ filter: /.*/, namespace: 'unused-got-feature' }, (args) => ({
      loader: 'js',
      contents: UNUSED_GOT_FEATURES[args.path].join('\n'),
    }));
  },
};

export function stepIds(root = ROOT) {
  const stepsDir = join(root, 'steps');
  if (!existsSync(stepsDir)) return [];
  return readdirSync(stepsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(stepsDir, d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
}

/** Builds one Step in memory; returns the files esbuild would write, keyed by absolute path. */
export async function buildStep(id, root = ROOT) {
  const stepDir = join(root, 'steps', id);
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(stepDir, 'src', 'main.ts')],
    outfile: join(stepDir, 'dist', 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    banner: { js: BANNER },
    sourcemap: 'linked',
    // Traces map to file:line without the sources; a smaller map is parsed faster at every start.
    sourcesContent: false,
    legalComments: 'linked',
    // Whitespace and syntax only: identifiers stay, so stack traces keep real function names.
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [sideEffectFree, xmlOnlyEntities, unusedGotFeatures],
  });
  return result.outputFiles.map((file) => ({ path: file.path, contents: Buffer.from(file.contents) }));
}

/** Rewrites the files generated from step.yml; returns the paths that changed. */
export async function generateFromStepYml(root = ROOT) {
  // The generator is TypeScript, like the rest of tools/; tsx (a devDependency) loads it.
  const { tsImport } = await import('tsx/esm/api');
  const { writeGeneratedFiles } = await tsImport('./lib/step-yml/generate.ts', import.meta.url);
  return writeGeneratedFiles({ root });
}

export async function buildAll(root = ROOT) {
  await generateFromStepYml(root);
  const built = [];
  for (const id of stepIds(root)) {
    const files = await buildStep(id, root);
    const distDir = join(root, 'steps', id, 'dist');
    rmSync(distDir, { recursive: true, force: true });
    mkdirSync(distDir, { recursive: true });
    for (const file of files) writeFileSync(file.path, file.contents);
    built.push({ id, files });
  }
  return built;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const path of await generateFromStepYml()) console.log(`generated ${relative(ROOT, path)}`);
  const built = await buildAll();
  for (const { id, files } of built) {
    const bundle = files.find((f) => f.path.endsWith('index.mjs'));
    console.log(`built steps/${id}/dist/index.mjs (${(bundle.contents.length / 1024).toFixed(0)} KB)`);
  }
  if (built.length === 0) console.log('no Steps to build');
}
