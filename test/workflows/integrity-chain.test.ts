/**
 * The integrity chain on the seed's dates (time-skipping server from 2017-01-03 09:00 CST):
 * 政务失信记录 opened by an overdue directive task or by 督查室, 限期整改 with its ladder, 验收,
 * 追究责任 with 异议 and 从轻/免于, and 信用修复 after the waiting period.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  breachRecordIdForTask,
  getBreachRecordStateQuery,
  withdrawUpdate,
  openCaseUpdate,
  signForUpdate,
  submitReportUpdate,
  reviewReportUpdate,
} from '../../workflows/definitions';
import { commitmentBreach, integritySteps } from '../helpers/integrity-case';
import { people } from '../helpers/seed-case';
import { onSeedDay, type SeedDay } from '../helpers/seed-day';

jest.setTimeout(180_000);

const cst = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16);

/** Notices about a record, as (key without the workflow id, CST minute, recipient) rows. */
async function noticesOfRecord(day: SeedDay, recordId: string) {
  const rows = await day.stack.database.db.notice.findMany({
    where: { breachRecordId: recordId },
    orderBy: [{ at: 'asc' }, { noticeKey: 'asc' }, { recipientId: 'asc' }],
  });
  return rows.map((n) => [n.noticeKey.split(':').slice(1).join(':'), cst(n.at), n.recipientId]);
}

async function entriesOf(day: SeedDay, recordId: string) {
  const rows = await day.stack.database.db.integrityEntry.findMany({
    where: { recordId },
    orderBy: [{ at: 'asc' }, { workflowId: 'asc' }, { seq: 'asc' }],
  });
  return rows.map((e) => [cst(e.at), e.action, e.actorId]);
}

const refusal = (type: string, message?: RegExp) => ({
  cause: { type, ...(message ? { message: expect.stringMatching(message) } : {}) },
});

test('(p) 省财政厅 never reports on 国发〔2016〕76号: on the policy’s day a breach record opens on its own, once, with its evidence', () =>
  onSeedDay(async (day) => {
    const receiptNumber = await day.steps.throughInstruction(1, { coDepartments: ['GDCZT'] });
    await day.until('2017-01-04T09:30');
    await day.steps.dispatch(receiptNumber);
    const fgw = day.steps.task(receiptNumber, 'GDFGW');
    await fgw.executeUpdate(signForUpdate, { args: [{ by: people.fgwHandler, deptReceiptNumber: '319号' }] });
    await fgw.executeUpdate(submitReportUpdate, {
      args: [{ by: people.fgwHead, options: [1], text: '已印发。' }],
    });
    await fgw.executeUpdate(reviewReportUpdate, {
      args: [{ by: people.clerk, decision: 'ACCEPT', comment: '' }],
    });

    const db = day.stack.database.db;
    await day.until('2017-01-24T08:59'); // ten days overdue is 2017-01-24, at 09:00
    expect(await db.breachRecord.count()).toBe(0);
    await day.until('2017-01-24T10:00');
    const recordId = breachRecordIdForTask(receiptNumber, 'GDCZT');
    expect(recordId).toBe('201700084-GDCZT');
    const record = await db.breachRecord.findUniqueOrThrow({ where: { recordId } });
    expect(record).toMatchObject({
      subjectKind: 'BODY',
      subjectDepartmentCode: 'GDCZT',
      source: 'OVERDUE_TASK',
      sourceRef: '国发〔2016〕76号（收文编号 201700084）',
      principalName: '省财政厅负责人',
      severity: 'GENERAL',
      published: false,
      occurredOn: '2017-01-15',
      status: 'EXPLANATION_DUE',
      dueDate: '2017-01-29', // 书面说明原因 within 5 days
      objectionDueDate: '2017-02-08',
      receiptNumber,
      taskWorkflowId: `directive-${receiptNumber}/dept/GDCZT`,
      openedById: null,
    });
    expect(cst(record.openedAt)).toBe('2017-01-24T09:00');
    const evidence = JSON.parse(record.evidence!);
    expect(evidence).toMatchObject({
      docNumber: '国发〔2016〕76号',
      dispatchedOn: '2017-01-04',
      dueDate: '2017-01-14',
    });
    expect(evidence.notices.map((n: { action: string }) => n.action)).toEqual([
      '到期提醒', // 01-11
      '到期提醒', // 01-13
      '逾期', // 01-15 00:00
      '催报', // 01-15
      '升级督办', // 01-17
      '升级督办', // 01-19
      '升级督办', // 01-24, to 春新
    ]);
    // Linked both ways: the task names its record, and its timeline says so.
    const task = await db.departmentTask.findUniqueOrThrow({ where: { workflowId: record.taskWorkflowId! } });
    expect(task.breachRecordId).toBe(recordId);
    const taskEntries = await db.timelineEntry.findMany({
      where: { workflowId: record.taskWorkflowId!, action: '记录政务失信' },
    });
    expect(taskEntries).toHaveLength(1);
    // 省财政厅 is told what it owes: 书面说明原因 by 2017-01-29.
    expect(await noticesOfRecord(day, recordId)).toEqual([
      ['opened', '2017-01-24T09:00', 'u-czt-handler'],
      ['opened', '2017-01-24T09:00', 'u-czt-head'],
    ]);

    // Weeks later, still no report: still the one record.
    await day.until('2017-03-01T12:00');
    expect(await db.breachRecord.count()).toBe(1);
    expect(await db.timelineEntry.count({ where: { action: '记录政务失信' } })).toBe(1);

    // 撤办 ends the directive and its tasks, not the record they left: it is still to be rectified.
    await day.steps.directive(receiptNumber).executeUpdate(withdrawUpdate, {
      args: [{ by: people.clerk, reason: '来文单位通知停止执行' }],
    });
    const steps = integritySteps(day.env.client, day.stack.taskQueue);
    expect((await steps.record(recordId).describe()).status.name).toBe('RUNNING');
    expect(await steps.explain(recordId)).toMatchObject({ status: 'PLAN_DUE' });
  }));

test('(q) rectified on time: 书面说明, 整改方案, 整改完成, 验收; 信用修复 refused before the waiting period and granted after', () =>
  onSeedDay(async (day) => {
    const steps = integritySteps(day.env.client, day.stack.taskQueue);
    const recordId = 'SX20170103-a1b2c3';
    const opened = await steps.open(recordId);
    expect(opened).toMatchObject({
      status: 'EXPLANATION_DUE',
      dueDate: '2017-01-08',
      objectionDueDate: '2017-01-18',
    });

    await day.until('2017-01-05T10:00');
    expect(await steps.explain(recordId)).toMatchObject({ status: 'PLAN_DUE', dueDate: '2017-01-15' });
    await day.until('2017-01-10T10:00');
    expect(await steps.plan(recordId)).toMatchObject({ status: 'COMPLETION_DUE', dueDate: '2017-02-09' });
    await day.until('2017-01-25T10:00');
    expect(await steps.complete(recordId)).toMatchObject({ status: 'VERIFYING' });
    await day.until('2017-01-26T10:00');
    expect(await steps.verify(recordId, true)).toMatchObject({
      status: 'RECTIFIED',
      repairableFrom: '2017-04-26',
    });

    await day.until('2017-04-20T10:00');
    await expect(steps.applyRepair(recordId)).rejects.toMatchObject(
      refusal('NotNow', /^申请信用修复：自 2017-04-26 起方可申请（验收后 90 天）$/),
    );
    await day.until('2017-04-26T10:00');
    expect(await steps.applyRepair(recordId)).toMatchObject({ status: 'REPAIR_REQUESTED' });
    expect(await steps.decideRepair(recordId)).toMatchObject({ status: 'REPAIRED' });
    expect(await steps.record(recordId).result()).toMatchObject({ status: 'REPAIRED', overdueSteps: 0 });

    const db = day.stack.database.db;
    const row = await db.breachRecord.findUniqueOrThrow({ where: { recordId } });
    expect(row).toMatchObject({
      status: 'REPAIRED',
      overdue: false,
      overdueSteps: 0,
      plan: '一月底前完成支付，建立合同履约台账。',
    });
    // Kept with its whole history: nothing deleted, every step an entry.
    expect(await entriesOf(day, recordId)).toEqual([
      ['2017-01-03T09:00', '登记失信记录', 'u-ducha'],
      ['2017-01-05T10:00', '书面说明原因', 'u-czt-handler'],
      ['2017-01-10T10:00', '报送整改方案', 'u-czt-head'],
      ['2017-01-19T00:00', '异议期届满', null],
      ['2017-01-25T10:00', '报告整改完成', 'u-czt-head'],
      ['2017-01-26T10:00', '验收通过', 'u-xinyong'],
      ['2017-04-26T10:00', '申请信用修复', 'u-czt-head'],
      ['2017-04-26T10:00', '信用修复', 'u-xinyong'],
    ]);
    // On time: the only notices were the opening and the 异议期 reminder.
    expect((await noticesOfRecord(day, recordId)).map(([key]) => key)).toEqual([
      'opened',
      'opened',
      'objection:window-closing:1',
    ]);
  }));

test('(r) late rectification: reminder, 逾期, 催报, escalation to 督查室; a failed 验收 sends it back and opens a case', () =>
  onSeedDay(async (day) => {
    const steps = integritySteps(day.env.client, day.stack.taskQueue);
    const recordId = 'SX20170103-d4e5f6';
    await steps.open(recordId);
    await day.until('2017-01-12T10:00'); // 书面说明 was due 2017-01-08
    expect(await noticesOfRecord(day, recordId)).toEqual([
      ['opened', '2017-01-03T09:00', 'u-czt-handler'],
      ['opened', '2017-01-03T09:00', 'u-czt-head'],
      ['EXPLANATION_DUE:remind-1:1', '2017-01-07T09:00', 'u-czt-handler'],
      ['EXPLANATION_DUE:remind-1:1', '2017-01-07T09:00', 'u-czt-head'],
      ['EXPLANATION_DUE:formal-1:1', '2017-01-09T09:00', 'u-czt-handler'],
      ['EXPLANATION_DUE:formal-1:1', '2017-01-09T09:00', 'u-czt-head'],
      ['EXPLANATION_DUE:escalate-3:1', '2017-01-11T09:00', 'u-ducha'],
      ['EXPLANATION_DUE:escalate-3:1', '2017-01-11T09:00', 'u-xinyong'],
      ['EXPLANATION_DUE:escalate-3:1', '2017-01-11T09:00', 'u-zh1-director'],
    ]);
    const db = day.stack.database.db;
    expect(await db.breachRecord.findUniqueOrThrow({ where: { recordId } })).toMatchObject({
      status: 'EXPLANATION_DUE',
      overdue: true,
      overdueSteps: 1,
    });

    await steps.explain(recordId);
    await steps.plan(recordId);
    await steps.complete(recordId);
    const failed = await steps.verify(recordId, false, '合同履约台账未建立', '2017-02-15');
    expect(failed).toMatchObject({
      status: 'COMPLETION_DUE',
      dueDate: '2017-02-15',
      overdue: false,
      caseIds: [`${recordId}-1`],
    });
    const opened = await db.accountabilityCase.findUniqueOrThrow({ where: { caseId: `${recordId}-1` } });
    expect(opened).toMatchObject({
      trigger: 'FAILED_RECTIFICATION',
      status: 'INVESTIGATING',
      principalName: '省财政厅主要负责人',
    });

    // The new deadline has its own round of reminders.
    await day.until('2017-02-14T10:00');
    expect((await noticesOfRecord(day, recordId)).at(-1)).toEqual([
      'COMPLETION_DUE:remind-1:4',
      '2017-02-14T09:00',
      'u-czt-head',
    ]);
    await steps.complete(recordId, people.cztHead, '台账已建立并报备。');
    expect(await steps.verify(recordId, true)).toMatchObject({ status: 'RECTIFIED', overdueSteps: 1 });
    // A second failure would not open a second case; one case for the failed rectification.
    expect(await db.accountabilityCase.count({ where: { recordId } })).toBe(1);
  }));

test('(s) 追究责任: 从轻 on the grounds shown, an objection in time reviewed by someone other than the decider; 免于 that stands when the 异议期 passes; late objections refused', () =>
  onSeedDay(async (day) => {
    const steps = integritySteps(day.env.client, day.stack.taskQueue);
    const recordId = 'SX20170103-0a0b0c';
    // A severe breach opens a case against the principal responsible person on its own.
    const opened = await steps.open(
      recordId,
      commitmentBreach({
        severity: { level: 'SEVERE', loss: '拖欠合同款约1200万元', socialImpact: '引发群体投诉' },
      }),
    );
    expect(opened.caseIds).toEqual([`${recordId}-1`]);
    const first = `${recordId}-1`;

    await expect(steps.decide(first, { measure: 'PUBLIC_CRITICISM', reasons: '—' })).rejects.toMatchObject(
      refusal('NotNow'),
    );
    expect(await steps.investigate(first)).toMatchObject({ status: 'AWAITING_DECISION' });
    await steps.showMitigation(first);
    await day.until('2017-01-10T10:00');
    // The office director decides, through 督查室信用管理员 acting under his 委托.
    const directorViaXinyong = {
      ...people.director,
      delegate: { userId: 'u-xinyong', displayName: '督查室信用管理员' },
    };
    const decided = await steps.decide(
      first,
      {
        measure: 'PUBLIC_CRITICISM',
        mitigation: {
          outcome: 'LIGHTER',
          grounds: ['RECOVERED_LOSS'],
          explanation: '已主动全额支付，挽回损失',
        },
        reasons: '主要负责人对逾期支付负有领导责任',
      },
      directorViaXinyong,
    );
    expect(decided).toMatchObject({ status: 'DECIDED', objectionDueDate: '2017-01-25' });
    expect(decided.decision).toMatchObject({
      measure: 'PUBLIC_CRITICISM',
      mitigation: { outcome: 'LIGHTER' },
      by: { userId: 'u-zh1-director', delegate: { userId: 'u-xinyong' } },
    });

    await day.until('2017-01-20T10:00');
    await steps.objectToDecision(first);
    // The decider never reviews an objection to his own decision, nor does who acted for him (回避).
    for (const by of [people.director, people.xinyong]) {
      await expect(
        steps.reviewDecisionObjection(first, { by, uphold: false, reasons: '维持' }),
      ).rejects.toMatchObject(
        refusal('NotYours', /^异议复核：作出决定的人不得复核针对本人行为的异议（回避）$/),
      );
    }
    const reviewed = await steps.reviewDecisionObjection(first, {
      by: people.ducha,
      uphold: true,
      reasons: '已挽回全部损失，改为限期整改',
      decision: { measure: 'RECTIFY_ONLY' },
    });
    expect(reviewed).toMatchObject({ status: 'FINAL', decision: { measure: 'RECTIFY_ONLY' } });
    expect(reviewed.superseded).toHaveLength(1);
    expect(reviewed.objections[0]).toMatchObject({
      status: 'UPHELD',
      review: { by: { userId: 'u-ducha' } },
    });

    // Two more cases, by hand and at once, get two numbers. The first: 免于 on the grounds shown;
    // nobody objects and it stands.
    const byHand = (reason: string) =>
      steps.record(recordId).executeUpdate(openCaseUpdate, { args: [{ by: people.ducha, reason }] });
    await Promise.all([byHand('对分管负责人另案追责'), byHand('对经办处室负责人另案追责')]);
    expect((await steps.record(recordId).query(getBreachRecordStateQuery)).caseIds).toEqual([
      first,
      `${recordId}-2`,
      `${recordId}-3`,
    ]);
    expect((await steps.case(`${recordId}-3`).describe()).status.name).toBe('RUNNING');
    const second = `${recordId}-2`;
    await steps.investigate(second);
    await expect(
      steps.decide(second, { measure: 'NO_COMMENDATION', reasons: '—' }, people.xinyong),
    ).rejects.toMatchObject(refusal('InvalidInput', /限制评优评先只适用于公务员，不适用于政府机构/));
    const exempt = await steps.decide(
      second,
      {
        mitigation: { outcome: 'EXEMPT', grounds: ['STOPPED_HARM'], explanation: '及时制止损失扩大' },
        reasons: '情节轻微',
      },
      people.xinyong,
    );
    expect(exempt).toMatchObject({ status: 'DECIDED', objectionDueDate: '2017-02-04' });
    await day.until('2017-02-05T10:00');
    expect(await steps.case(second).result()).toMatchObject({
      status: 'FINAL',
      decision: { mitigation: { outcome: 'EXEMPT' } },
    });
    await expect(steps.objectToDecision(second)).rejects.toThrow(); // the case is closed: no more steps

    const db = day.stack.database.db;
    expect(await db.accountabilityCase.findUniqueOrThrow({ where: { caseId: second } })).toMatchObject({
      status: 'FINAL',
      measure: null,
      mitigation: 'EXEMPT',
      mitigationGrounds: 'STOPPED_HARM',
    });
    const objections = await db.objection.findMany({ where: { recordId } });
    expect(objections).toMatchObject([
      {
        caseId: first,
        status: 'UPHELD',
        reviewerId: 'u-ducha',
        reviewReasons: '已挽回全部损失，改为限期整改',
      },
    ]);
  }));

test('(t) 异议 to a record: reviewed by someone other than who registered it; rejected kept with reasons, upheld corrects with a new entry; after the 异议期 refused', () =>
  onSeedDay(async (day) => {
    const steps = integritySteps(day.env.client, day.stack.taskQueue);
    const recordId = 'SX20170103-112233';
    await steps.open(recordId);
    await day.until('2017-01-06T10:00');
    await steps.objectToRecord(recordId);
    await expect(steps.objectToRecord(recordId, '再次异议')).rejects.toMatchObject(
      refusal('NotNow', /^提出异议：已有一项异议正在等待复核$/),
    );
    await expect(
      steps.reviewRecordObjection(recordId, { by: people.ducha, uphold: true, reasons: '—' }),
    ).rejects.toMatchObject(refusal('NotYours'));
    const rejected = await steps.reviewRecordObjection(recordId, {
      by: people.xinyong,
      uphold: false,
      reasons: '资金调度不影响本单位履约责任',
    });
    expect(rejected.objections[0]).toMatchObject({
      status: 'REJECTED',
      review: { reasons: '资金调度不影响本单位履约责任' },
    });

    // A second objection in time, upheld: the severity is corrected by a new entry.
    await steps.objectToRecord(recordId, '损失已于当月全部挽回，不属一般失信');
    const corrected = await steps.reviewRecordObjection(recordId, {
      objectionId: 2,
      by: people.xinyong,
      uphold: true,
      reasons: '经核实情节轻微',
      correction: { published: false },
    });
    expect(corrected.facts.published).toBe(false);
    expect(corrected.corrections).toHaveLength(1);
    await day.until('2017-01-19T10:00');
    await expect(steps.objectToRecord(recordId, '逾期异议')).rejects.toMatchObject(
      refusal('NotNow', /^提出异议：异议期已于 2017-01-18 届满$/),
    );

    const db = day.stack.database.db;
    const entries = await db.integrityEntry.findMany({ where: { recordId }, orderBy: { seq: 'asc' } });
    expect(entries.map((e) => e.action)).toEqual([
      '登记失信记录',
      '提出异议',
      '异议不成立',
      '提出异议',
      '异议成立',
      '到期提醒', // the 书面说明原因 was due 2017-01-08 and never came
      '逾期',
      '催报',
      '升级督办',
      '异议期届满',
    ]);
    const upheld = entries.find((e) => e.action === '异议成立')!;
    expect(JSON.parse(upheld.detail!)).toMatchObject({
      before: { published: true },
      changes: { published: false },
    });
    expect(await db.objection.count({ where: { recordId } })).toBe(2);
  }));

test('(u) the chain refuses what its table and rules forbid, and changes nothing', () =>
  onSeedDay(async (day) => {
    const steps = integritySteps(day.env.client, day.stack.taskQueue);
    const recordId = 'SX20170103-445566';
    await steps.open(
      recordId,
      commitmentBreach({ subject: { kind: 'CIVIL_SERVANT', departmentCode: 'GDCZT', personName: '张某' } }),
    );
    const attempts: [string, () => Promise<unknown>, ReturnType<typeof refusal>][] = [
      [
        'another department explains',
        () => steps.explain(recordId, people.fgwHead),
        refusal('NotYours', /GDCZT/),
      ],
      [
        'a handler sends the plan (head only)',
        () => steps.plan(recordId, people.cztHandler),
        refusal('NotYours'),
      ],
      ['the plan before the explanation', () => steps.plan(recordId), refusal('NotNow')],
      [
        'an empty explanation',
        () => steps.explain(recordId, people.cztHandler, '  '),
        refusal('InvalidInput', /书面说明原因为必填项/),
      ],
      ['验收 before completion', () => steps.verify(recordId, true), refusal('NotNow')],
      ['repair before rectification', () => steps.applyRepair(recordId), refusal('NotNow')],
    ];
    for (const [what, attempt, expected] of attempts) {
      const outcome = await attempt().then(
        () => 'accepted',
        (err: unknown) => err,
      );
      expect(outcome).toBeInstanceOf(WorkflowUpdateFailedError);
      expect({
        what,
        cause: {
          type: (outcome as WorkflowUpdateFailedError).cause?.['type' as never],
          message: (outcome as WorkflowUpdateFailedError).cause?.message,
        },
      }).toMatchObject({ what, ...expected });
    }
    await steps
      .record(recordId)
      .executeUpdate(openCaseUpdate, { args: [{ by: people.ducha, reason: '依规追责' }] });
    const caseId = `${recordId}-1`;
    await steps.investigate(caseId);
    const decisions: [string, Parameters<typeof steps.decide>[1], RegExp][] = [
      [
        '取消荣誉评选 for a civil servant',
        { measure: 'NO_HONOURS', reasons: '—' },
        /取消参加荣誉评选资格只适用于政府机构，不适用于公务员/,
      ],
      [
        '免于 with a measure',
        {
          measure: 'PUBLIC_CRITICISM',
          mitigation: { outcome: 'EXEMPT', grounds: ['STOPPED_HARM'], explanation: '—' },
          reasons: '—',
        },
        /免于追责（EXEMPT）时不填追责措施/,
      ],
      [
        'a period for 公开通报批评',
        { measure: 'PUBLIC_CRITICISM', periodMonths: 6, reasons: '—' },
        /公开通报批评不设期限/,
      ],
      ['依法依规追究责任 with nobody to refer to', { measure: 'REFERRED', reasons: '—' }, /移送机关/],
      [
        'no measure and no mitigation',
        { reasons: '—' },
        /请选择追责措施，或决定免于追责（EXEMPT）并写明自我纠错情形/,
      ],
    ];
    for (const [, request, message] of decisions) {
      await expect(steps.decide(caseId, request)).rejects.toMatchObject(refusal('InvalidInput', message));
    }
    const limited = await steps.decide(caseId, { measure: 'NO_COMMENDATION', reasons: '负有直接责任' });
    expect(limited.decision).toMatchObject({
      measure: 'NO_COMMENDATION',
      periodMonths: 12,
      periodEnds: '2018-01-02',
    });
    const db = day.stack.database.db;
    expect(
      await db.integrityEntry.count({
        where: { recordId, actorId: { in: ['u-fgw-head', 'u-czt-handler'] } },
      }),
    ).toBe(0);
  }));
