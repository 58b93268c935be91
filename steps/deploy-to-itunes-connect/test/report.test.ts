import { describe, expect, it } from 'vitest';
import { ExecError, type StepContext, StepError, type StepOutcome } from '../../../common/step/index.ts';
import type { Config } from '../src/config.ts';
import type { Toolchain } from '../src/dependencies.ts';
import { report } from '../src/report.ts';
import type { Result } from '../src/run.ts';

const NOW = Date.UTC(2026, 2, 1, 12);
const ctx = { clock: { now: () => NOW } } as unknown as StepContext;

/** The parts of a config the report reads. */
const config = {
  inputs: {
    dry_run: false,
    app_id: '1234567890',
    bundle_id: '',
    team_name: '',
    team_id: '',
    platform: 'ios',
    skip_metadata: true,
    skip_screenshots: false,
    skip_app_version_update: false,
    submit_for_review: false,
  },
  artifact: { kind: 'pkg', path: '/builds/App.pkg', size: 2_500_000 },
  credentials: undefined,
  upload: { method: 'deliver' },
} as unknown as Config;

function outcome(
  parts: Partial<StepOutcome<Config, Result, Toolchain>>,
): StepOutcome<Config, Result, Toolchain> {
  return {
    config,
    dependencies: { method: 'deliver', xcodeMajor: 13, launcher: { kind: 'installed' }, cwd: '/src' },
    result: undefined,
    failure: undefined,
    startedAt: new Date(NOW),
    durations: { total: 0 },
    ...parts,
  };
}

describe('deploy-to-itunes-connect report', () => {
  it('shows the build after the upload, its processing and TestFlight actions, when the upload reports them', () => {
    const page = report(
      outcome({
        result: {
          uploaded: true,
          uploadMs: 83_000,
          build: {
            id: 'b1d2-4e5f',
            processingState: 'VALID',
            processingMs: 600_000,
            testFlightActions: ['added to group "QA <team>"', 'submitted for beta review'],
          },
        },
        durations: { run: 84_000, total: 90_000 },
      }),
      ctx,
    );
    expect(page.name).toBe('deploy-to-itunes-connect');
    expect(page.html).toContain('The PKG is uploaded to App Store Connect in 1 min 23 s.');
    expect(page.html).toContain('<dt>Build ID</dt><dd><code>b1d2-4e5f</code></dd>');
    expect(page.html).toContain('<dt>Processing state</dt><dd>VALID</dd>');
    expect(page.html).toContain('<dt>Processing time</dt><dd>10 min 00 s</dd>');
    expect(page.html).toContain(
      '<li>added to group &quot;QA &lt;team&gt;&quot;</li><li>submitted for beta review</li>',
    );
    expect(page.html).toContain('with the iTMSTransporter (Xcode 13)');
    expect(page.html).toContain('<dt>Size</dt><dd>2.5 MB (2,500,000 bytes)</dd>');
    expect(page.html).toContain('<dt>App on App Store Connect</dt><dd>Apple ID <code>1234567890</code></dd>');
  });

  it('ends a failed upload with the last lines deliver printed, escaped', () => {
    const exec = new ExecError('fastlane', 1, 'fastlane failed with exit code 1', {
      exitCode: 1,
      stdout: `${Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n')}\n[!] <b>Invalid</b> "binary"\n`,
      stderr: '',
    });
    const failure = new StepError('Deploy failed, error: fastlane failed with exit code 1', { cause: exec });
    const page = report(outcome({ failure, durations: { run: 12_300, total: 20_000 } }), ctx);
    expect(page.html).toContain('The upload failed after 12.3 s.');
    expect(page.html).toContain('<h2>The last lines fastlane printed</h2>');
    expect(page.html).toContain('line 39\n[!] &lt;b&gt;Invalid&lt;/b&gt; &quot;binary&quot;</pre>');
    expect(page.html).not.toContain('line 10\n');
    expect(page.html).toContain('<dt>Upload time</dt><dd>failed after 12.3 s</dd>');
  });

  it('says fastlane was not set up when that phase failed', () => {
    const page = report(
      outcome({ dependencies: undefined, failure: new StepError('gem install failed') }),
      ctx,
    );
    expect(page.html).toContain('Stopped while fastlane was being set up: nothing was uploaded.');
    expect(page.html).toContain('(fastlane was not set up)');
  });
});
