import { runStep } from '../../../common/step/index.ts';
import { autoProvision } from './step.ts';

process.exitCode = await runStep(autoProvision);
