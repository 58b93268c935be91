import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../http.ts';
import { readLocation } from '../read-location.ts';
import { captureLogger, recordingClock } from './helpers.ts';

const answers: Array<{ status: number; headers?: Record<string, string>; body: string }> = [];
const server = createServer((_req, res) => {
  const answer = answers.shift() ?? { status: 200, body: 'default' };
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

function options(extra: Partial<Parameters<typeof readLocation>[1]> = {}) {
  const { logger, output } = captureLogger();
  const waits: number[] = [];
  return {
    output,
    waits,
    options: {
      http: createHttpClient({ env: {} }),
      logger,
      what: 'the key',
      clock: recordingClock(waits),
      ...extra,
    },
  };
}

describe('readLocation', () => {
  it('downloads from an allowed scheme, retrying a 429 after its Retry-After', async () => {
    answers.push(
      { status: 429, headers: { 'retry-after': '2' }, body: '' },
      { status: 200, body: 'key-bytes' },
    );
    const { options: opts, waits, output } = options({ schemes: ['http'] });
    expect((await readLocation(`${base}/AuthKey_X.p8`, opts)).toString()).toBe('key-bytes');
    expect(waits).toEqual([2000]);
    expect(output()).toContain(
      'Downloading the key: attempt 1/3 failed: failed to download the key: HTTP 429',
    );
  });

  it('does not retry a 404, and refuses schemes it was not given', async () => {
    answers.push({ status: 404, body: '' });
    await expect(readLocation(`${base}/missing`, options({ schemes: ['http'] }).options)).rejects.toThrow(
      'failed to download the key: HTTP 404',
    );
    await expect(readLocation(`${base}/x`, options().options)).rejects.toThrow(
      'the key: unsupported URL scheme; use https://, file:// or a local path',
    );
  });

  it('reads file:// URLs and paths relative to the given directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-location-'));
    writeFileSync(join(dir, 'k.p8'), 'local');
    expect((await readLocation(pathToFileURL(join(dir, 'k.p8')).href, options().options)).toString()).toBe(
      'local',
    );
    expect((await readLocation('k.p8', options({ cwd: dir }).options)).toString()).toBe('local');
    await expect(readLocation('nope.p8', options({ cwd: dir }).options)).rejects.toThrow(
      'failed to read the key: the file does not exist',
    );
  });
});
