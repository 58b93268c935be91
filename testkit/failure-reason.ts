/**
 * The failure reason the Bitrise CLI shows for a failed Step, read from the Step's output the way
 * the CLI reads it: bitrise-io/bitrise `stepruncmd/errorfinder/error_finder.go`. The CLI feeds the
 * Step's stdout and stderr, as they arrive, through an ErrorFinder and reports the LAST message
 * it collected (`stepruncmd/stepruncmd.go`).
 *
 * The rules this follows, as the Go source has them:
 * - A red block starts at any SGR sequence with `31` among its parameters (`\x1b[31m`,
 *   `\x1b[31;1m`, `\x1b[1;3;4;31m`).
 * - It ends at the first SGR sequence that is not such a red one (`\x1b[0m`, but also
 *   `\x1b[30;1m`). Red sequences inside the block are removed, so `red A red B reset` is one block
 *   `A B`; newlines do not end a block, so a block can span several lines.
 * - An empty block (`red reset`) yields nothing; a block still open when the output ends counts.
 * - Between blocks only the last 20 bytes are kept, enough to find a red sequence split across
 *   writes.
 * Indices are byte offsets, as in Go: the work is done on the UTF-8 bytes held in a latin1 string.
 */

// The Go regular expressions, verbatim: `\x1b\[[^m]*31[^m]*m` and `\x1b\[[^m]*m`.
const RED = /\x1b\[[^m]*31[^m]*m/;
const RED_ALL = /\x1b\[[^m]*31[^m]*m/g;
const CONTROL = /\x1b\[[^m]*m/;
/** Bytes kept between writes while no red block is open (Go: `maxLength`). */
const MAX_LENGTH = 20;

type Span = [start: number, end: number];

function find(pattern: RegExp, haystack: string): Span | undefined {
  const match = pattern.exec(haystack);
  return match ? [match.index, match.index + match[0].length] : undefined;
}

/** The first colour sequence that is not red, skipping the red ones (Go: getEndColorIndex). */
function endColorSpan(haystack: string): Span | undefined {
  let offset = 0;
  for (;;) {
    const rest = haystack.slice(offset);
    const color = find(CONTROL, rest);
    if (!color) return undefined;
    const red = find(RED, rest);
    if (!red || red[0] > color[0]) return [color[0] + offset, color[1] + offset];
    offset += red[1];
  }
}

const toBytes = (text: string | Uint8Array): string =>
  (typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text)).toString('latin1');
const fromBytes = (bytes: string): string => Buffer.from(bytes, 'latin1').toString('utf8');

/** A port of the CLI's ErrorFinder: write the output in the chunks it arrived in, then close. */
export class ErrorFinder {
  private chunk = '';
  private collecting = false;
  private readonly messages: string[] = [];

  write(data: string | Uint8Array): void {
    if (data.length === 0) return;
    let haystack = this.chunk + toBytes(data);
    // Go recurses on the rest of the haystack after each start or end; this loop does the same.
    for (;;) {
      if (this.collecting) {
        const end = endColorSpan(haystack);
        if (!end) {
          this.chunk = haystack;
          return;
        }
        if (end[0] !== 0) this.messages.push(haystack.slice(0, end[0]).replace(RED_ALL, ''));
        this.chunk = '';
        this.collecting = false;
        if (haystack.length <= end[1]) return;
        haystack = haystack.slice(end[1]);
      } else {
        const red = find(RED, haystack);
        if (!red) {
          this.chunk = haystack.length <= MAX_LENGTH ? haystack : haystack.slice(-MAX_LENGTH);
          return;
        }
        this.chunk = '';
        this.collecting = true;
        if (haystack.length <= red[1]) return;
        haystack = haystack.slice(red[1]);
      }
    }
  }

  /** Ends the output: a red block still open becomes the last message. */
  close(): void {
    if (this.collecting && this.chunk !== '') {
      this.messages.push(this.chunk.replace(RED_ALL, ''));
      this.chunk = '';
      this.collecting = false;
    }
  }

  /** Every red block, in order, as UTF-8 text. */
  get errorMessages(): string[] {
    return this.messages.map(fromBytes);
  }
}

/** Every red block of a whole output, as the CLI collects them. */
export function redBlocks(rawOutput: string | Uint8Array): string[] {
  const finder = new ErrorFinder();
  finder.write(rawOutput);
  finder.close();
  return finder.errorMessages;
}

/** The failure reason the Bitrise CLI reports for this output; undefined when nothing was red. */
export function lastRedBlock(rawOutput: string | Uint8Array): string | undefined {
  return redBlocks(rawOutput).at(-1);
}
