#!/usr/bin/env node
// The `steps` package bin. It loads the committed bundle of tools/cli (built by `npm run build`,
// kept current by a test), so it needs nothing beyond `npm ci`: no tsx, no compile step.
const { cli } = await import('../dist/steps.mjs');
await cli();
