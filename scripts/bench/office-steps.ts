/**
 * The office's steps from 初审 to 转办 as the benchmarks send them over HTTP (scripts/bench.ts, the
 * scale loader), given the 拟办's form; each step answers with the directive's state.
 */
export const CLERK = 'huangweiyan';
export const OFFICE_DIRECTOR = 'zh1-director';

export const officeSteps = (proposal: object) =>
  [
    // 初审 (the document belongs here) comes before 拟办; the status stays REGISTERED.
    {
      step: 'initial review',
      who: CLERK,
      path: 'initial-review',
      body: { decision: 'ACCEPT' },
      expect: 'REGISTERED',
    },
    { step: 'proposal', who: CLERK, path: 'proposal', body: proposal, expect: 'REVIEWING' },
    {
      step: 'review (reviewer)',
      who: 'chenweiyan',
      path: 'review',
      body: { decision: 'APPROVE' },
      expect: 'REVIEWING',
    },
    {
      step: 'review (director)',
      who: OFFICE_DIRECTOR,
      path: 'review',
      body: { decision: 'APPROVE' },
      expect: 'AWAITING_INSTRUCTION',
    },
    {
      step: 'instruction',
      who: 'chunxin',
      path: 'instruction',
      body: { decision: 'APPROVE', text: '同意。' },
      expect: 'INSTRUCTED',
    },
    { step: 'dispatch', who: CLERK, path: 'dispatch', body: {}, expect: 'IN_PROGRESS' },
  ] as const;
