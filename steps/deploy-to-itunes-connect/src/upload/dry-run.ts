import type { Logger } from '../../../../common/step/index.ts';
import type { ApiUploadPlan } from '../upload-method.ts';
import { CHECKSUM_ALGORITHM } from './checksum.ts';
import { PARALLEL_PARTS } from './parts.ts';
import type { UploadTarget } from './target.ts';
import { WHAT_TO_TEST_LOCALE } from './testflight.ts';

const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

/**
 * What a real run would send after the checks a dry run makes too (app, build number, groups):
 * each call with its size, in order. Nothing of it is sent.
 */
export function printPlannedCalls(
  plan: ApiUploadPlan,
  target: UploadTarget,
  file: { name: string; size: number; uti: string },
  logger: Logger,
): void {
  const { number, groups } = target;
  const { testFlight } = plan;
  const calls = [
    `POST /v1/buildUploads: version ${number.version}, build ${number.build}, ${number.platform}, app ${number.appId}`,
    `POST /v1/buildUploadFiles: ${file.name}, ${file.size} bytes (${mb(file.size)}), ${file.uti}`,
    `PUT each upload operation App Store Connect hands out: ${file.size} bytes in parts, ${PARALLEL_PARTS} at a time, the ${CHECKSUM_ALGORITHM} computed meanwhile`,
    `PATCH /v1/buildUploadFiles/<file>: uploaded, ${CHECKSUM_ALGORITHM} checksum`,
    'GET /v1/buildUploads/<upload>?include=build until COMPLETE',
  ];
  if (testFlight.waitForProcessing)
    calls.push(
      `GET /v1/builds/<build> until VALID, INVALID or FAILED, at most ${testFlight.processingTimeoutMinutes} min`,
    );
  if (testFlight.whatToTest)
    calls.push(
      `GET /v1/builds/<build>/betaBuildLocalizations, then PATCH or POST the ${WHAT_TO_TEST_LOCALE} What to Test (${testFlight.whatToTest.length} characters)`,
    );
  if (testFlight.usesNonExemptEncryption !== undefined)
    calls.push(`PATCH /v1/builds/<build>: usesNonExemptEncryption ${testFlight.usesNonExemptEncryption}`);
  if (groups.length)
    calls.push(
      `POST /v1/builds/<build>/relationships/betaGroups: ${groups.map((g) => `${g.attributes.name} (${g.id})`).join(', ')}`,
    );
  if (testFlight.submitForBetaReview) calls.push('POST /v1/betaAppReviewSubmissions: the build');
  logger.print('The API upload would make these calls:');
  for (const call of calls) logger.print(`- ${call}`);
}
