/**
 * The seed case as test data: the people of the demo organisation as the API would vouch for
 * them, and the steps of 国发〔2016〕76号 through the general office, driven straight at Temporal.
 */
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import {
  departmentTaskWorkflowId,
  directiveWorkflowId,
  dispatchUpdate,
  incomingRegisterWorkflowId,
  getDirectiveStateQuery,
  initialReviewUpdate,
  instructUpdate,
  replyUpdate,
  proposeHandlingUpdate,
  registerIncomingUpdate,
  reviewProposalUpdate,
} from '../../workflows/definitions';
import { onceStarted } from '../../api/updates';
import { incomingRegisterWorkflow } from '../../workflows/incoming-register';
import { DEFAULT_POLICY, type HandlingOptionCode, type RoutingPolicy } from '../../workflows/policy';
import type { ActingUser, IncomingDocument, Proposal } from '../../workflows/types';
import { SEED_DIRECTIVE } from './stack';

/** 2017-01-03, 09:00 China Standard Time: the morning 国发〔2016〕76号 was received. */
export const SEED_MORNING = '2017-01-03T09:00:00+08:00';

const person = (
  userId: string,
  displayName: string,
  departmentCode: string,
  ...roles: string[]
): ActingUser => ({
  userId,
  displayName,
  departmentCode,
  roles,
});

export const people = {
  clerk: person('u-huangweiyan', '黄炜演', 'GDBGT-ZH1', 'CLERK'),
  reviewer: person('u-chenweiyan', '陈伟演', 'GDBGT-ZH1', 'OFFICE_REVIEWER'),
  director: person('u-zh1-director', '综合一处处长', 'GDBGT-ZH1', 'OFFICE_DIRECTOR'),
  leader: person('u-chunxin', '春新', 'GDBGT', 'LEADER'),
  fgwHandler: person('u-fgw-mishu', '省发展改革委秘书科', 'GDFGW', 'DEPT_HANDLER'),
  fgwHead: person('u-fgw-head', '省发展改革委负责人', 'GDFGW', 'DEPT_HEAD'),
  cztHandler: person('u-czt-handler', '省财政厅承办人', 'GDCZT', 'DEPT_HANDLER'),
  cztHead: person('u-czt-head', '省财政厅负责人', 'GDCZT', 'DEPT_HEAD'),
  // 督查室: the credit and supervision staff of the integrity chain.
  ducha: person('u-ducha', '督查室督查员', 'GDBGT-DC', 'CREDIT_OFFICER'),
  xinyong: person('u-xinyong', '督查室信用管理员', 'GDBGT-DC', 'CREDIT_OFFICER'),
};

/** 拟请省发展改革委会同省有关部门研究提出办理意见。请春新同志批示。 */
export function seedProposal(overrides: Partial<Proposal> = {}): Proposal {
  return {
    leadDepartment: 'GDFGW',
    coDepartments: [],
    handlingOption: 1,
    leaders: [{ userId: 'u-chunxin', displayName: '春新' }],
    leaderMode: 'SEQUENCE',
    comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
    ...overrides,
  };
}

/** Milliseconds from the server's now until a China Standard Time wall-clock moment. */
export async function untilChinaTime(
  client: { currentTimeMs(): Promise<number> },
  cst: string,
): Promise<number> {
  return Date.parse(`${cst}+08:00`) - (await client.currentTimeMs());
}

/**
 * 登记 is answered as the start of the directive's workflow is asked for, and the server starts it
 * just after: a test's next step on it waits for the start, as the API's steps do.
 */
export async function directiveStarted(client: Client, receiptNumber: string): Promise<void> {
  const directive = client.workflow.getHandle(directiveWorkflowId(receiptNumber));
  await onceStarted(
    () => directive.describe(),
    () => Promise.resolve(true),
  );
}

export function directiveSteps(client: Client, taskQueue: string) {
  const handle = (receiptNumber: string) => client.workflow.getHandle(directiveWorkflowId(receiptNumber));
  return {
    /** 收文登记 in a register that already holds lastSequence paper entries. */
    async register(
      document: IncomingDocument = { ...SEED_DIRECTIVE },
      lastSequence = 83,
      policy: RoutingPolicy = DEFAULT_POLICY,
    ) {
      const year = Number(document.receivedDate.slice(0, 4));
      const { receiptNumber } = await client.workflow.executeUpdateWithStart(registerIncomingUpdate, {
        args: [{ document, registeredBy: people.clerk, policy }],
        startWorkflowOperation: new WithStartWorkflowOperation(incomingRegisterWorkflow, {
          workflowId: incomingRegisterWorkflowId(year),
          taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [{ year, lastSequence }],
        }),
      });
      await directiveStarted(client, receiptNumber);
      return receiptNumber;
    },
    /** 初审: the clerk finds it belongs here and accepts it for handling. */
    accept: (receiptNumber: string) =>
      handle(receiptNumber).executeUpdate(initialReviewUpdate, {
        args: [{ by: people.clerk, decision: 'ACCEPT', comment: '' }],
      }),
    propose: (receiptNumber: string, proposal = seedProposal()) =>
      handle(receiptNumber).executeUpdate(proposeHandlingUpdate, { args: [{ by: people.clerk, proposal }] }),
    signOff: (receiptNumber: string, by: ActingUser, comment = '同意') =>
      handle(receiptNumber).executeUpdate(reviewProposalUpdate, {
        args: [{ by, decision: 'APPROVE', comment }],
      }),
    instruct: (receiptNumber: string, by: ActingUser = people.leader, text = '同意') =>
      handle(receiptNumber).executeUpdate(instructUpdate, { args: [{ by, decision: 'APPROVE', text }] }),
    dispatch: (receiptNumber: string) =>
      handle(receiptNumber).executeUpdate(dispatchUpdate, { args: [{ by: people.clerk }] }),
    /** Registration through 批示, as on the seed's 呈批表: 初审, proposal, two sign-offs, 春新 同意. */
    async throughInstruction(option: HandlingOptionCode = 1, overrides: Partial<Proposal> = {}) {
      const receiptNumber = await this.register();
      await this.instructed(receiptNumber, seedProposal({ handlingOption: option, ...overrides }));
      return receiptNumber;
    },
    /** A registered directive through 初审, 拟办, both sign-offs and 春新's 同意. */
    async instructed(receiptNumber: string, proposal = seedProposal()) {
      await this.accept(receiptNumber);
      await this.propose(receiptNumber, proposal);
      await this.signOff(receiptNumber, people.reviewer);
      await this.signOff(receiptNumber, people.director);
      return this.instruct(receiptNumber);
    },
    /** 答复 to 国务院 once the directive is closed (办结), telling the named units. */
    async reply(receiptNumber: string, notifyDepartments: string[] = [], text = '已按要求办理完毕。') {
      for (let i = 0; (await handle(receiptNumber).query(getDirectiveStateQuery)).status !== 'CLOSED'; i++) {
        if (i === 100) throw new Error(`directive ${receiptNumber} did not close`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return handle(receiptNumber).executeUpdate(replyUpdate, {
        args: [{ by: people.clerk, text, notifyDepartments }],
      });
    },
    directive: handle,
    task: (receiptNumber: string, departmentCode: string) =>
      client.workflow.getHandle(departmentTaskWorkflowId(receiptNumber, departmentCode)),
  };
}
