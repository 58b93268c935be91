import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as delay } from 'node:timers/promises';
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

/** How long an ended tool gets to exit after SIGTERM before its process group is sent SIGKILL. */
const KILL_GRACE_MS = 5000;

/**
 * How long to wait, after the tool exited, for its output pipes to close: a background process it
 * started may hold them open. @actions/exec waited 10 s too.
 */
const CLOSE_GRACE_MS = 10_000;

const GROUP_POLL_MS = 50;

/**
 * The process groups of the tools running now. Each tool runs in a group of its own, so ending
 * the group also ends what the tool started (fastlane → ruby → xcodebuild or the Transporter),
 * which signalling the tool alone would leave running.
 */
export class RunningTools {
  private readonly groups = new Set<number>();
  private interrupting = false;

  constructor(private readonly killGraceMs = KILL_GRACE_MS) {}

  /** Set by interrupt(): tool calls neither start nor settle any more. */
  get interrupted(): boolean {
    return this.interrupting;
  }

  get size(): number {
    return this.groups.size;
  }

  add(group: number): void {
    this.groups.add(group);
  }

  delete(group: number): void {
    this.groups.delete(group);
  }

  /** SIGTERM to the group, SIGKILL once the grace period is over if anything in it is still alive. */
  async end(group: number): Promise<void> {
    if (!signalGroup(group, 'SIGTERM')) return;
    const deadline = Date.now() + this.killGraceMs;
    while (groupExists(group)) {
      if (Date.now() >= deadline) {
        signalGroup(group, 'SIGKILL');
        return;
      }
      await delay(GROUP_POLL_MS);
    }
  }

  /**
   * For the SIGINT/SIGTERM handler, which exits the process once this resolves: ends every running
   * tool, and from now on holds every tool call (running ones never settle, new ones never start),
   * so the Step's own flow cannot carry on meanwhile (report the tool's failure, export outputs,
   * remove temp files the tool may still read).
   */
  async interrupt(): Promise<void> {
    this.interrupting = true;
    await Promise.all([...this.groups].map((group) => this.end(group)));
  }

  /**
   * Ends every running tool as `end` does, without holding later tool calls: the Step gives up on
   * work in progress (a setup made pointless by an earlier failure) but goes on to report it.
   */
  async endAll(): Promise<void> {
    await Promise.all([...this.groups].map((group) => this.end(group)));
  }

  /** SIGKILL to every running tool now: a second interrupt does not wait for the grace period. */
  killAll(): void {
    for (const group of this.groups) signalGroup(group, 'SIGKILL');
  }
}

/** The tools run through createExec's wrappers; run.ts's signal handler ends them. */
export const runningTools = new RunningTools();

function signalGroup(group: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    // ESRCH: nothing is left in the group.
    return false;
  }
}

function groupExists(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ExecSettings {
  /** Where the running tools are registered; the process-wide one unless a test isolates it. */
  tools?: RunningTools;
  closeGraceMs?: number;
}

/**
 * The only way the Steps start processes. Output is streamed line by line through the logger
 * (and so through the redactor); the command is echoed as `$ tool args`.
 *
 * Built on node:child_process rather than @actions/exec: that hides the child it spawns, so the
 * tool could not get a process group of its own, and a timeout or an interrupt could only signal
 * our direct children while the processes they started kept running.
 */
export function createExec(logger: Logger, settings: ExecSettings = {}): Exec {
  const tools = settings.tools ?? runningTools;
  const closeGraceMs = settings.closeGraceMs ?? CLOSE_GRACE_MS;
  return async (tool, args, options) => {
    if (tools.interrupted) return new Promise<never>(() => {});
    if (!options.noEcho) logger.print(`$ ${formatCommand(tool, args)}`);
    const path = resolveTool(tool, options.env['PATH'], options.cwd);
    if (!path) throw new ExecError(tool, undefined, `${tool} was not found on PATH`);
    let ended: Ended;
    try {
      ended = await runTool(path, args, options, {
        tools,
        closeGraceMs,
        printLine: options.quiet ? undefined : (line) => logger.print(line),
        debug: (message) => logger.debug(`${tool}: ${message}`),
      });
    } catch (err) {
      throw new ExecError(
        tool,
        undefined,
        startFailure(tool, path, options.cwd, err as NodeJS.ErrnoException),
      );
    }
    const { exitCode, signal, timedOut, stdout, stderr } = ended;
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
      const by = signal ? ` (${signal})` : '';
      throw new ExecError(tool, exitCode, `${tool} failed with exit code ${exitCode}${by}`, result);
    }
    return result;
  };
}

function startFailure(
  tool: string,
  path: string,
  cwd: string | undefined,
  err: NodeJS.ErrnoException,
): string {
  if (err.code === 'ENOENT' && cwd !== undefined && !existsSync(cwd)) {
    return `${tool} could not be started: the working directory ${cwd} does not exist`;
  }
  if (err.code === 'ENOENT' && !existsSync(path)) return `${tool} was not found on PATH`;
  // ENOENT for a file that exists: its #! interpreter is missing.
  return `${tool} could not be started: ${err.message}`;
}

interface Ended {
  /** The exit code, or 128 + the signal number when a signal ended the tool, as a shell reports it. */
  exitCode: number;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

interface RunSettings {
  tools: RunningTools;
  closeGraceMs: number;
  printLine: ((line: string) => void) | undefined;
  debug: (message: string) => void;
}

/** Starts the tool in a process group of its own and settles once it exited and its output is read. */
function runTool(
  path: string,
  args: readonly string[],
  options: ExecOptions,
  { tools, closeGraceMs, printLine, debug }: RunSettings,
): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, [...args], {
      cwd: options.cwd,
      env: definedOnly(options.env),
      // setsid: the tool leads a new process group, so everything it starts can be ended with it.
      detached: true,
      // Without stdin to give, the tool reads end-of-file instead of waiting on a pipe forever.
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const group = child.pid;
    const stdout = new OutputText(printLine);
    const stderr = new OutputText(printLine);
    let timedOut = false;
    let ending: Promise<void> | undefined;
    let closeTimer: NodeJS.Timeout | undefined;
    const timeoutTimer =
      options.timeoutMs !== undefined && group !== undefined
        ? setTimeout(() => {
            timedOut = true;
            ending = tools.end(group);
          }, options.timeoutMs)
        : undefined;
    if (group !== undefined) tools.add(group);

    child.stdout!.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.write(chunk));
    // A stream error must not become an unhandled 'error' event that crashes the Step. On stdin it
    // is EPIPE or ECONNRESET when the tool exits without reading everything; its exit code tells.
    child.stdout!.on('error', (err) => debug(`stdout: ${err.message}`));
    child.stderr!.on('error', (err) => debug(`stderr: ${err.message}`));
    if (child.stdin) {
      child.stdin.on('error', (err) => debug(`stdin: ${err.message}`));
      child.stdin.end(options.stdin);
    }

    child.on('error', (err) => {
      // After a successful start, 'error' only reports a failed kill; we signal groups ourselves.
      if (group !== undefined) return;
      clearTimeout(timeoutTimer);
      reject(err);
    });
    child.on('exit', () => {
      if (group === undefined) return;
      // A background process the tool started may keep the pipes open; read on for a while only.
      closeTimer = setTimeout(() => {
        debug(`output pipes still open ${closeGraceMs / 1000} s after exit; stopped reading`);
        child.stdout!.destroy();
        child.stderr!.destroy();
      }, closeGraceMs);
    });
    child.on('close', async (code, signal) => {
      if (group === undefined) return;
      clearTimeout(timeoutTimer);
      clearTimeout(closeTimer);
      stdout.end();
      stderr.end();
      await ending;
      tools.delete(group);
      if (tools.interrupted) return;
      resolve({
        exitCode: code ?? 128 + (signal ? osConstants.signals[signal] : 0),
        signal,
        timedOut,
        stdout: stdout.text,
        stderr: stderr.text,
      });
    });
  });
}

/** One output stream of a tool: all its text, and each complete line handed on as it arrives. */
class OutputText {
  text = '';
  private partial = '';
  // Decodes across chunk boundaries, so a multi-byte character split between chunks stays whole.
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly onLine: ((line: string) => void) | undefined) {}

  write(chunk: Buffer): void {
    this.append(this.decoder.write(chunk));
  }

  /** The last line may lack its newline. */
  end(): void {
    this.append(this.decoder.end());
    if (this.partial) this.onLine?.(this.partial);
    this.partial = '';
  }

  private append(text: string): void {
    this.text += text;
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) this.onLine?.(line);
  }
}

/**
 * spawn looks a bare tool name up on the parent's PATH; the child's environment is what the user
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
