import type { StepDefinition } from '../../../common/step/index.ts';
import { type Config, configure } from './config.ts';
import { ensureDependencies, type Toolchain } from './dependencies.ts';
import { inputs } from './inputs.generated.ts';
import { outputs } from './outputs.ts';
import { report } from './report.ts';
import { type Result, run } from './run.ts';

export const deployToItunesConnect: StepDefinition<typeof inputs, Config, Result, Toolchain> = {
  title: 'Deploy to App Store Connect',
  inputs,
  configure,
  ensureDependencies,
  run,
  outputs,
  report,
};
