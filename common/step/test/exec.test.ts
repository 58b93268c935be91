import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createExec, ExecError, formatCommand, RunningTools } from '../exec.ts';
import { Redactor } from '../redactor.ts';
import { captureLogger, waitUntilEnded } from './helpers.ts';

const env = { PATH: process.env.PATH };

async function pidFrom(file: string): Promise<number> {
  await vi.waitFor(() => expect(existsSync(file) && readFileSync(file, 'utf8').endsWith('\n')).toBe(true), {
    timeout: 5000,
    interval: 10,
  });
  return Number(readFileSync(file, 'utf8').trim());
}

/** A tool that starts a grandchild (as fastlane starts ruby, and ruby xcodebuild) and waits for it. */
function toolWithGrandchild(dir: string, prelude = ''): { script: string; pidFile: string } {
  const pidFile = join(dir, 'grandchild.pid');
  const script = join(dir, 'tool.sh');
  writeFileSync(
    script,
    `#!/usr/bin/env bash\n${prelude}\nsleep 300 &\necho $! > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}\necho started\nwait\n`,
  );
  chmodSync(script, 0o755);
  return { script, pidFile };
}

describe('exec', () => {
  it('echoes the command through the redactor and streams the output', async () => {
    const redactor = new Redactor();
    redactor.add('s3cr3t-line-one\ns3cr3t-line-two');
    const { logger, output } = captureLogger(redactor);
    const exec = createExec(logger);
    const result = await exec('bash', ['-c', 'echo "got s3cr3t-line-two"; echo err >&2'], { env });
    expect(result.stdout).toBe('got s3cr3t-line-two\n');
    expect(output()).toContain('$ bash -c \'echo "got *****"; echo err >&2\'');
    expect(output()).toContain('got *****');
    expect(output()).not.toContain('s3cr3t');
  });

  it('passes the environment explicitly and stdin to the child', async () => {
    const { logger } = captureLogger();
    const result = await createExec(logger)('bash', ['-c', 'echo "$ONLY_THIS|${HOME:-nohome}"; cat'], {
      env: { PATH: process.env.PATH, ONLY_THIS: 'yes' },
      stdin: 'from-stdin',
      quiet: true,
    });
    expect(result.stdout).toBe('yes|nohome\nfrom-stdin');
  });

  it('turns a failure into an error naming the tool and exit code', async () => {
    const { logger } = captureLogger();
    const exec = createExec(logger);
    await expect(exec('bash', ['-c', 'exit 3'], { env })).rejects.toThrow('bash failed with exit code 3');
    await expect(exec('no-such-tool-xyz', [], { env })).rejects.toThrow(
      'no-such-tool-xyz was not found on PATH',
    );
    expect((await exec('bash', ['-c', 'exit 4'], { env, allowFailure: true })).exitCode).toBe(4);
  });

  it('stops a tool that runs past its timeout', async () => {
    const { logger } = captureLogger();
    const started = Date.now();
    const err = await createExec(logger)('sleep', ['20'], { env, timeoutMs: 200 }).catch((e) => e);
    expect(err).toBeInstanceOf(ExecError);
    expect(err.message).toBe('sleep timed out after 0 s');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('ends the tool and what it started when the timeout passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-'));
    const { script, pidFile } = toolWithGrandchild(dir);
    const { logger, output } = captureLogger();
    const tools = new RunningTools(5000);
    const err = await createExec(logger, { tools })(script, [], { env, timeoutMs: 1000 }).catch((e) => e);
    expect(err).toBeInstanceOf(ExecError);
    expect(err.message).toBe(`${script} timed out after 1 s`);
    expect(err.result.stdout).toBe('started\n');
    expect(output()).toContain('started');
    await waitUntilEnded(await pidFrom(pidFile));
    expect(tools.size).toBe(0);
  });

  it('sends SIGKILL to the group when the tool ignores SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-'));
    // An ignored signal stays ignored in the children, so neither bash nor its sleep ends on SIGTERM.
    const { script, pidFile } = toolWithGrandchild(dir, "trap '' TERM");
    const { logger } = captureLogger();
    const started = Date.now();
    const err = await createExec(logger, { tools: new RunningTools(300) })(script, [], {
      env,
      timeoutMs: 1000,
    }).catch((e) => e);
    expect(err.message).toBe(`${script} timed out after 1 s`);
    expect(err.exitCode).toBe(137);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1300);
    await waitUntilEnded(await pidFrom(pidFile));
  });

  it('on interrupt ends every running tool group and holds all tool calls', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-'));
    const { script, pidFile } = toolWithGrandchild(dir);
    const { logger, output } = captureLogger();
    const tools = new RunningTools(5000);
    const exec = createExec(logger, { tools });
    let settled = false;
    void exec(script, [], { env }).finally(() => {
      settled = true;
    });
    const grandchild = await pidFrom(pidFile);
    expect(tools.size).toBe(1);

    await tools.interrupt();
    await waitUntilEnded(grandchild);
    // The tool's close event deregisters it; after that it would have settled, but must not.
    await vi.waitFor(() => expect(tools.size).toBe(0), { timeout: 5000, interval: 10 });
    await Promise.resolve();
    expect(settled).toBe(false);

    let laterSettled = false;
    void exec('bash', ['-c', 'echo should-not-run'], { env }).finally(() => {
      laterSettled = true;
    });
    await Promise.resolve();
    expect(laterSettled).toBe(false);
    expect(output()).not.toContain('should-not-run');
  });

  it('reads a tool that exits at once without reading a large stdin like any other', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('uncaughtException', onUnhandled);
    try {
      const { logger } = captureLogger();
      const exec = createExec(logger);
      const stdin = 'x'.repeat(1024 * 1024);
      for (let i = 0; i < 5; i++) {
        const result = await exec('bash', ['-c', 'echo bye; exit 0'], { env, stdin, quiet: true });
        expect(result).toMatchObject({ exitCode: 0, stdout: 'bye\n' });
      }
      const failed = await exec('bash', ['-c', 'exit 2'], { env, stdin, allowFailure: true });
      expect(failed.exitCode).toBe(2);
    } finally {
      process.off('uncaughtException', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('returns once the tool exited even if something it started keeps the output open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-'));
    const pidFile = join(dir, 'bg.pid');
    const { logger, output } = captureLogger();
    const result = await createExec(logger, { closeGraceMs: 200 })(
      'bash',
      ['-c', `echo first; sleep 300 & echo $! > ${pidFile}; printf last`],
      { env },
    );
    try {
      expect(result.stdout).toBe('first\nlast');
      expect(output()).toMatch(/first\nlast\n$/);
    } finally {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    }
  });

  it('prints stdout and stderr line by line unless quiet, and keeps them apart', async () => {
    const { logger, output } = captureLogger();
    const exec = createExec(logger);
    const script = "printf 'out 1\\nout 2'; printf 'err 1\\nerr 2\\n' >&2";
    const result = await exec('bash', ['-c', script], { env, noEcho: true });
    expect(result).toEqual({ exitCode: 0, stdout: 'out 1\nout 2', stderr: 'err 1\nerr 2\n' });
    expect(output().split('\n').sort()).toEqual(['', 'err 1', 'err 2', 'out 1', 'out 2']);

    const quiet = captureLogger();
    await createExec(quiet.logger)('bash', ['-c', script], { env, quiet: true });
    expect(quiet.output()).toBe(`$ ${formatCommand('bash', ['-c', script])}\n`);
  });

  it('keeps a multi-byte character whole when it arrives split across chunks', async () => {
    const { logger, output } = captureLogger();
    // The bytes of "é" (c3 a9) are written apart, so they reach us in two reads.
    const script = "printf 'caf\\303'; sleep 0.2; printf '\\251\\n'";
    const result = await createExec(logger)('bash', ['-c', script], { env, noEcho: true });
    expect(result.stdout).toBe('café\n');
    expect(output()).toBe('café\n');
  });

  it('reports a tool ended by a signal with the exit code a shell shows', async () => {
    const { logger } = captureLogger();
    const err = await createExec(logger)('bash', ['-c', 'kill -KILL $$'], { env }).catch((e) => e);
    expect(err.message).toBe('bash failed with exit code 137 (SIGKILL)');
    expect(err.exitCode).toBe(137);
  });

  it('says why a tool could not be started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-'));
    const noInterpreter = join(dir, 'tool');
    writeFileSync(noInterpreter, '#!/no/such/interpreter\n');
    chmodSync(noInterpreter, 0o755);
    const { logger } = captureLogger();
    const exec = createExec(logger);
    await expect(exec('./missing', [], { env, cwd: dir })).rejects.toThrow('./missing was not found on PATH');
    await expect(exec('bash', ['-c', 'true'], { env, cwd: join(dir, 'gone') })).rejects.toThrow(
      `bash could not be started: the working directory ${join(dir, 'gone')} does not exist`,
    );
    const err = await exec(noInterpreter, [], { env }).catch((e) => e);
    expect(err.message).toMatch(/could not be started: spawn .* ENOENT/);
    expect(err.exitCode).toBeUndefined();
  });

  it('quotes arguments for the echoed command line', () => {
    expect(formatCommand('fastlane', ['ios', 'beta', 'name:My App', "it's", ''])).toBe(
      "fastlane ios beta 'name:My App' 'it'\\''s' ''",
    );
  });
});
