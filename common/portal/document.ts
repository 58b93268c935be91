import { StepError } from '../step/index.ts';
import { UNEXPECTED_ANSWER_HINT } from './errors.ts';
import type { ApiResponse } from './transport.ts';

/**
 * The resource a create or update answered with. Apple always sends it; an answer without one is
 * a fault on its side, said so in one line instead of a TypeError later.
 */
export function resourceOf<T>(response: ApiResponse, method: string, url: string): T {
  const data = (response.body as { data?: T } | undefined)?.data;
  if (!data || typeof data !== 'object')
    throw new StepError(`${method} ${url}: the response carries no resource`, {
      hint: UNEXPECTED_ANSWER_HINT,
    });
  return data;
}
