import { describe, expect, it } from 'vitest';
import { describeFailure, StepError, wrapError } from '../errors.ts';
import { FailureProgress } from '../failure-progress.ts';

describe('FailureProgress', () => {
  it('keeps the progress beside the error, which is thrown unchanged', () => {
    const progress = new FailureProgress<{ changes: string[] }>();
    const err = new StepError('portal said no', { hint: 'try again' });
    const before = describeFailure(err);
    expect(progress.attach(err, { changes: ['created App ID a.b'] })).toBe(err);
    expect(describeFailure(err)).toEqual(before);
    expect(progress.of(err)).toEqual({ changes: ['created App ID a.b'] });
  });

  it('finds the progress of a cause, after the error was wrapped', () => {
    const progress = new FailureProgress<string[]>();
    const inner = progress.attach(new Error('boom'), ['saved.log']);
    expect(progress.of(wrapError('lane failed', inner))).toEqual(['saved.log']);
  });

  it('has nothing for other failures, for values that are no objects, or for another kind of progress', () => {
    const progress = new FailureProgress<number>();
    const other = new FailureProgress<number>();
    const err = other.attach(new Error('x'), 1);
    expect(progress.of(err)).toBeUndefined();
    expect(progress.of(undefined)).toBeUndefined();
    expect(progress.attach('text', 2)).toBe('text');
    expect(progress.of('text')).toBeUndefined();
  });
});
