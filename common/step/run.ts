import { Cleanups } from './cleanup.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Env } from './env.ts';
import { errorMessage, StepError } from './errors.ts';
import { createExec, type Exec, runningTools } from './exec.ts';
import { Logger } from './logger.ts';
import { exportOutputs, type Output } from './outputs.ts';
import { type ReportPage, reportDirectory, writeReportPage } from './report-file.ts';
import { formatConfig, InputError, type InputSchema, type Inputs, parseInputs } from './schema.ts';
import { testRoutingNotice, testTimeScale } from './test-settings.ts';

export type { Env };

/** What a Step's phases get instead of reaching for globals, so tests can inject every part. */
export interface StepContext {
  env: Env;
  cwd: string;
  logger: Logger;
  exec: Exec;
  cleanups: Cleanups;
  /** Every wait, timeout and retry jitter goes through it; tests replace or scale time here. */
  clock: Clock;
}

/**
 * A Step's phases. The config is complete when configure returns it; what only installing or
 * inspecting tools can tell (D) is ensureDependencies' result, handed to run and to the report.
 */
export interface StepDefinition<S extends InputSchema, C, R, D = unknown> {
  title: string;
  inputs: S;
  /** Cross-field validation and derived values. */
  configure: (inputs: Inputs<S>, ctx: StepContext) => C | Promise<C>;
  ensureDependencies?: (config: C, ctx: StepContext) => Promise<D>;
  /** `dependencies` is undefined when the Step has no ensureDependencies. */
  run: (config: C, ctx: StepContext, dependencies: D) => Promise<R>;
  /**
   * Called after run, also when it failed (result undefined, `failure` its error), so diagnostics
   * and what the work got done before failing (a FailureProgress beside the error) are exported.
   */
  outputs?: (config: C, result: R | undefined, ctx: StepContext, failure: unknown) => Output[];
  /**
   * The page for the build's Reports tab, after the outputs, on success and on failure (also when
   * configure failed: config undefined). Written only when BITRISE_HTML_REPORT_DIR is set; a
   * report that cannot be built or written costs a warning, never the build.
   */
  report?: (outcome: StepOutcome<C, R, D>, ctx: StepContext) => ReportPage;
}

/** How a run went, for the report. */
export interface StepOutcome<C, R, D = unknown> {
  /** Undefined when the inputs or the configuration failed. */
  config: C | undefined;
  /** What ensureDependencies returned; undefined when it failed, did not run or does not exist. */
  dependencies: D | undefined;
  /** Undefined when the work failed or did not start. */
  result: R | undefined;
  /** Undefined on success. */
  failure: unknown;
  startedAt: Date;
  /** Milliseconds of each phase that ran, and of the whole run so far. */
  durations: { configure?: number; dependencies?: number; run?: number; total: number };
}

export interface RunOptions extends Partial<StepContext> {
  /** Install SIGINT/SIGTERM handlers that run the cleanups; off for in-process tests. */
  handleSignals?: boolean;
}

/**
 * Runs a Step's phases: config → dependencies → work → outputs. Returns the exit code;
 * nothing below this calls process.exit, except the signal handler after running cleanups.
 */
export async function runStep<S extends InputSchema, C, R, D>(
  step: StepDefinition<S, C, R, D>,
  options: RunOptions = {},
): Promise<number> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? new Logger();
  const ctx: StepContext = {
    env,
    cwd: options.cwd ?? process.cwd(),
    logger,
    exec: options.exec ?? createExec(logger),
    cleanups: options.cleanups ?? new Cleanups(),
    clock: options.clock ?? systemClock(testTimeScale(env)),
  };
  const removeSignalHandlers = options.handleSignals === false ? () => {} : installSignalHandlers(ctx);

  let failure: unknown;
  let config: C | undefined;
  let dependencies: D | undefined;
  let result: R | undefined;
  const startedAt = new Date(ctx.clock.now());
  const durations: StepOutcome<C, R, D>['durations'] = { total: 0 };
  const timed = async <T>(
    phase: 'configure' | 'dependencies' | 'run',
    work: () => Promise<T>,
  ): Promise<T> => {
    const started = ctx.clock.now();
    try {
      return await work();
    } finally {
      durations[phase] = ctx.clock.now() - started;
    }
  };
  try {
    config = await timed('configure', () => configure(step, ctx));
    const configured = config;
    try {
      if (step.ensureDependencies)
        dependencies = await timed('dependencies', () => step.ensureDependencies!(configured, ctx));
      const ensured = dependencies as D;
      result = await timed('run', () => step.run(configured, ctx, ensured));
    } catch (err) {
      failure = err;
    }
    try {
      const outputs = step.outputs?.(config, result, ctx, failure) ?? [];
      if (outputs.length > 0) {
        logger.info('Exporting outputs');
        await exportOutputs(outputs, ctx.exec, env);
        for (const output of outputs)
          logger.done(`${output.key} is exported${output.sensitive ? ' (sensitive)' : ''}`);
      }
    } catch (err) {
      failure ??= err;
      if (failure !== err) logger.warn(errorMessage(err));
    }
  } catch (err) {
    failure = err;
  } finally {
    if (step.report) {
      durations.total = ctx.clock.now() - startedAt.getTime();
      writeReport(step.report, { config, dependencies, result, failure, startedAt, durations }, ctx);
    }
    ctx.cleanups.runAll((err) => logger.warn(`cleanup failed: ${errorMessage(err)}`));
    removeSignalHandlers();
  }

  if (failure === undefined) return 0;
  // The failure reason is the last thing printed: cleanups and outputs have reported before it.
  logger.fatal(failure);
  return 1;
}

function writeReport<C, R, D>(
  report: NonNullable<StepDefinition<InputSchema, C, R, D>['report']>,
  outcome: StepOutcome<C, R, D>,
  ctx: StepContext,
): void {
  const dir = reportDirectory(ctx.env, ctx.cwd);
  if (!dir) return;
  try {
    ctx.logger.print(`Report page: ${writeReportPage(report(outcome, ctx), dir)}`);
  } catch (err) {
    ctx.logger.warn(`the report page was not written: ${errorMessage(err)}`);
  }
}

async function configure<S extends InputSchema, C, R, D>(
  step: StepDefinition<S, C, R, D>,
  ctx: StepContext,
): Promise<C> {
  ctx.logger.info(`${step.title}: configuration`);
  let parsed: ReturnType<typeof parseInputs<S>>;
  try {
    parsed = parseInputs(step.inputs, ctx.env, { cwd: ctx.cwd });
  } catch (err) {
    if (err instanceof InputError) {
      const display = (err as InputError & { display?: Array<[string, string]> }).display;
      if (display) ctx.logger.print(formatConfig(display));
    }
    throw err;
  }
  const values = parsed.values as Record<string, unknown>;
  if (values['verbose_log'] === true) ctx.logger.enableDebug(true);
  ctx.logger.print(formatConfig(parsed.display));
  const notice = testRoutingNotice(ctx.env);
  if (notice) ctx.logger.warn(notice);
  return step.configure(parsed.values, ctx);
}

/** SIGINT/SIGTERM reach a Step when the build is aborted or its machine shuts it down. */
const INTERRUPTED_HINT = 'the build was aborted or interrupted: rerun the build';

function installSignalHandlers(ctx: StepContext): () => void {
  let interrupted = false;
  const handler = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // A second interrupt: the user does not want to wait for the tools' grace period.
      runningTools.killAll();
      return;
    }
    interrupted = true;
    // The running tool and what it started (ruby, xcodebuild, the Transporter) would otherwise
    // outlive the Step and hold the build log open. Temp files go only once they ended, as they
    // may still read them.
    void runningTools.interrupt().finally(() => {
      ctx.cleanups.runAll();
      ctx.logger.fatal(new StepError(`interrupted by ${signal}`, { hint: INTERRUPTED_HINT }));
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  // An error no phase caught (a stream error event, a callback that threw) must still end the
  // Step the way every failure does: tools ended, temp files removed, one red line, exit 1.
  const crash = (err: unknown) => {
    if (interrupted) return;
    interrupted = true;
    runningTools.killAll();
    ctx.cleanups.runAll();
    ctx.logger.fatal(err);
    process.exit(1);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  };
}
