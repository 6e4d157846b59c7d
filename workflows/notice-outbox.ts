/**
 * The notice outbox's sender (README "Notices by e-mail and webhook"): one long-running workflow per
 * deployment, started by the worker, that drains the e-mail and webhook deliveries deliverNotice
 * queued. It drains, sleeps until the next delivery is due or the poll interval has passed (an
 * activity cannot wake it, so new notices wait at most one interval), and continues as new now and
 * then to keep its history short. A crashed drain is retried by its activity's retry policy; the
 * rows it had claimed are free again when their claim runs out.
 */
import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** The one outbox workflow of a deployment (the worker starts it, or finds it running). */
export const NOTICE_OUTBOX_WORKFLOW_ID = 'notice-outbox';

export interface NoticeOutboxInput {
  /** Longest sleep between drains; 10 s by default. */
  pollSeconds?: number;
  /** Drains before continuing as new; 200 by default. */
  drainsPerRun?: number;
}

const { drainNoticeOutbox } = proxyActivities<Pick<Activities, 'drainNoticeOutbox'>>({
  // A batch of 20 sends of at most 30 s each; the heartbeat after each shows it alive.
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function noticeOutboxWorkflow(input: NoticeOutboxInput = {}): Promise<void> {
  const pollMs = (input.pollSeconds ?? 10) * 1000;
  const drains = input.drainsPerRun ?? 200;
  for (let i = 0; i < drains; i++) {
    const drained = await drainNoticeOutbox();
    if (drained.more) continue;
    await sleep(Math.min(pollMs, Math.max(1000, drained.nextDueInMs ?? pollMs)));
  }
  await continueAsNew<typeof noticeOutboxWorkflow>(input);
}
