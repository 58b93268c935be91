import { Logger, Redactor, redactor } from '../../../step/index.ts';

/** A logger that keeps what it printed; by default it redacts with the process-wide redactor. */
export function captureLogger(use: Redactor = redactor): { logger: Logger; output: () => string } {
  const chunks: string[] = [];
  const logger = new Logger({ write: (text: string) => chunks.push(text) }, use);
  return { logger, output: () => chunks.join('') };
}

export { Redactor };
