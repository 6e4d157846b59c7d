/**
 * The activities as workflows call them, with one retry policy for all.
 *
 * They run as local activities: in the worker, inside the workflow task that asked, so a person's
 * step is one workflow task instead of a workflow task, an activity task and a second workflow task
 * per call (README "Performance"). Every one is a short database write or read, or a computation,
 * and safe to repeat, which a local activity needs (it is retried within the workflow task). The
 * notice outbox's sends, which may wait on a mail server, stay activity tasks of their own
 * (workflows/notice-outbox.ts). Histories from before the patch ran these as activity tasks and
 * replay so: `patched('local-activities')` answers per call as the history says.
 */
import { proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { patched } from './patches';

const options: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  // Projections, notices and the deadline clock must happen eventually: a database hiccup is waited
  // out, never skipped. Each activity is safe to repeat; permanent errors are non-retryable failures.
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    backoffCoefficient: 2,
    // Data the database refuses by its shape never becomes acceptable: fail at once, so the step
    // is refused and an operator sees it, rather than retrying (and holding the directive) forever.
    nonRetryableErrorTypes: ['PrismaClientValidationError'],
  },
};

const asActivityTasks = proxyActivities<Activities>(options);
const inWorkflowTask = proxyLocalActivities<Activities>(options);

/**
 * Whether a step's turn notice (待办) rides on the activity that records the step (one local
 * activity per step), or goes in an activity of its own after it, as histories from before
 * 'one-write-per-step' have it (and none before 'turn-notices').
 */
export const turnNoticeWithRecord = () => patched('one-write-per-step') && patched('turn-notices');

export const activities: typeof asActivityTasks = new Proxy(asActivityTasks, {
  get: (tasks, name: keyof Activities) => (patched('local-activities') ? inWorkflowTask : tasks)[name],
});
