import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, stepFolders } from '../lib/repo.ts';
import { envItems } from '../lib/step-yml.ts';

const BLOCKS_DIR = join(REPO_ROOT, 'step.yml.templates', 'inputs');

/** Each input entry of a YAML list (value + opts), keyed by input key; parsed as stepman does. */
function entriesByKey(list: unknown): Map<string, unknown> {
  return new Map(envItems(list).map((item) => [item.key, { value: item.value ?? null, opts: item.opts }]));
}

const blocks = readdirSync(BLOCKS_DIR)
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((file) => ({
    file,
    entries: entriesByKey(parse(readFileSync(join(BLOCKS_DIR, file), 'utf8'), { version: '1.1' })),
  }));

describe('shared input blocks (step.yml.templates/inputs)', () => {
  it('exist and are non-empty', () => {
    expect(blocks.map((b) => b.file)).toEqual(['build_api.yml', 'connection.yml', 'verbose_log.yml']);
    for (const block of blocks) expect(block.entries.size).toBeGreaterThan(0);
  });

  const steps = stepFolders();
  it.each(steps.length ? steps : ['(no Steps yet)'])(
    '%s carries every shared input it declares verbatim',
    (id) => {
      if (!steps.includes(id)) return;
      const stepYml = parse(readFileSync(join(REPO_ROOT, 'steps', id, 'step.yml'), 'utf8'), {
        version: '1.1',
      }) as {
        inputs?: unknown;
      } | null;
      const stepInputs = entriesByKey(stepYml?.inputs);
      for (const block of blocks) {
        for (const [key, expected] of block.entries) {
          if (!stepInputs.has(key)) continue;
          expect(
            stepInputs.get(key),
            `steps/${id}/step.yml input ${key} differs from step.yml.templates/inputs/${block.file}`,
          ).toEqual(expected);
        }
      }
    },
  );
});
