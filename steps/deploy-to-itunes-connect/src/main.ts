import { runStep } from '../../../common/step/index.ts';
import { deployToItunesConnect } from './step.ts';

process.exitCode = await runStep(deployToItunesConnect);
