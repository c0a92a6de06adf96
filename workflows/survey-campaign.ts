/**
 * One workflow per survey campaign. It only decides and waits:
 *
 *   startsAt  -> open (invitations, links, invitation emails)
 *   remindAt  -> remind once those without a complete response
 *   endsAt    -> close (or earlier, when someone sends the `close` update)
 *             -> compute and store the results, write the survey facts
 *
 * Every write is an idempotent activity (activities/survey.ts), keyed by the
 * campaign and the instant this workflow decided on, so a retried activity
 * repeats the same work. Email delivery runs beside the timeline (a slow SMTP
 * server never delays the close); messages it gives up on stay pending in the
 * outbox. Short history: a handful of activities per campaign, no
 * continue-as-new.
 */
import { allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ComplaintActivities, SurveyActivities } from '../activities';
import { type Actor, SYSTEM_ACTOR } from '../src/domain/actors';
import { type CampaignPhase, type CampaignProgress, type CloseCampaignRequest, type SurveyCampaignInput, closeCampaignUpdate, getCampaignQuery } from '../src/contracts/survey';
import { DELIVERY_ACTIVITY } from './persistence';

const { openSurveyCampaign, remindSurveyCampaign } = proxyActivities<SurveyActivities>({
  // Up to 5,000 invitations with their links and messages: minutes on a slow store. The worker heartbeats.
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { closeSurveyCampaign, computeSurveyResults } = proxyActivities<SurveyActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { deliverNotifications } = proxyActivities<ComplaintActivities>(DELIVERY_ACTIVITY);

/** Messages per delivery activity: keeps each activity's input small. */
export const DELIVERY_BATCH = 200;

const PHASE_ORDER: Record<CampaignPhase, number> = { scheduled: 0, open: 1, reminded: 2, closed: 3, computed: 4 };

export async function surveyCampaignWorkflow(input: SurveyCampaignInput): Promise<CampaignProgress> {
  const progress: CampaignProgress = { campaignId: input.campaignId, phase: 'scheduled', invited: 0, reminded: 0, closedAt: null, closedBy: null };
  let closeRequest: { at: number; by: Actor } | null = null;
  const deliveries: Promise<void>[] = [];

  setHandler(getCampaignQuery, () => progress);
  setHandler(closeCampaignUpdate, async ({ actor }: CloseCampaignRequest) => {
    // The first request counts; a repeat (or one after the end) only waits for the results.
    if (!closeRequest && PHASE_ORDER[progress.phase] < PHASE_ORDER.closed) closeRequest = { at: Date.now(), by: actor };
    await condition(() => progress.phase === 'computed');
    return progress;
  });

  const closing = () => closeRequest !== null;
  // Read through a function: the update handler assigns it, which TypeScript's narrowing cannot see.
  const closeRequested = (): { at: number; by: Actor } | null => closeRequest;
  /** Waits until `at` or an early close, whichever comes first; true when it is time (not closed). */
  async function waitUntil(at: number): Promise<boolean> {
    if (closing()) return false;
    const ms = at - Date.now();
    if (ms > 0) await condition(closing, ms);
    return !closing();
  }

  function deliver(outboxIds: string[]): void {
    for (let i = 0; i < outboxIds.length; i += DELIVERY_BATCH) {
      const batch = outboxIds.slice(i, i + DELIVERY_BATCH);
      deliveries.push(
        deliverNotifications({ outboxIds: batch }).then(
          () => undefined,
          () => undefined, // given up: the messages stay pending in the outbox
        ),
      );
    }
  }

  if (await waitUntil(input.startsAt)) {
    const opened = await openSurveyCampaign({ campaignId: input.campaignId, now: Date.now() });
    progress.phase = 'open';
    progress.invited = opened.invited;
    deliver(opened.outboxIds);

    if (input.remindAt !== null && (await waitUntil(input.remindAt))) {
      const reminded = await remindSurveyCampaign({ campaignId: input.campaignId, now: Date.now() });
      progress.phase = 'reminded';
      progress.reminded = reminded.reminded;
      deliver(reminded.outboxIds);
    }
    await waitUntil(input.endsAt);
  }

  // Closed when it was asked to, else at its end (even when a worker outage made the timer fire late).
  const request = closeRequested();
  const closedAt = request ? request.at : input.endsAt;
  const closedBy = request ? request.by : SYSTEM_ACTOR;
  await closeSurveyCampaign({ campaignId: input.campaignId, closedAt, closedBy });
  progress.phase = 'closed';
  progress.closedAt = closedAt;
  progress.closedBy = closedBy;

  await computeSurveyResults({ campaignId: input.campaignId });
  progress.phase = 'computed';

  await condition(allHandlersFinished);
  await Promise.all(deliveries);
  return progress;
}
