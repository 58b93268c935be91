#!/usr/bin/env node
// `npm start`: builds every Step, then runs each end to end through `steps run --simulate`
// (the build API and Apple portal simulators, recording stand-ins for the macOS tools) and
// prints what each did and exported. Exits 0 only when every Step that exists succeeded.
import { tsImport } from 'tsx/esm/api';
import { buildAll } from './build.mjs';

const built = await buildAll();
console.log(`built ${built.length} Step bundle(s): ${built.map((b) => b.id).join(', ') || 'none yet'}`);
const { runScenarios } = await tsImport('./lib/demo/scenarios.ts', import.meta.url);
process.exitCode = await runScenarios();
