import type { AppStoreConnectClient, BetaGroup, Build } from '../../../../common/portal/index.ts';
import { type StepContext, StepError, wrapError } from '../../../../common/step/index.ts';
import type { TestFlightPlan } from '../upload-method.ts';

/** The locale of the What to Test text. */
export const WHAT_TO_TEST_LOCALE = 'en-US';

/** Whether any TestFlight action is asked for. */
export function testFlightWanted(plan: TestFlightPlan, groups: readonly BetaGroup[]): boolean {
  return (
    plan.whatToTest !== '' ||
    plan.usesNonExemptEncryption !== undefined ||
    groups.length > 0 ||
    plan.submitForBetaReview
  );
}

/**
 * TestFlight after the upload, in Apple's order: What to Test, the export compliance answer, the
 * groups, then beta review (which needs the first two). Each action is logged and recorded in
 * `actions` as it is done, so a failure later still shows what was done; each failure is one line
 * naming the action.
 */
export async function distribute(
  client: AppStoreConnectClient,
  build: Build,
  plan: TestFlightPlan,
  groups: readonly BetaGroup[],
  actions: string[],
  ctx: StepContext,
): Promise<void> {
  if (!testFlightWanted(plan, groups)) return;
  ctx.logger.info('TestFlight');
  const done = (action: string) => {
    actions.push(action);
    ctx.logger.done(action);
  };
  let current = build;

  if (plan.whatToTest !== '') {
    const how = await step('set What to Test', () => setWhatToTest(client, build.id, plan.whatToTest));
    done(`What to Test (${WHAT_TO_TEST_LOCALE}) ${how}`);
  }
  if (plan.usesNonExemptEncryption !== undefined) {
    const answer = plan.usesNonExemptEncryption;
    current = await step('answer export compliance', () =>
      client.updateBuild(build.id, { usesNonExemptEncryption: answer }),
    );
    done(`Export compliance: uses non-exempt encryption ${answer ? 'yes' : 'no'}`);
  }
  if (groups.length > 0) {
    const names = groups.map((g) => g.attributes.name).join(', ');
    await step(`add the build to the beta groups ${names}`, () =>
      client.addBuildToBetaGroups(
        build.id,
        groups.map((g) => g.id),
      ),
    );
    done(`Added to the beta groups ${names}`);
  }
  if (plan.submitForBetaReview) {
    if (
      current.attributes.usesNonExemptEncryption === undefined ||
      current.attributes.usesNonExemptEncryption === null
    )
      throw new StepError(
        `Could not submit build ${build.attributes.version} for beta review: it has no export compliance answer`,
        {
          hint: "set uses_non_exempt_encryption to yes or no, or ITSAppUsesNonExemptEncryption in the app's Info.plist",
        },
      );
    const submission = await step('submit the build for beta review', () =>
      client.submitForBetaReview(build.id),
    );
    done(`Submitted for beta review (${submission.attributes?.betaReviewState ?? 'submitted'})`);
  }
}

/** Runs one action; its failure says which action failed, with the API's own hint. */
async function step<T>(action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw wrapError(`Could not ${action}`, err);
  }
}

/** Apple creates the app's beta locales with the build, so the text is usually PATCHed (as fastlane does). */
async function setWhatToTest(
  client: AppStoreConnectClient,
  buildId: string,
  text: string,
): Promise<'updated' | 'created'> {
  const existing = (await client.listBetaBuildLocalizations(buildId)).find(
    (l) => l.attributes.locale === WHAT_TO_TEST_LOCALE,
  );
  if (existing) {
    await client.updateBetaBuildLocalization(existing.id, text);
    return 'updated';
  }
  await client.createBetaBuildLocalization({ buildId, locale: WHAT_TO_TEST_LOCALE, whatsNew: text });
  return 'created';
}
