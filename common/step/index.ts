export { Cleanups } from './cleanup.ts';
export { type Clock, sleep, systemClock } from './clock.ts';
export { colors, paint, stripAnsi } from './colors.ts';
export {
  BUG_HINT,
  causeChain,
  describeFailure,
  errorMessage,
  type FailureReport,
  StepError,
  type StepErrorOptions,
  withHint,
  wrapError,
} from './errors.ts';
export {
  createExec,
  type Exec,
  ExecError,
  type ExecOptions,
  type ExecResult,
  formatCommand,
  shellQuote,
} from './exec.ts';
export { createHttpClient, type HttpClientOptions } from './http.ts';
export { FailureProgress } from './failure-progress.ts';
export { FATAL_LIMIT_BYTES, Logger, type LogSink } from './logger.ts';
export { exportOutputs, type Output } from './outputs.ts';
export { type ReadLocationOptions, readLocation } from './read-location.ts';
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
  type RunOptions,
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
  isSensitive,
  parseInputs,
} from './schema.ts';
export { revealOrEmpty, Secret } from './secret.ts';
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
