export { Cleanups } from './cleanup.ts';
export { type Clock, systemClock } from './clock.ts';
export { colors, paint, stripAnsi } from './colors.ts';
export {
  BUG_HINT,
  describeFailure,
  errorMessage,
  StepError,
  withHint,
  wrapError,
} from './errors.ts';
export {
  createExec,
  type Exec,
  ExecError,
  formatCommand,
  shellQuote,
} from './exec.ts';
export { FailureProgress } from './failure-progress.ts';
export { createHttpClient } from './http.ts';
export { FATAL_LIMIT_BYTES, Logger } from './logger.ts';
export { exportOutputs, type Output } from './outputs.ts';
export { readLocation } from './read-location.ts';
export { MASK, Redactor, redactor } from './redactor.ts';
export { HTML_REPORT_DIR_ENV, type ReportPage, reportDirectory, writeReportPage } from './report-file.ts';
export {
  backoffDelay,
  parseRetryAfter,
  type RetryDecision,
  type RetryOptions,
  retry,
} from './retry.ts';
export {
  type Env,
  runStep,
  type StepContext,
  type StepDefinition,
  type StepOutcome,
} from './run.ts';
export {
  formatConfig,
  InputError,
  type InputProblem,
  type InputSchema,
  type InputSpec,
  type Inputs,
  input,
  parseInputs,
} from './schema.ts';
export { Secret } from './secret.ts';
export { shellSplit } from './shell-words.ts';
export {
  EXTRA_CA_ENV,
  HOST_MAP_ENV,
  parseHostMap,
  TIME_SCALE_ENV,
  testRoutingNotice,
  testTimeScale,
} from './test-settings.ts';
export { displayUrl, hideUrlCredentials, registerUrlCredentials } from './url-credentials.ts';
