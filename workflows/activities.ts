/** The activities as workflows call them, with one retry policy for all. */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const activities = proxyActivities<Activities>({
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
});
