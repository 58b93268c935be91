import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecordings } from '../../testkit/stand-ins/index.ts';
import { parseInputFlags, runCommand } from '../cli/commands/run.ts';
import { parseEnvFile } from '../lib/bitrise-cli/dotenv.ts';
import { UsageError } from '../lib/usage-error.ts';
import { collect, fixtureRoot, tempDir } from './helpers.ts';

/** Runs the fixture Step in a temporary repo; returns what it printed and exported. */
async function runSample(
  options: { input?: string[]; env?: Record<string, string>; simulate?: boolean } = {},
) {
  const root = fixtureRoot('sample-step');
  const work = realpathSync(tempDir());
  const envFile = join(work, 'local.env');
  writeFileSync(
    envFile,
    Object.entries({ NAME: 'World', ...options.env })
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const secrets = join(work, 'secrets.yml');
  writeFileSync(secrets, 'envs:\n- SAMPLE_TOKEN: tok-123-secret\n');
  const out = collect();
  let stepOutput = '';
  const result = await runCommand({
    id: 'sample-step',
    root,
    input: options.input,
    envFile,
    secrets,
    sourceDir: work,
    simulate: options.simulate,
    out,
    stepOutput: (chunk) => {
      stepOutput += chunk;
    },
  });
  return { root, work, result, out: out.text(), stepOutput };
}

describe('steps run', () => {
  it('applies defaults with envman expansion, flags, env file and secrets; runs in BITRISE_SOURCE_DIR', async () => {
    const { work, result, stepOutput } = await runSample({ input: ['mode=slow'] });
    expect(result.exitCode).toBe(0);
    expect(stepOutput).toContain('greeting=Hello World\n');
    expect(stepOutput).toContain('raw_text=cost is $5 and ${NOT_EXPANDED}\n');
    expect(stepOutput).toContain('mode=slow\n');
    expect(stepOutput).toContain(`cwd=${work}\n`);
  });

  it('masks secrets in the Step output and the printed outputs, but writes them to the outputs file', async () => {
    const { result, out, stepOutput } = await runSample();
    expect(stepOutput).toContain('token=*****\n');
    expect(stepOutput + out).not.toContain('tok-123-secret');
    expect(out).toContain('- api_token: *****');
    expect(out).toContain('- SAMPLE_GREETING=Hello World');
    expect(out).toContain('- SAMPLE_TOKEN_ECHO=*****');
    expect(result.outputs.map((o) => [o.key, o.value, o.sensitive])).toEqual([
      ['SAMPLE_GREETING', 'Hello World', false],
      ['SAMPLE_TOKEN_ECHO', 'tok-123-secret', true],
    ]);
    expect(parseEnvFile(readFileSync(result.outputsFile, 'utf8'))).toEqual({
      SAMPLE_GREETING: 'Hello World',
      SAMPLE_TOKEN_ECHO: 'tok-123-secret',
    });
  });

  it('defaults the outputs file to _tmp/<id>.outputs.env under the repo', async () => {
    const { root, result } = await runSample();
    expect(result.outputsFile).toBe(join(root, '_tmp', 'sample-step.outputs.env'));
  });

  it("exits with the Step's exit code", async () => {
    const { result, out } = await runSample({ env: { SAMPLE_EXIT: '3' } });
    expect(result.exitCode).toBe(3);
    expect(out).toContain('sample-step: failed with exit code 3');
  });

  it('an input given in the env file sets the input; --input wins over it', async () => {
    const { stepOutput } = await runSample({
      env: { greeting: 'Hi from file', mode: 'slow' },
      input: ['mode=fast'],
    });
    expect(stepOutput).toContain('greeting=Hi from file\n');
    expect(stepOutput).toContain('mode=fast\n');
  });

  it('refuses an input the Step does not declare', async () => {
    await expect(runSample({ input: ['nope=1'] })).rejects.toThrow(/sample-step has no input "nope"/);
    expect(() => parseInputFlags(['novalue'])).toThrow(UsageError);
    expect(parseInputFlags(['lane=ios beta key:a=b'])).toEqual({ lane: 'ios beta key:a=b' });
  });

  it('--simulate points the Step at the build API simulator and puts recording stand-ins on PATH', async () => {
    const { root, out, stepOutput, result } = await runSample({
      simulate: true,
      env: { CALL_FASTLANE: '1' },
    });
    expect(result.exitCode).toBe(0);
    expect(out).toContain('Simulated run');
    expect(out).toMatch(/Bitrise build API simulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(stepOutput).toMatch(/build_url=http:\/\/127\.0\.0\.1:\d+\//);
    const recordings = readRecordings(join(root, '_tmp', 'sample-step', 'stand-ins.jsonl'));
    expect(recordings.map((r) => [r.tool, r.argv])).toContainEqual(['fastlane', ['lanes']]);
    expect(out).toContain(
      'recording stand-ins from testkit/stand-ins first on PATH for fastlane, bundle, gem, security, xcodebuild, sudo',
    );
    expect(out).toMatch(/Apple Developer Portal simulator at https:\/\/127\.0\.0\.1:\d+/);
    expect(stepOutput).toMatch(/host_map=\S*api\.appstoreconnect\.apple\.com=127\.0\.0\.1:\d+/);
  });
});
