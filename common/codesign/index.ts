export {
  forceManualSigning,
  forceManualSigningText,
  type ManualSigningTarget,
} from './signing/force-manual.ts';
