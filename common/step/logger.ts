import { type Color, colors, paint, stripAnsi } from './colors.ts';
import { describeFailure } from './errors.ts';
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
   * The failure reason, printed as the Bitrise CLI reads it (its ErrorFinder takes the last red
   * block): the details on plain lines, then exactly one red line naming the cause and the fix,
   * at most 1 KB. Stacks are never printed here unless debug is on; they are a debug-level detail.
   */
  fatal(err: unknown): void {
    const report = describeFailure(err);
    // A tool may have left a colour open; this reset ends it, so it cannot swallow the lines below.
    this.sink.write(`${colors.reset}\n`);
    if (this.debugEnabled && err instanceof Error && err.stack) {
      this.write(err.stack, 'magenta');
    }
    for (const line of report.details) this.write(stripAnsi(line), undefined);
    // Redacted before it is cut, so a cut can never leave part of a secret unmasked.
    const reason = stripAnsi(this.redactor.redact(report.reason));
    this.write(truncateUtf8(reason, FATAL_LIMIT_BYTES), 'red');
  }

  private write(message: string, color: Color | undefined): void {
    const lines = this.redactor.redact(message).split('\n');
    const out = lines.map((line) => (color && line ? paint(color, line) : line)).join('\n');
    this.sink.write(`${out}\n`);
  }
}

function truncateUtf8(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  const ellipsis = '…';
  let end = limit - Buffer.byteLength(ellipsis);
  // Never cut inside a character: step back over UTF-8 continuation bytes.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + ellipsis;
}
