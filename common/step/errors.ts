/**
 * An error whose message is meant for the user as it is: the fatal line shows it without a stack.
 * `hint` says what to do about it.
 */
export class StepError extends Error {
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(
      options?.hint ? `${message}: ${options.hint}` : message,
      options?.cause ? { cause: options.cause } : undefined,
    );
    this.name = 'StepError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The messages of an error and its causes, outermost first, without repeats. */
export function causeChain(err: unknown): string[] {
  const chain: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const message = errorMessage(current).trim();
    if (message && !chain.some((seen) => seen.includes(message))) chain.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}
