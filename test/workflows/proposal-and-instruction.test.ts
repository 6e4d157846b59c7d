/**
 * 拟办, 审核 and 批示 with their returns and amendments: a reviewer or a leader sends the proposal
 * back to the clerk, a leader amends it, and leaders asked in parallel instruct in any order.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { instructUpdate, reviewProposalUpdate } from '../../workflows/definitions';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { SEED_MORNING, directiveSteps, people, seedProposal } from '../helpers/seed-case';
import { startStack, type Stack } from '../helpers/stack';
import { startTimeSkippingServer } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let stack: Stack;
let steps: ReturnType<typeof directiveSteps>;
const secretaryGeneral = {
  userId: 'u-mishuzhang',
  displayName: '办公厅秘书长',
  departmentCode: 'GDBGT',
  roles: ['LEADER'],
};

beforeAll(async () => {
  env = await startTimeSkippingServer({ startAt: SEED_MORNING });
  stack = await startStack(env);
  steps = directiveSteps(env.client, stack.taskQueue);
});

afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

let n = 0;
const register = async () => {
  const rn = await steps.register({ ...SEED_DIRECTIVE, docNumber: `国发〔2016〕${60 + ++n}号` });
  await steps.accept(rn);
  return rn;
};

test('a reviewer returns the 拟办 with a comment; the clerk proposes again and the sign-offs start over', async () => {
  const rn = await register();
  await steps.propose(rn);
  const returned = await steps.directive(rn).executeUpdate(reviewProposalUpdate, {
    args: [{ by: people.reviewer, decision: 'RETURN', comment: '请明确会办单位' }],
  });
  expect(returned).toMatchObject({ status: 'RETURNED', signOffs: [] });

  const again = await steps.propose(rn, seedProposal({ coDepartments: ['GDCZT'] }));
  expect(again).toMatchObject({ status: 'REVIEWING', signOffs: [], proposal: { coDepartments: ['GDCZT'] } });
  await steps.signOff(rn, people.reviewer);
  const signed = await steps.signOff(rn, people.director);
  expect(signed.status).toBe('AWAITING_INSTRUCTION');
  expect(signed.signOffs.map((s) => [s.by.displayName, s.role])).toEqual([
    ['陈伟演', 'OFFICE_REVIEWER'],
    ['综合一处处长', 'OFFICE_DIRECTOR'],
  ]);
  const actions = await stack.database.db.timelineEntry.findMany({
    where: { receiptNumber: rn },
    orderBy: { seq: 'asc' },
  });
  expect(actions.map((a) => [a.action, a.toState])).toEqual([
    ['签收', null],
    ['收文登记', 'REGISTERED'],
    ['初审', 'REGISTERED'],
    ['拟办', 'REVIEWING'],
    ['审核退回', 'RETURNED'],
    ['拟办', 'REVIEWING'],
    ['审核', 'REVIEWING'],
    ['审核', 'AWAITING_INSTRUCTION'],
  ]);
});

test('a leader amends the department and option; the amended proposal is what gets dispatched', async () => {
  const rn = await register();
  await steps.propose(rn);
  await steps.signOff(rn, people.reviewer);
  await steps.signOff(rn, people.director);
  const amended = await steps.directive(rn).executeUpdate(instructUpdate, {
    args: [
      {
        by: people.leader,
        decision: 'AMEND',
        text: '改由省司法厅主办，加具贯彻意见',
        amendment: { leadDepartment: 'GDSFT', handlingOption: 4 },
      },
    ],
  });
  expect(amended).toMatchObject({
    status: 'INSTRUCTED',
    proposal: { leadDepartment: 'GDSFT', handlingOption: 4 },
  });
  const dispatched = await steps.dispatch(rn);
  expect(dispatched.departments).toEqual({ GDSFT: 'DISPATCHED' });
  const row = await stack.database.db.directive.findUniqueOrThrow({ where: { receiptNumber: rn } });
  expect(row).toMatchObject({ leadDepartmentCode: 'GDSFT', handlingOption: 4, dueDate: '2017-01-13' }); // 10 days from 01-03 (the 代拟稿 may follow within 15)
});

test('a leader returns it to the clerk with an instruction', async () => {
  const rn = await register();
  await steps.propose(rn);
  await steps.signOff(rn, people.reviewer);
  await steps.signOff(rn, people.director);
  const returned = await steps.directive(rn).executeUpdate(instructUpdate, {
    args: [{ by: people.leader, decision: 'RETURN', text: '请先征求省财政厅意见' }],
  });
  expect(returned.status).toBe('RETURNED');
  expect(returned.instructions).toMatchObject([{ decision: 'RETURN', text: '请先征求省财政厅意见' }]);
});

test('leaders asked in parallel instruct in any order; the last one completes the 批示', async () => {
  const rn = await register();
  await steps.propose(
    rn,
    seedProposal({ leaders: [people.leader, secretaryGeneral], leaderMode: 'PARALLEL' }),
  );
  await steps.signOff(rn, people.reviewer);
  await steps.signOff(rn, people.director);
  const first = await steps.instruct(rn, secretaryGeneral, '同意');
  expect(first.status).toBe('AWAITING_INSTRUCTION');
  const second = await steps.instruct(rn, people.leader, '同意。');
  expect(second.status).toBe('INSTRUCTED');
  expect(second.instructions.map((i) => i.by.displayName)).toEqual(['办公厅秘书长', '春新']);
});

describe('the validators are the second line: a value of the wrong type never reaches a handler', () => {
  it.each([
    ['办理提示 as text', { handlingOption: '1' }, 'handlingOption'],
    ['an inherited key as 办理提示', { handlingOption: 'toString' }, 'handlingOption'],
    ['a fraction as 办理提示', { handlingOption: 1.5 }, 'handlingOption'],
  ])('拟办 with %s is refused', async (_what, override, field) => {
    const rn = await register();
    await expect(steps.propose(rn, { ...seedProposal(), ...(override as object) })).rejects.toMatchObject({
      cause: {
        type: 'InvalidInput',
        message: '办理提示须为 1–5 之一',
        details: [[{ field, reason: '办理提示须为 1–5 之一' }]],
      },
    });
    // The directive goes on: the same proposal, well formed, is taken.
    await expect(steps.propose(rn)).resolves.toMatchObject({ status: 'REVIEWING' });
  });

  it.each([
    ['办理提示 as text', { handlingOption: '1' }],
    ['a field a 批示 does not change', { leaders: [] }],
  ])('a 批示 amending %s is refused, and an approval then goes through', async (_what, amendment) => {
    const rn = await register();
    await steps.propose(rn);
    await steps.signOff(rn, people.reviewer);
    await steps.signOff(rn, people.director);
    await expect(
      steps.directive(rn).executeUpdate(instructUpdate, {
        args: [
          { by: people.leader, decision: 'AMEND', text: '改为办理提示2', amendment: amendment as never },
        ],
      }),
    ).rejects.toMatchObject({ cause: { type: 'InvalidInput' } });
    await expect(steps.instruct(rn)).resolves.toMatchObject({ status: 'INSTRUCTED' });
  });
});
