import { runStep } from '../../../common/step/index.ts';
import { fastlaneWrapper } from './step.ts';

process.exitCode = await runStep(fastlaneWrapper);
