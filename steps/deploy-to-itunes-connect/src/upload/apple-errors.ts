import type { StateDetail } from '../../../../common/portal/index.ts';
import { StepError } from '../../../../common/step/index.ts';

const DUPLICATE_BUILD = 'ITMS-4238';

/** `- ITMS-4238: Redundant Binary Upload. …`, one line per error Apple gave. */
function detailLines(errors: readonly StateDetail[]): string[] {
  return errors.map((e) => `- ${e.code ?? 'error'}: ${e.description ?? ''}`.trimEnd());
}

/**
 * App Store Connect refused the build (the upload FAILED, or processing ended INVALID or FAILED):
 * `headline`, then the first of Apple's errors in the failure reason, all of them on the lines
 * before it.
 */
export function buildRefused(headline: string, errors: readonly StateDetail[]): StepError {
  const first = errors[0];
  const said = first
    ? `: ${first.code ?? 'error'} ${first.description ?? ''}`.trimEnd()
    : ' without saying why';
  const duplicate = errors.some((e) => e.code === DUPLICATE_BUILD);
  return new StepError(`${headline}${said}`, {
    details: errors.length > 1 ? ['App Store Connect says:', ...detailLines(errors)] : [],
    hint: duplicate
      ? 'raise the build number (CFBundleVersion) and build again: App Store Connect takes each build number once per version'
      : errors.length
        ? 'fix what App Store Connect says, raise the build number and upload again'
        : 'see App Store Connect › TestFlight and the e-mail Apple sends to the team about the build, then upload again',
  });
}
