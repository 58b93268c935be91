#!/usr/bin/env node
// The import-boundary check behind `npm run lint`: product code (common/, steps/*/src, tools/)
// never imports test support (testkit/, e2e/, bench/, any test/ folder), except the one entry
// point that `steps run --simulate` and `npm start` use, and arrows point down only (common/
// imports no Step and no tool; a Step imports no other Step and no tool). Exits 1 and names each
// offending import otherwise.
//
// Specifiers come from TypeScript's own pre-processor, so an import-shaped line inside a string
// or a comment is not taken for an import; tsx's `tsImport('./x.ts', import.meta.url)` loads a
// module too and is read as one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The single file of test support that tools/ may import. */
export const SIMULATION_ENTRY_POINT = 'testkit/simulation.ts';

const SOURCE_FILE = /\.(ts|mts|mjs|js)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'test', '_tmp']);

/** Product source files under `root`, as repo-relative paths with `/` separators. */
export function productFiles(root) {
  const files = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path);
      } else if (SOURCE_FILE.test(entry.name) && !/\.test\.[a-z]+$/.test(entry.name)) files.push(path);
    }
  };
  walk('common');
  walk('tools');
  let steps = [];
  try {
    steps = readdirSync(join(root, 'steps')).filter((id) => statSync(join(root, 'steps', id)).isDirectory());
  } catch {}
  for (const id of steps) walk(`steps/${id}/src`);
  return files.sort();
}

/** Relative module specifiers of one file: static, dynamic and `tsImport` loads. */
export function importSpecifiers(text) {
  const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  for (const match of text.matchAll(/\btsImport\(\s*(['"])([^'"]+)\1/g)) specifiers.push(match[2]);
  return specifiers.filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** Why `from` may not import `to` (both repo-relative), or undefined when it may. */
export function boundaryProblem(from, to) {
  const parts = to.split('/');
  const isTestSupport =
    ['testkit', 'e2e', 'bench', 'test'].includes(parts[0]) ||
    parts.slice(0, -1).includes('test') ||
    /\.test\.[a-z]+$/.test(to);
  if (isTestSupport) {
    if (from.startsWith('tools/') && to === SIMULATION_ENTRY_POINT) return undefined;
    return from.startsWith('tools/') && parts[0] === 'testkit'
      ? `test support; tools/ reaches testkit/ only through ${SIMULATION_ENTRY_POINT}`
      : 'test support; product code never imports it';
  }
  if (from.startsWith('common/') && (parts[0] === 'steps' || parts[0] === 'tools'))
    return 'common/ knows no particular Step and no tool';
  if (from.startsWith('steps/')) {
    const step = from.split('/')[1];
    if (parts[0] === 'tools') return 'a Step never imports the tools';
    if (parts[0] === 'steps' && parts[1] !== step) return 'a Step never imports another Step';
  }
  return undefined;
}

/** Every import across a boundary, as `file: 'specifier' -> target: why`. */
export function checkImportBoundaries(root) {
  const problems = [];
  for (const file of productFiles(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const specifier of importSpecifiers(text)) {
      const target = relative(root, resolve(root, dirname(file), specifier))
        .split(sep)
        .join('/');
      const why = boundaryProblem(file, target);
      if (why) problems.push(`${file}: '${specifier}' -> ${target}: ${why}`);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
  const problems = checkImportBoundaries(root);
  for (const problem of problems) console.error(problem);
  if (problems.length) {
    console.error(`import-boundaries: ${problems.length} import(s) cross a boundary (see README, Develop)`);
    process.exitCode = 1;
  } else {
    console.log(
      `import-boundaries: ${productFiles(root).length} product files, no import crosses a boundary`,
    );
  }
}
