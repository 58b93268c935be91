import { inspect } from 'node:util';
import { MASK, redactor } from './redactor.ts';

/**
 * A sensitive value. Printing, interpolating or JSON-encoding it shows `*****`;
 * the plain text is only reachable through `reveal()`. Constructing one registers
 * the value with the process-wide redactor.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    redactor.add(value);
  }

  reveal(): string {
    return this.#value;
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return this.#value ? MASK : '';
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
