import { describe, expect, it } from 'vitest';
import { createExec, ExecError, formatCommand } from '../exec.ts';
import { Redactor } from '../redactor.ts';
import { captureLogger } from './helpers.ts';

const env = { PATH: process.env.PATH };

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

  it('quotes arguments for the echoed command line', () => {
    expect(formatCommand('fastlane', ['ios', 'beta', 'name:My App', "it's", ''])).toBe(
      "fastlane ios beta 'name:My App' 'it'\\''s' ''",
    );
  });
});
