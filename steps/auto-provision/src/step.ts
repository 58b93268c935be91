import type { StepDefinition } from '../../../common/step/index.ts';
import { type Config, configure } from './config.ts';
import { inputs } from './inputs.generated.ts';
import { report } from './report.ts';
import { outputs, type Result, run } from './run.ts';

export const autoProvision: StepDefinition<typeof inputs, Config, Result> = {
  title: 'iOS Auto Provision',
  inputs,
  configure,
  run,
  outputs,
  report,
};
