/**
 * Who may take which step of the integrity chain, from which status: the one table the
 * workflows' validators, the API's role guards and the UI's forms all read (see ./steps).
 * ownDepartment marks the subject body's steps: its staff act on its own records and cases only.
 */
import type { BreachStatus, CaseStatus } from './integrity-types';
import type { StepTable } from './steps';

/** Every status in which a record still stands and can be argued about. */
const STANDING: BreachStatus[] = [
  'EXPLANATION_DUE',
  'PLAN_DUE',
  'COMPLETION_DUE',
  'VERIFYING',
  'RECTIFIED',
  'REPAIR_REQUESTED',
];

export type BreachStep =
  | 'correctRecord'
  | 'explain'
  | 'submitPlan'
  | 'reportCompletion'
  | 'verify'
  | 'openCase'
  | 'fileObjection'
  | 'reviewObjection'
  | 'applyRepair'
  | 'decideRepair';

export const BREACH_STEPS: StepTable<BreachStep, BreachStatus> = {
  correctRecord: { label: '更正记录', roles: ['CREDIT_OFFICER'], from: STANDING },
  explain: {
    label: '书面说明原因',
    roles: ['DEPT_HANDLER', 'DEPT_HEAD'],
    from: ['EXPLANATION_DUE'],
    ownDepartment: true,
  },
  submitPlan: { label: '报送整改方案', roles: ['DEPT_HEAD'], from: ['PLAN_DUE'], ownDepartment: true },
  reportCompletion: {
    label: '报告整改完成',
    roles: ['DEPT_HEAD'],
    from: ['COMPLETION_DUE'],
    ownDepartment: true,
  },
  verify: { label: '整改验收', roles: ['CREDIT_OFFICER'], from: ['VERIFYING'] },
  openCase: { label: '立案追责', roles: ['CREDIT_OFFICER'], from: STANDING },
  fileObjection: { label: '提出异议', roles: ['DEPT_HEAD'], from: STANDING, ownDepartment: true },
  reviewObjection: { label: '异议复核', roles: ['CREDIT_OFFICER', 'OFFICE_DIRECTOR'], from: STANDING },
  applyRepair: { label: '申请信用修复', roles: ['DEPT_HEAD'], from: ['RECTIFIED'], ownDepartment: true },
  decideRepair: { label: '信用修复审核', roles: ['CREDIT_OFFICER'], from: ['REPAIR_REQUESTED'] },
};

export type CaseStep =
  'concludeInvestigation' | 'showMitigation' | 'decide' | 'fileObjection' | 'reviewObjection';

export const CASE_STEPS: StepTable<CaseStep, CaseStatus> = {
  concludeInvestigation: { label: '调查终结', roles: ['CREDIT_OFFICER'], from: ['INVESTIGATING'] },
  showMitigation: {
    label: '说明自我纠错',
    roles: ['DEPT_HEAD'],
    from: ['INVESTIGATING', 'AWAITING_DECISION'],
    ownDepartment: true,
  },
  decide: { label: '追责决定', roles: ['OFFICE_DIRECTOR', 'CREDIT_OFFICER'], from: ['AWAITING_DECISION'] },
  fileObjection: { label: '提出异议', roles: ['DEPT_HEAD'], from: ['DECIDED'], ownDepartment: true },
  reviewObjection: { label: '异议复核', roles: ['CREDIT_OFFICER', 'OFFICE_DIRECTOR'], from: ['OBJECTED'] },
};

/** The subject body's steps (ownDepartment): taken only on its own records and cases. */
export const SUBJECT_STEPS: readonly string[] = [
  ...Object.entries(BREACH_STEPS),
  ...Object.entries(CASE_STEPS),
]
  .filter(([, rule]) => rule.ownDepartment)
  .map(([key]) => key);
