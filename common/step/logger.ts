import { type Color, paint } from './colors.ts';
import { causeChain } from './errors.ts';
import { redactor as processRedactor, type Redactor } from './redactor.ts';

export interface LogSink {
  write(text: string): unknown;
}

/** The Bitrise CLI keeps at most 1 KB of the last red block as the build's failure reason. */
export const FATAL_LIMIT_BYTES = 1024;

/**
 * The Steps' only way to print. Colours follow the Bitrise palette; every line is redacted
 * before it is written, also the lines of multi-line messages.
 */
export class Logger {
  private debugEnabled = false;

  constructor(
    private readonly sink: LogSink = process.stdout,
    private readonly redactor: Redactor = processRedactor,
  ) {}

  enableDebug(enabled: boolean): void {
    this.debugEnabled = enabled;
  }

  get isDebug(): boolean {
    return this.debugEnabled;
  }

  /** A blue section title, preceded by a blank line. */
  info(message: string): void {
    this.write('', undefined);
    this.write(message, 'blue');
  }

  print(message = ''): void {
    this.write(message, undefined);
  }

  done(message: string): void {
    this.write(message, 'green');
  }

  warn(message: string): void {
    this.write(message, 'yellow');
  }

  error(message: string): void {
    this.write(message, 'red');
  }

  debug(message: string): void {
    if (this.debugEnabled) this.write(message, 'magenta');
  }

  /**
   * The failure reason: red, at most 1 KB, a one-line reason or a short indented cause chain.
   * Stacks are never printed here; they are a debug-level detail.
   */
  fatal(err: unknown): void {
    const chain = causeChain(err).map((message) => this.redactor.redact(message));
    const lines = chain.length > 0 ? [chain[0]!, ...chain.slice(1).map((m) => `  ${m}`)] : ['unknown error'];
    let text = lines.join('\n');
    text = truncateUtf8(text, FATAL_LIMIT_BYTES);
    if (this.debugEnabled && err instanceof Error && err.stack) {
      this.write(err.stack, 'magenta');
    }
    this.write(text, 'red');
  }

  private write(message: string, color: Color | undefined): void {
    const lines = this.redactor.redact(message).split('\n');
    const out = lines.map((line) => (color && line ? paint(color, line) : line)).join('\n');
    this.sink.write(`${out}\n`);
  }
}

function truncateUtf8(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text;
  const ellipsis = '…';
  let cut = text;
  while (Buffer.byteLength(cut) + Buffer.byteLength(ellipsis) > limit) {
    cut = cut.slice(
      0,
      Math.max(0, cut.length - Math.max(1, Math.ceil((Buffer.byteLength(cut) - limit) / 4))),
    );
  }
  return cut + ellipsis;
}
