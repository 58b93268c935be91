import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import * as actionsExec from '@actions/exec';
import { StepError } from './errors.ts';
import type { Logger } from './logger.ts';

export interface ExecOptions {
  cwd?: string;
  /** The child's whole environment; nothing is inherited implicitly. */
  env: Record<string, string | undefined>;
  /** Written to the child's stdin: the way to hand it a secret. */
  stdin?: string;
  timeoutMs?: number;
  /** Return a non-zero exit code instead of throwing. */
  allowFailure?: boolean;
  /** Capture output without printing it. */
  quiet?: boolean;
  /** Do not echo the command line. */
  noEcho?: boolean;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class ExecError extends StepError {
  constructor(
    readonly tool: string,
    readonly exitCode: number | undefined,
    reason: string,
    readonly result?: ExecResult,
  ) {
    super(reason);
    this.name = 'ExecError';
  }
}

export type Exec = (tool: string, args: readonly string[], options: ExecOptions) => Promise<ExecResult>;

/** Quotes an argument the way a user would type it into a shell, for the echoed command line. */
export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(tool: string, args: readonly string[]): string {
  return [tool, ...args].map(shellQuote).join(' ');
}

/**
 * The only way the Steps start processes. Output is streamed line by line through the logger
 * (and so through the redactor); the command is echoed as `$ tool args`.
 */
export function createExec(logger: Logger): Exec {
  return async (tool, args, options) => {
    if (!options.noEcho) logger.print(`$ ${formatCommand(tool, args)}`);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            killChildren();
          }, options.timeoutMs)
        : undefined;
    try {
      const resolved = resolveTool(tool, options.env['PATH'], options.cwd);
      if (!resolved) throw new ExecError(tool, undefined, `${tool} was not found on PATH`);
      const exitCode = await actionsExec.exec(resolved, [...args], {
        cwd: options.cwd,
        env: definedOnly(options.env),
        input: options.stdin !== undefined ? Buffer.from(options.stdin) : undefined,
        silent: true,
        ignoreReturnCode: true,
        listeners: {
          stdout: (data) => {
            stdout += data.toString();
          },
          stderr: (data) => {
            stderr += data.toString();
          },
          stdline: (line) => {
            if (!options.quiet) logger.print(line);
          },
          errline: (line) => {
            if (!options.quiet) logger.print(line);
          },
        },
      });
      const result = { exitCode, stdout, stderr };
      if (timedOut) {
        throw new ExecError(
          tool,
          exitCode,
          `${tool} timed out after ${Math.round(options.timeoutMs! / 1000)} s`,
          result,
        );
      }
      if (exitCode !== 0 && !options.allowFailure) {
        throw new ExecError(tool, exitCode, `${tool} failed with exit code ${exitCode}`, result);
      }
      return result;
    } catch (err) {
      if (err instanceof ExecError) throw err;
      const reason = /ENOENT|Unable to locate executable/.test(String(err))
        ? `${tool} was not found on PATH`
        : `${tool} could not be started: ${(err as Error).message}`;
      throw new ExecError(tool, undefined, reason);
    } finally {
      if (timer) clearTimeout(timer);
    }
  };
}

/**
 * @actions/exec looks tools up on the parent's PATH; the child's environment is what the user
 * configured, so resolve against that.
 */
export function resolveTool(
  tool: string,
  pathVar: string | undefined,
  cwd = process.cwd(),
): string | undefined {
  if (tool.includes('/')) return isAbsolute(tool) ? tool : join(cwd, tool);
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * @actions/exec does not expose the child it spawns, so a timeout ends our own direct children.
 * Steps run one tool at a time, so those are exactly the timed-out tool.
 */
export function killChildren(): void {
  for (const pid of childPids(process.pid)) {
    try {
      process.kill(pid, 'SIGTERM');
      setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 2000).unref();
    } catch {
      // already gone
    }
  }
}

function childPids(parent: number): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          // The ppid is the second field after the parenthesised command name.
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return pgrepChildren(parent);
  }
}

function pgrepChildren(parent: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parent)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
