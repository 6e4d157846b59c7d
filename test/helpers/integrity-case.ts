/**
 * The integrity chain as test data: a 政务失信记录 against 省财政厅 for a broken public commitment,
 * registered by 督查室, and each step of its rectification, cases and repair, driven straight at
 * Temporal as the API would.
 */
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { breachRecordWorkflow } from '../../workflows/breach-record';
import {
  accountabilityCaseWorkflowId,
  applyRepairUpdate,
  breachOpenedUpdate,
  breachRecordWorkflowId,
  concludeInvestigationUpdate,
  decideCaseUpdate,
  decideRepairUpdate,
  explainBreachUpdate,
  fileObjectionUpdate,
  reportRectificationUpdate,
  reviewObjectionUpdate,
  showMitigationUpdate,
  submitRectificationPlanUpdate,
  verifyRectificationUpdate,
} from '../../workflows/definitions';
import { DEFAULT_INTEGRITY_POLICY, type IntegrityPolicy } from '../../workflows/integrity-policy';
import type {
  AccountabilityCaseState,
  BreachFacts,
  BreachRecordState,
  DecideCaseRequest,
  ReviewObjectionRequest,
} from '../../workflows/integrity-types';
import type { ActingUser } from '../../workflows/types';
import { people } from './seed-case';

/** 省财政厅 did not honour its public commitment to pay a contractor on time (承诺未履行). */
export function commitmentBreach(overrides: Partial<BreachFacts> = {}): BreachFacts {
  return {
    subject: { kind: 'BODY', departmentCode: 'GDCZT' },
    source: 'BROKEN_COMMITMENT',
    sourceRef: '粤财承诺〔2016〕12号',
    facts: '承诺2016年12月31日前支付政府采购合同尾款，逾期未支付',
    principal: { name: '省财政厅主要负责人', title: '厅长' },
    severity: { level: 'GENERAL', loss: '拖欠合同款约120万元', socialImpact: '企业投诉，媒体报道' },
    published: true,
    occurredOn: '2017-01-01',
    ...overrides,
  };
}

export function integritySteps(client: Client, taskQueue: string) {
  const record = (recordId: string) => client.workflow.getHandle(breachRecordWorkflowId(recordId));
  const caseOf = (caseId: string) => client.workflow.getHandle(accountabilityCaseWorkflowId(caseId));
  return {
    record,
    case: caseOf,
    /** 督查员 registers a record; answers once its opening is projected. */
    open: (
      recordId: string,
      facts = commitmentBreach(),
      policy: IntegrityPolicy = DEFAULT_INTEGRITY_POLICY,
    ) =>
      client.workflow.executeUpdateWithStart(breachOpenedUpdate, {
        args: [{ by: people.ducha }],
        startWorkflowOperation: new WithStartWorkflowOperation(breachRecordWorkflow, {
          workflowId: breachRecordWorkflowId(recordId),
          taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [{ recordId, facts, openedBy: { userId: 'u-ducha', displayName: '督查室督查员' }, policy }],
        }),
      }),
    explain: (
      recordId: string,
      by: ActingUser = people.cztHandler,
      text = '因预算调整审批未及时完成，导致逾期支付。',
    ) => record(recordId).executeUpdate(explainBreachUpdate, { args: [{ by, text }] }),
    plan: (
      recordId: string,
      by: ActingUser = people.cztHead,
      text = '一月底前完成支付，建立合同履约台账。',
    ) => record(recordId).executeUpdate(submitRectificationPlanUpdate, { args: [{ by, text }] }),
    complete: (
      recordId: string,
      by: ActingUser = people.cztHead,
      text = '尾款已于1月25日支付，台账已建立。',
    ) => record(recordId).executeUpdate(reportRectificationUpdate, { args: [{ by, text }] }),
    verify: (
      recordId: string,
      pass: boolean,
      comment = pass ? '整改到位' : '台账未建立',
      newDueDate?: string,
    ) =>
      record(recordId).executeUpdate(verifyRectificationUpdate, {
        args: [{ by: people.xinyong, pass, comment, ...(newDueDate ? { newDueDate } : {}) }],
      }),
    /** 书面说明, 整改方案 and 整改完成 on the day, then 验收 通过. */
    async rectified(recordId: string) {
      await this.explain(recordId);
      await this.plan(recordId);
      await this.complete(recordId);
      return this.verify(recordId, true);
    },
    objectToRecord: async (recordId: string, reason = '逾期系财政部资金调度所致，非本单位失信') =>
      (await record(recordId).executeUpdate(fileObjectionUpdate, {
        args: [{ by: people.cztHead, reason }],
      })) as BreachRecordState,
    reviewRecordObjection: async (
      recordId: string,
      request: Omit<ReviewObjectionRequest, 'objectionId'> & { objectionId?: number },
    ) =>
      (await record(recordId).executeUpdate(reviewObjectionUpdate, {
        args: [{ objectionId: 1, ...request }],
      })) as BreachRecordState,
    applyRepair: (recordId: string, statement = '已整改到位，申请信用修复') =>
      record(recordId).executeUpdate(applyRepairUpdate, { args: [{ by: people.cztHead, statement }] }),
    decideRepair: (recordId: string, approve = true, comment = '') =>
      record(recordId).executeUpdate(decideRepairUpdate, {
        args: [{ by: people.xinyong, approve, comment }],
      }),
    investigate: (caseId: string, findings = '经调查，主要负责人对逾期支付负有领导责任') =>
      caseOf(caseId).executeUpdate(concludeInvestigationUpdate, { args: [{ by: people.ducha, findings }] }),
    showMitigation: (caseId: string) =>
      caseOf(caseId).executeUpdate(showMitigationUpdate, {
        args: [
          {
            by: people.cztHead,
            grounds: ['RECOVERED_LOSS', 'REMOVED_EFFECT'],
            statement: '已全额支付并向企业致歉',
          },
        ],
      }),
    decide: (caseId: string, request: Omit<DecideCaseRequest, 'by'>, by: ActingUser = people.director) =>
      caseOf(caseId).executeUpdate(decideCaseUpdate, { args: [{ by, ...request }] }),
    objectToDecision: async (caseId: string, reason = '已主动挽回损失，请求从轻') =>
      (await caseOf(caseId).executeUpdate(fileObjectionUpdate, {
        args: [{ by: people.cztHead, reason }],
      })) as AccountabilityCaseState,
    reviewDecisionObjection: async (caseId: string, request: Omit<ReviewObjectionRequest, 'objectionId'>) =>
      (await caseOf(caseId).executeUpdate(reviewObjectionUpdate, {
        args: [{ objectionId: 1, ...request }],
      })) as AccountabilityCaseState,
  };
}
