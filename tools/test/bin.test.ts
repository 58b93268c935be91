import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/repo.ts';

describe('the steps package bin', () => {
  it('runs with plain node and lists every command with examples', () => {
    const help = execFileSync(process.execPath, [join(REPO_ROOT, 'tools', 'bin', 'steps.mjs'), '--help'], {
      encoding: 'utf8',
    });
    for (const command of ['audit', 'readme', 'run', 'new', 'release', 'e2e', 'connection'])
      expect(help).toContain(`steps ${command}`);
    expect(help).toContain('Examples:');
  });
});
