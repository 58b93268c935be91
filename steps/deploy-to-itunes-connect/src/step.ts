import type { StepDefinition } from '../../../common/step/index.ts';
import { type Config, configure } from './config.ts';
import { ensureDependencies } from './dependencies.ts';
import { inputs } from './inputs.generated.ts';
import { report } from './report.ts';
import { type Result, run } from './run.ts';

export const deployToItunesConnect: StepDefinition<typeof inputs, Config, Result> = {
  title: 'Deploy to App Store Connect',
  inputs,
  configure,
  ensureDependencies,
  run,
  report,
};
