import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stripAnsi } from '../colors.ts';
import { StepError } from '../errors.ts';
import { MASK, redactor } from '../redactor.ts';
import { HTML_REPORT_DIR_ENV, reportDirectory, writeReportPage } from '../report-file.ts';
import { runStep, type StepDefinition, type StepOutcome } from '../run.ts';
import { input } from '../schema.ts';
import { captureLogger } from './helpers.ts';

afterEach(() => redactor.clear());

const inputs = { name: input.string({ required: true }) };
type Config = { name: string };

function harness(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  const { logger, output } = captureLogger();
  const seen: Array<StepOutcome<Config, string>> = [];
  const reportDir = join(dir, 'reports');
  return {
    dir,
    reportDir,
    seen,
    output: () => stripAnsi(output()),
    page: () => join(reportDir, 'demo', 'index.html'),
    options: {
      env: { [HTML_REPORT_DIR_ENV]: reportDir, ...env },
      logger,
      handleSignals: false,
      cwd: dir,
    },
    step(overrides: Partial<StepDefinition<typeof inputs, Config, string>> = {}) {
      return {
        title: 'Demo',
        inputs,
        configure: (values: { name: string }) => ({ name: values.name }),
        run: async (config: Config) => `hello ${config.name}`,
        report: (outcome: StepOutcome<Config, string>) => {
          seen.push(outcome);
          return { name: 'demo', html: `<p>${outcome.result ?? 'no result'}</p>` };
        },
        ...overrides,
      } satisfies StepDefinition<typeof inputs, Config, string>;
    },
  };
}

describe('the report page of a run', () => {
  it('is written after a success, 0644 whatever the umask, and its path is printed', async () => {
    const h = harness({ name: 'world' });
    const umask = process.umask(0o077);
    let code: number;
    try {
      code = await runStep(h.step(), h.options);
    } finally {
      process.umask(umask);
    }
    expect(code).toBe(0);
    expect(readFileSync(h.page(), 'utf8')).toBe('<p>hello world</p>');
    expect(statSync(h.page()).mode & 0o777).toBe(0o644);
    expect(h.output()).toContain(`Report page: ${h.page()}\n`);
    const [outcome] = h.seen;
    expect(outcome).toMatchObject({ config: { name: 'world' }, result: 'hello world', failure: undefined });
    expect(outcome!.durations.run).toBeGreaterThanOrEqual(0);
    expect(outcome!.durations.total).toBeGreaterThanOrEqual(outcome!.durations.run!);
  });

  it('times the phases with the Step clock', async () => {
    const h = harness({ name: 'world' });
    let t = Date.UTC(2026, 0, 2, 3, 4, 5);
    const clock = { now: () => t, sleep: async () => {}, random: () => 0.5, scale: 1 };
    const step = h.step({
      configure: (values) => {
        t += 200;
        return { name: values.name };
      },
      run: async () => {
        t += 5000;
        return 'done';
      },
    });
    expect(await runStep(step, { ...h.options, clock })).toBe(0);
    const [outcome] = h.seen;
    expect(outcome!.startedAt.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(outcome!.durations).toEqual({ configure: 200, run: 5000, total: 5200 });
  });

  it('is written after the work failed, with the failure, before the failure reason ends the log', async () => {
    const h = harness({ name: 'world' });
    const failure = new StepError('portal said no', { hint: 'try again' });
    const code = await runStep(
      h.step({
        run: async () => {
          throw failure;
        },
      }),
      h.options,
    );
    expect(code).toBe(1);
    expect(readFileSync(h.page(), 'utf8')).toBe('<p>no result</p>');
    expect(h.seen[0]).toMatchObject({ config: { name: 'world' }, result: undefined, failure });
    expect(h.output().endsWith(`Report page: ${h.page()}\n\nportal said no: try again\n`)).toBe(true);
  });

  it('is written when the inputs failed, without a config', async () => {
    const h = harness();
    expect(await runStep(h.step(), h.options)).toBe(1);
    expect(existsSync(h.page())).toBe(true);
    expect(h.seen[0]!.config).toBeUndefined();
    expect(h.seen[0]!.durations.run).toBeUndefined();
  });

  it('is neither built nor written when BITRISE_HTML_REPORT_DIR is unset or empty', async () => {
    for (const value of [undefined, '', '  ']) {
      const h = harness({ name: 'world' });
      const env: Record<string, string | undefined> = { ...h.options.env, [HTML_REPORT_DIR_ENV]: value };
      expect(await runStep(h.step(), { ...h.options, env })).toBe(0);
      expect(h.seen).toEqual([]);
      expect(existsSync(h.reportDir)).toBe(false);
      expect(h.output()).not.toContain('Report page');
    }
  });

  it('costs a warning, never the build, when it cannot be built', async () => {
    const h = harness({ name: 'world' });
    const code = await runStep(
      h.step({
        report: () => {
          throw new Error('no data');
        },
      }),
      h.options,
    );
    expect(code).toBe(0);
    expect(h.output()).toContain('the report page was not written: no data');
  });

  it('masks registered secrets in the whole document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    redactor.add('hunter2-session');
    const path = writeReportPage({ name: 'demo', html: '<style>/* hunter2-session */</style>' }, dir);
    expect(readFileSync(path, 'utf8')).toBe(`<style>/* ${MASK} */</style>`);
  });

  it('refuses a name that would leave the report folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    expect(() => writeReportPage({ name: '../x', html: '' }, dir)).toThrow('invalid report name "../x"');
  });

  it('resolves a relative report dir against the Step working directory', () => {
    expect(reportDirectory({ [HTML_REPORT_DIR_ENV]: 'out/reports' }, '/src')).toBe('/src/out/reports');
  });
});
