#!/usr/bin/env node
// The `steps` package bin. It loads the TypeScript sources of tools/cli through tsx's loader
// API (tsx is installed by `npm ci`), so there is no tools bundle to rebuild and keep current,
// and the simulators and fixtures it starts for --simulate find their data files next to them.
import { tsImport } from 'tsx/esm/api';

const { cli } = await tsImport('../cli/index.ts', import.meta.url);
await cli();
