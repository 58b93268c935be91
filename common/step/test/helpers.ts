import { Logger } from '../logger.ts';
import { Redactor } from '../redactor.ts';

/** A logger that keeps what it printed, for assertions. */
export function captureLogger(redactor?: Redactor): { logger: Logger; output: () => string } {
  const chunks: string[] = [];
  const logger = new Logger({ write: (text: string) => chunks.push(text) }, redactor ?? new Redactor());
  return { logger, output: () => chunks.join('') };
}
