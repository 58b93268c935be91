import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuildUploadFile } from '../../../common/portal/index.ts';
import { type Clock, redactor } from '../../../common/step/index.ts';
import { captureLogger, recordingClock } from '../../../common/step/test/helpers.ts';
import { fileChecksum } from '../src/upload/checksum.ts';
import { checkedOperations } from '../src/upload/operations.ts';
import { poll } from '../src/upload/poll.ts';
import { formatSeconds, UploadProgress } from '../src/upload/progress.ts';

/** A clock the test moves by hand. */
function handClock(scale = 1): Clock & { advance(ms: number): void } {
  let now = 1_000_000;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    random: () => 0.5,
    scale,
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('upload progress', () => {
  it('prints percent, MB/s and time left at most every 5 s, and takes a failed attempt back', () => {
    const clock = handClock();
    const { logger, output } = captureLogger();
    const progress = new UploadProgress(100_000_000, clock, logger);
    clock.advance(1000);
    progress.add(10_000_000);
    expect(output()).toBe('');
    clock.advance(4000);
    progress.add(10_000_000);
    expect(output()).toBe('Uploaded 20% (20.0 of 100.0 MB), 4.0 MB/s, about 20 s left\n');
    clock.advance(1000);
    progress.add(10_000_000);
    expect(output().split('\n')).toHaveLength(2);
    progress.takeBack(10_000_000);
    clock.advance(4000);
    progress.add(0);
    expect(output().split('\n')[1]).toBe('Uploaded 20% (20.0 of 100.0 MB), 2.0 MB/s, about 40 s left');
    // The last bytes print nothing: the summary line after the parts says it.
    clock.advance(10_000);
    progress.add(80_000_000);
    expect(output().split('\n')).toHaveLength(3);
  });

  it('formats durations as seconds and minutes', () => {
    expect(formatSeconds(0.4)).toBe('0 s');
    expect(formatSeconds(59)).toBe('59 s');
    expect(formatSeconds(120)).toBe('2 min');
    expect(formatSeconds(185)).toBe('3 min 5 s');
  });
});

function reservation(ops: Array<{ offset: number; length: number; partNumber?: number }>): BuildUploadFile {
  return {
    type: 'buildUploadFiles',
    id: 'F1',
    attributes: {
      fileName: 'App.ipa',
      uploadOperations: ops.map((op, i) => ({
        method: 'PUT',
        url: `https://upload.example.com/part/${i}?sig=SIGNATURE${i}SECRET`,
        requestHeaders: [{ name: 'Content-Type', value: 'application/octet-stream' }],
        ...op,
      })),
    },
  };
}

describe('upload operations', () => {
  it('puts the operations in file order and registers their signed URLs with the redactor', () => {
    const ops = checkedOperations(
      reservation([
        { offset: 10, length: 5, partNumber: 2 },
        { offset: 0, length: 10, partNumber: 1 },
      ]),
      15,
    );
    expect(ops.map((op) => [op.partNumber, op.offset, op.length])).toEqual([
      [1, 0, 10],
      [2, 10, 5],
    ]);
    expect(ops[0]!.headers).toEqual({ 'Content-Type': 'application/octet-stream' });
    expect(redactor.redact(ops[0]!.url)).not.toContain('SIGNATURE1SECRET');
  });

  it('refuses operations that leave a gap, overlap, or do not cover the file', () => {
    const hint = 'rerun the build';
    expect(() =>
      checkedOperations(
        reservation([
          { offset: 0, length: 5 },
          { offset: 6, length: 4 },
        ]),
        10,
      ),
    ).toThrow(/leave a gap or overlap at byte 5 of 10/);
    expect(() =>
      checkedOperations(
        reservation([
          { offset: 0, length: 6 },
          { offset: 5, length: 5 },
        ]),
        10,
      ),
    ).toThrow(/leave a gap or overlap at byte 5 of 10/);
    expect(() => checkedOperations(reservation([{ offset: 0, length: 8 }]), 10)).toThrow(
      /cover 8 bytes of a 10-byte file/,
    );
    expect(() => checkedOperations(reservation([{ offset: 0, length: 0 }]), 0)).toThrow(
      /offset 0 and length 0/,
    );
    expect(() => checkedOperations(reservation([]), 10)).toThrow(new RegExp(`are missing: .*${hint}`));
  });
});

describe('poll', () => {
  it('looks again after doubling waits, capped, on the Step clock, until done', async () => {
    const waits: number[] = [];
    const clock = recordingClock(waits);
    let looks = 0;
    const result = await poll(
      async () => ++looks,
      (n) => n === 6,
      { clock, firstDelayMs: 1000, maxDelayMs: 4000, timeoutMs: 60_000 },
    );
    expect(result).toMatchObject({ value: 6, done: true });
    expect(waits).toEqual([1000, 2000, 4000, 4000, 4000]);
  });

  it('stops at the timeout, with the last wait cut to what is left, scaled in tests', async () => {
    const waits: number[] = [];
    const clock = recordingClock(waits, { scale: 0.01 });
    const result = await poll(
      async () => 'PROCESSING',
      () => false,
      { clock, firstDelayMs: 5000, maxDelayMs: 60_000, timeoutMs: 60_000 },
    );
    expect(result.done).toBe(false);
    expect(waits).toEqual([50, 100, 200, 250]);
    expect(result.elapsedMs).toBe(600);
  });
});

describe('file checksum', () => {
  it("is the file's MD5 in lower-case hex, computed on a worker thread, and stops when aborted", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'checksum-')), 'App.ipa');
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(path, bytes);
    expect(await fileChecksum(path)).toBe(createHash('md5').update(bytes).digest('hex'));

    const abort = new AbortController();
    const stopped = fileChecksum(path, abort.signal);
    abort.abort();
    await expect(stopped).rejects.toThrow(/was not computed/);
    await expect(fileChecksum(join(path, 'missing'))).rejects.toThrow(/ENOENT|ENOTDIR/);
  });
});
