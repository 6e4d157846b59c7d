/**
 * The step tables: who may take which step in which status, as the validators, the API's role
 * guards and the UI all read it. Pure: no server.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../workflows/definitions';
import { OFFICE_ROLES, ROLES } from '../../workflows/roles';
import {
  DIRECTIVE_STEPS,
  TASK_STEPS,
  checkStep,
  openSteps,
  stepOpen,
  type StepRule,
} from '../../workflows/steps';
import type { ActingUser, DepartmentTaskStatus, DirectiveStatus } from '../../workflows/types';

const OFFICE = ['CLERK', 'OFFICE_REVIEWER', 'OFFICE_DIRECTOR'];
const BEFORE_THE_END = [
  'REGISTERED',
  'REVIEWING',
  'AWAITING_INSTRUCTION',
  'RETURNED',
  'INSTRUCTED',
  'IN_PROGRESS',
];
const OWING = ['DISPATCHED', 'SIGNED_FOR', 'RETURNED'];

const by = (...roles: string[]): ActingUser => ({
  userId: 'u-test',
  displayName: '测试',
  roles,
  departmentCode: 'GDBGT',
});

/** What a validator threw: its failure type and message. */
function refusal(check: () => void): { type?: string; message: string } | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.nonRetryable).toBe(true);
    return { type: failure.type ?? undefined, message: failure.message };
  }
}

describe('the directive steps: who, from which status', () => {
  it.each([
    ['initialReview', '初审', ['CLERK', 'OFFICE_DIRECTOR'], ['REGISTERED']],
    ['propose', '拟办', ['CLERK'], ['REGISTERED', 'RETURNED']],
    ['review', '审核', ['OFFICE_REVIEWER', 'OFFICE_DIRECTOR'], ['REVIEWING']],
    ['instruct', '批示', ['LEADER'], ['AWAITING_INSTRUCTION']],
    ['dispatch', '转办', ['CLERK'], ['INSTRUCTED']],
    ['withdraw', '撤办', ['CLERK', 'OFFICE_DIRECTOR'], BEFORE_THE_END],
    ['assignUrger', '指定督办人', ['CLERK', 'OFFICE_DIRECTOR'], BEFORE_THE_END],
    ['circulate', '传阅', OFFICE, ['INSTRUCTED', 'IN_PROGRESS', 'CLOSED']],
    ['recallCirculation', '收回传阅', OFFICE, ['INSTRUCTED', 'IN_PROGRESS', 'CLOSED']],
    ['reply', '答复', ['CLERK', 'OFFICE_DIRECTOR'], ['CLOSED']],
    ['file', '归档', ['CLERK', 'OFFICE_DIRECTOR'], ['REGISTERED', 'INSTRUCTED']],
  ] as const)('%s (%s) is for %j from %j', (key, label, roles, from) => {
    const rule = DIRECTIVE_STEPS[key];
    expect(rule).toMatchObject({ label, roles, from });
    expect(rule.ownDepartment).toBeUndefined();
  });

  it('lists every step of the directive, in the order the 呈批表 shows them', () => {
    expect(Object.keys(DIRECTIVE_STEPS)).toEqual([
      'initialReview',
      'propose',
      'review',
      'instruct',
      'dispatch',
      'withdraw',
      'assignUrger',
      'circulate',
      'recallCirculation',
      'reply',
      'file',
    ]);
  });
});

describe('the department task steps: who, from which status, whose department', () => {
  it.each([
    ['signFor', '签收', ['DEPT_HANDLER', 'DEPT_HEAD'], ['DISPATCHED'], true],
    ['report', '回报', ['DEPT_HEAD'], ['SIGNED_FOR', 'RETURNED'], true],
    ['reviewReport', '审核回报', OFFICE, ['REPORTED'], false],
    ['sendDraft', '送交代拟稿', ['DEPT_HEAD'], ['DRAFT_PENDING'], true],
    ['reviewDraft', '审核代拟稿', OFFICE, ['DRAFT_SENT'], false],
    ['requestExtension', '申请延期', ['DEPT_HANDLER', 'DEPT_HEAD'], OWING, true],
    ['decideExtension', '审批延期', OFFICE, OWING, false],
    ['urge', '催办', OFFICE, [...OWING, 'DRAFT_PENDING'], false],
    ['reassignHandler', '改派承办人', OFFICE, OWING, false],
  ] as const)('%s (%s) is for %j from %j; own department only: %s', (key, label, roles, from, own) => {
    const rule = TASK_STEPS[key];
    expect(rule).toMatchObject({ label, roles, from });
    expect(rule.ownDepartment ?? false).toBe(own);
  });
});

describe('checkStep refuses the wrong person with NotYours, then the wrong moment with NotNow', () => {
  const rules = { ...DIRECTIVE_STEPS, ...TASK_STEPS } as Record<string, StepRule>;
  it.each([
    [
      '初审 by a reviewer',
      'initialReview',
      ['OFFICE_REVIEWER'],
      'REGISTERED',
      'NotYours',
      '初审须由以下角色办理：文秘/经办人（CLERK）、处长/秘书长（OFFICE_DIRECTOR）',
    ],
    ['初审 by the office director', 'initialReview', ['OFFICE_DIRECTOR'], 'REGISTERED', undefined, ''],
    [
      '初审 once 拟办 is proposed',
      'initialReview',
      ['CLERK'],
      'REVIEWING',
      'NotNow',
      '当前状态为审核中（REVIEWING），不能初审',
    ],
    [
      '拟办 by the office director',
      'propose',
      ['OFFICE_DIRECTOR'],
      'REGISTERED',
      'NotYours',
      '拟办须由以下角色办理：文秘/经办人（CLERK）',
    ],
    [
      '批示 by a clerk, in the wrong status too: the role is said first',
      'instruct',
      ['CLERK'],
      'REGISTERED',
      'NotYours',
      '批示须由以下角色办理：领导（LEADER）',
    ],
    [
      '转办 before the 批示',
      'dispatch',
      ['CLERK'],
      'AWAITING_INSTRUCTION',
      'NotNow',
      '当前状态为待批示（AWAITING_INSTRUCTION），不能转办',
    ],
    [
      '撤办 after 办结',
      'withdraw',
      ['OFFICE_DIRECTOR'],
      'CLOSED',
      'NotNow',
      '当前状态为已办结（CLOSED），不能撤办',
    ],
    [
      '答复 by a reviewer',
      'reply',
      ['OFFICE_REVIEWER'],
      'CLOSED',
      'NotYours',
      '答复须由以下角色办理：文秘/经办人（CLERK）、处长/秘书长（OFFICE_DIRECTOR）',
    ],
    [
      '签收 by the office',
      'signFor',
      ['CLERK'],
      'DISPATCHED',
      'NotYours',
      '签收须由以下角色办理：承办人（DEPT_HANDLER）、部门负责人（DEPT_HEAD）',
    ],
    [
      '回报 by the handler',
      'report',
      ['DEPT_HANDLER'],
      'SIGNED_FOR',
      'NotYours',
      '回报须由以下角色办理：部门负责人（DEPT_HEAD）',
    ],
    ['回报 before 签收', 'report', ['DEPT_HEAD'], 'DISPATCHED', 'NotNow', '回报：请先签收'],
    [
      '回报 once accepted',
      'report',
      ['DEPT_HEAD'],
      'ACCEPTED',
      'NotNow',
      '当前状态为回报通过（ACCEPTED），不能回报',
    ],
    ['催办 once reported', 'urge', ['CLERK'], 'REPORTED', 'NotNow', '当前状态为已回报（REPORTED），不能催办'],
    [
      '审核回报 by the credit officer',
      'reviewReport',
      ['CREDIT_OFFICER'],
      'REPORTED',
      'NotYours',
      '审核回报须由以下角色办理：文秘/经办人（CLERK）、审核人（OFFICE_REVIEWER）、处长/秘书长（OFFICE_DIRECTOR）',
    ],
  ])('%s', (_case, key, roles, status, type, message) => {
    const refused = refusal(() => checkStep(rules[key]!, by(...roles), status));
    if (type === undefined) {
      expect(refused).toBeUndefined();
    } else {
      expect(refused).toEqual({ type: FailureType[type as keyof typeof FailureType], message });
    }
  });
});

describe('stepOpen and openSteps: what a person may take now', () => {
  it.each([
    ['a clerk', ['CLERK'], 'REGISTERED', ['initialReview', 'propose', 'withdraw', 'assignUrger', 'file']],
    [
      'the office director',
      ['OFFICE_DIRECTOR'],
      'REGISTERED',
      ['initialReview', 'withdraw', 'assignUrger', 'file'],
    ],
    ['a reviewer', ['OFFICE_REVIEWER'], 'REGISTERED', []],
    ['a reviewer', ['OFFICE_REVIEWER'], 'REVIEWING', ['review']],
    ['a leader', ['LEADER'], 'AWAITING_INSTRUCTION', ['instruct']],
    [
      'a clerk',
      ['CLERK'],
      'INSTRUCTED',
      ['dispatch', 'withdraw', 'assignUrger', 'circulate', 'recallCirculation', 'file'],
    ],
    ['a clerk', ['CLERK'], 'CLOSED', ['circulate', 'recallCirculation', 'reply']],
    ['a clerk', ['CLERK'], 'WITHDRAWN', []],
    ['a department head', ['DEPT_HEAD'], 'REGISTERED', []],
  ] as const)('%s %j on a %s directive: %j', (_who, roles, status, expected) => {
    expect(openSteps(DIRECTIVE_STEPS, roles, status as DirectiveStatus)).toEqual(expected);
  });

  it.each([
    ['a department handler', ['DEPT_HANDLER'], 'DISPATCHED', ['signFor', 'requestExtension']],
    ['a department head', ['DEPT_HEAD'], 'SIGNED_FOR', ['report', 'requestExtension']],
    ['a clerk', ['CLERK'], 'SIGNED_FOR', ['decideExtension', 'urge', 'reassignHandler']],
    ['a reviewer', ['OFFICE_REVIEWER'], 'REPORTED', ['reviewReport']],
    ['a clerk', ['CLERK'], 'ACCEPTED', []],
  ] as const)('%s %j on a %s task: %j', (_who, roles, status, expected) => {
    expect(openSteps(TASK_STEPS, roles, status as DepartmentTaskStatus)).toEqual(expected);
  });

  it('needs one matching role and an allowed status', () => {
    expect(stepOpen(DIRECTIVE_STEPS.initialReview, ['LEADER', 'OFFICE_DIRECTOR'], 'REGISTERED')).toBe(true);
    expect(stepOpen(DIRECTIVE_STEPS.initialReview, ['LEADER'], 'REGISTERED')).toBe(false);
    expect(stepOpen(DIRECTIVE_STEPS.initialReview, ['CLERK'], 'RETURNED')).toBe(false);
  });
});

describe('the role catalogue', () => {
  it('has the credit and supervision officer, who is not of the office that sees every directive', () => {
    expect(ROLES.CREDIT_OFFICER).toBe('信用管理员/督查员 (credit and supervision officer)');
    expect(OFFICE_ROLES).not.toContain('CREDIT_OFFICER');
  });

  it('names only known roles in the step tables', () => {
    const named = [...Object.values(DIRECTIVE_STEPS), ...Object.values(TASK_STEPS)].flatMap((r) => r.roles);
    for (const role of named) expect(Object.keys(ROLES)).toContain(role);
  });
});
