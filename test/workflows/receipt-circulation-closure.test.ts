/**
 * The steps around the seed's main line, with its dates: 签收 before 登记 and the office's own
 * 办文时限, 初审 sending a misrouted document back, 传阅 after the 批示, the 督办人 urging by hand,
 * a department's 承办人 reassigned, and the 答复 that completes the file after 办结.
 */
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  assignUrgerUpdate,
  circulateUpdate,
  incomingRegisterWorkflowId,
  initialReviewUpdate,
  readCirculationUpdate,
  reassignHandlerUpdate,
  recallCirculationUpdate,
  registerIncomingUpdate,
  reviewReportUpdate,
  signForIncomingUpdate,
  signForUpdate,
  submitReportUpdate,
  urgeUpdate,
} from '../../workflows/definitions';
import { incomingRegisterWorkflow } from '../../workflows/incoming-register';
import { DEFAULT_POLICY } from '../../workflows/policy';
import type { ActingUser } from '../../workflows/types';
import { directiveStarted, people, seedProposal } from '../helpers/seed-case';
import { onSeedDay, type SeedDay } from '../helpers/seed-day';
import { SEED_DIRECTIVE } from '../helpers/stack';

jest.setTimeout(180_000);

const secretary: ActingUser = {
  userId: 'u-mishuzhang',
  displayName: '办公厅秘书长',
  departmentCode: 'GDBGT',
  roles: ['LEADER'],
};
const sftHandler: ActingUser = {
  userId: 'u-sft-handler',
  displayName: '省司法厅承办人',
  departmentCode: 'GDSFT',
  roles: ['DEPT_HANDLER'],
};

/** The 2017 register as the office kept it on paper: 83 收文 and 8 发改 files before the seed. */
const register2017 = (day: SeedDay) =>
  new WithStartWorkflowOperation(incomingRegisterWorkflow, {
    workflowId: incomingRegisterWorkflowId(2017),
    taskQueue: day.stack.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [{ year: 2017, lastSequence: 83, lastHandlingSequences: { 发改: 8 } }],
  });

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the update to be refused');
    },
    (err: unknown) => {
      if (!(err instanceof WorkflowUpdateFailedError)) throw err;
      const cause = err.cause as { type?: string; message: string };
      return { type: cause.type, message: cause.message };
    },
  );

async function inbox(day: SeedDay, receiptNumber: string, kind: string) {
  const rows = await day.stack.database.db.notice.findMany({
    where: { receiptNumber, kind },
    orderBy: [{ at: 'asc' }, { recipientId: 'asc' }],
  });
  return rows.map((n) => [new Date(n.at.getTime() + 8 * 3600_000).toISOString().slice(0, 16), n.recipientId]);
}

test('(i) 签收 at 09:00 starts the receipt clocks; 登记 gives 201700084 / 发改 0009; the 办文时限 reminder fires once', () =>
  onSeedDay(async (day) => {
    const { client } = day.env;
    const signed = await client.workflow.executeUpdateWithStart(signForIncomingUpdate, {
      args: [{ sourceOrg: '国务院', docNumber: '国发〔2016〕76号', copies: 2, signedBy: people.clerk }],
      startWorkflowOperation: register2017(day),
    });
    expect(signed.signedForAt).toMatch(/^2017-01-03T01:00/); // 09:00 CST
    const again = await refusal(
      client.workflow.executeUpdateWithStart(signForIncomingUpdate, {
        args: [{ sourceOrg: '国务院', docNumber: '国发〔2016〕76号', copies: 2, signedBy: people.clerk }],
        startWorkflowOperation: register2017(day),
      }),
    );
    expect(again).toMatchObject({ type: 'Duplicate' });

    await day.until('2017-01-03T10:30');
    const registration = await client.workflow.executeUpdateWithStart(registerIncomingUpdate, {
      args: [
        {
          document: { ...SEED_DIRECTIVE, copies: 2, pages: 6 },
          registeredBy: people.clerk,
          policy: DEFAULT_POLICY,
        },
      ],
      startWorkflowOperation: register2017(day),
    });
    expect(registration).toMatchObject({ receiptNumber: '201700084', handlingNumber: '发改 0009' });
    const rn = registration.receiptNumber;
    await directiveStarted(day.env.client, rn);
    await day.steps.directive(rn).executeUpdate(assignUrgerUpdate, {
      args: [{ by: people.director, urger: { userId: 'u-chenweiyan', displayName: '陈伟演' } }],
    });

    const db = day.stack.database.db;
    const row = await db.directive.findUniqueOrThrow({ where: { receiptNumber: rn } });
    expect(row).toMatchObject({ handlingNumber: '发改 0009', copies: 2, pages: 6, urgerId: 'u-chenweiyan' });
    expect(row.signedForAt?.toISOString()).toMatch(/^2017-01-03T01:00/);
    expect(row.officeDueDate).toBe('2017-01-06'); // 平急: 3 days from 签收, the due day counting

    // Nobody proposes or dispatches: on the due day at 09:00 the registrar and the 督办人 hear of it, once.
    await day.until('2017-01-10T12:00');
    expect(await inbox(day, rn, 'OFFICE_DEADLINE')).toEqual([
      ['2017-01-06T09:00', 'u-chenweiyan'],
      ['2017-01-06T09:00', 'u-huangweiyan'],
    ]);
    const timeline = await db.timelineEntry.findMany({
      where: { receiptNumber: rn },
      orderBy: { seq: 'asc' },
    });
    expect(timeline.map((e) => [e.action, e.actorId])).toEqual([
      ['签收', 'u-huangweiyan'],
      ['收文登记', 'u-huangweiyan'],
      ['指定督办人', 'u-zh1-director'],
      ['办文时限提醒', null],
    ]);
    expect(timeline[0]!.comment).toBe('2 份');
    expect(timeline[0]!.at.toISOString()).toMatch(/^2017-01-03T01:00/);
    expect(timeline[1]!.comment).toBe('办文编号 发改 0009');
  }));

test('(j) 初审 comes before 拟办, and sends a misrouted document back to its sender (退文)', () =>
  onSeedDay(async (day) => {
    const rn = await day.steps.register({
      ...SEED_DIRECTIVE,
      sourceOrg: '国家发展改革委',
      docNumber: '发改办〔2016〕12号',
    });
    const early = await refusal(day.steps.propose(rn));
    expect(early).toMatchObject({ type: 'NotNow', message: expect.stringContaining('初审') });
    const noReason = await refusal(
      day.steps.directive(rn).executeUpdate(initialReviewUpdate, {
        args: [{ by: people.clerk, decision: 'RETURN_TO_SENDER', comment: ' ' }],
      }),
    );
    expect(noReason).toMatchObject({ type: 'InvalidInput', message: expect.stringContaining('退文理由') });

    const returned = await day.steps.directive(rn).executeUpdate(initialReviewUpdate, {
      args: [
        {
          by: people.clerk,
          decision: 'RETURN_TO_SENDER',
          comment: '应由省发展改革委直接办理，非省政府办公厅收文',
        },
      ],
    });
    expect(returned.status).toBe('RETURNED_TO_SENDER');
    expect(await day.steps.directive(rn).result()).toMatchObject({ status: 'RETURNED_TO_SENDER' });
    const entry = await day.stack.database.db.timelineEntry.findFirstOrThrow({
      where: { receiptNumber: rn, action: '初审退文' },
    });
    expect(entry).toMatchObject({
      fromState: 'REGISTERED',
      toState: 'RETURNED_TO_SENDER',
      actorId: 'u-huangweiyan',
    });
  }));

test('(k) 传阅 after the 批示: readers, reads and comments are visible; a recalled copy cannot be read', () =>
  onSeedDay(async (day) => {
    const rn = await day.steps.throughInstruction(1);
    const directive = day.steps.directive(rn);
    const sent = await directive.executeUpdate(circulateUpdate, {
      args: [
        { by: people.clerk, readers: [secretary, people.reviewer], purpose: 'COMMENT', note: '请阅提意见' },
      ],
    });
    expect(sent.circulations![0]!.copies.map((c) => c.reader.userId)).toEqual([
      'u-mishuzhang',
      'u-chenweiyan',
    ]);

    const notAReader = await refusal(
      directive.executeUpdate(readCirculationUpdate, {
        args: [{ by: sftHandler, circulationId: 1, comment: '阅' }],
      }),
    );
    expect(notAReader).toMatchObject({ type: 'NotYours' });
    const noComment = await refusal(
      directive.executeUpdate(readCirculationUpdate, { args: [{ by: secretary, circulationId: 1 }] }),
    );
    expect(noComment).toMatchObject({ type: 'InvalidInput' });
    await directive.executeUpdate(readCirculationUpdate, {
      args: [{ by: secretary, circulationId: 1, comment: '同意省发展改革委牵头' }],
    });
    const twice = await refusal(
      directive.executeUpdate(readCirculationUpdate, {
        args: [{ by: secretary, circulationId: 1, comment: '再阅' }],
      }),
    );
    expect(twice).toMatchObject({ type: 'NotNow' });

    const recalled = await directive.executeUpdate(recallCirculationUpdate, {
      args: [{ by: people.clerk, circulationId: 1, reason: '已另行征求意见' }],
    });
    expect(recalled.circulations![0]!.recalledAt).toBeDefined();
    const late = await refusal(
      directive.executeUpdate(readCirculationUpdate, {
        args: [{ by: people.reviewer, circulationId: 1, comment: '阅' }],
      }),
    );
    expect(late).toMatchObject({ type: 'NotNow', message: expect.stringContaining('已收回') });

    const copies = await day.stack.database.db.circulationCopy.findMany({
      where: { receiptNumber: rn },
      orderBy: { readerId: 'asc' },
    });
    expect(copies.map((c) => [c.readerId, c.comment, Boolean(c.readAt), c.recallReason])).toEqual([
      ['u-chenweiyan', null, false, '已另行征求意见'],
      ['u-mishuzhang', '同意省发展改革委牵头', true, '已另行征求意见'],
    ]);
    expect(await inbox(day, rn, 'CIRCULATION')).toEqual([
      ['2017-01-03T09:00', 'u-chenweiyan'],
      ['2017-01-03T09:00', 'u-mishuzhang'],
    ]);
  }));

test('(l) the 督办人 urges by hand; a reassigned 承办人 alone gets the reminders; 答复 completes the file', () =>
  onSeedDay(async (day) => {
    const rn = await day.steps.throughInstruction(1);
    await day.until('2017-01-04T09:30');
    await day.steps.dispatch(rn);
    const task = day.steps.task(rn, 'GDFGW');
    await day.until('2017-01-05T10:00');
    const reassigned = await task.executeUpdate(reassignHandlerUpdate, {
      args: [
        {
          by: people.clerk,
          handler: { userId: 'u-fgw-head', displayName: '省发展改革委负责人' },
          reason: '秘书科人员出差',
        },
      ],
    });
    expect(reassigned.handler).toEqual({ userId: 'u-fgw-head', displayName: '省发展改革委负责人' });

    await day.until('2017-01-09T15:00');
    const urged = await task.executeUpdate(urgeUpdate, {
      args: [{ by: people.reviewer, text: '请抓紧办理并按时回报' }],
    });
    expect(urged.status).toBe('DISPATCHED');
    const byDepartment = await refusal(
      task.executeUpdate(urgeUpdate, { args: [{ by: people.fgwHandler, text: '自己催自己' }] }),
    );
    expect(byDepartment).toMatchObject({ type: 'NotYours' });

    await day.until('2017-01-11T12:00');
    expect(await inbox(day, rn, 'MANUAL_URGE')).toEqual([
      ['2017-01-09T15:00', 'u-fgw-head'], // the named handler (also head): one row, not two
    ]);
    expect(await inbox(day, rn, 'REMINDER')).toEqual([['2017-01-11T09:00', 'u-fgw-head']]);
    expect(await inbox(day, rn, 'REASSIGNED')).toEqual([['2017-01-05T10:00', 'u-fgw-head']]);

    await task.executeUpdate(signForUpdate, {
      args: [{ by: people.fgwHandler, deptReceiptNumber: '319号' }],
    });
    await task.executeUpdate(submitReportUpdate, {
      args: [{ by: people.fgwHead, options: [1], text: '已原文翻印发至各市、县，省府直属各部门。' }],
    });
    await task.executeUpdate(reviewReportUpdate, {
      args: [{ by: people.clerk, decision: 'ACCEPT', comment: '' }],
    });
    const replied = await day.steps.reply(rn, ['GDCZT'], '已由省发展改革委牵头贯彻落实。');
    expect(replied).toMatchObject({ status: 'CLOSED', reply: { notifiedDepartments: ['GDCZT'] } });
    expect(await day.steps.directive(rn).result()).toMatchObject({ status: 'CLOSED' });
    expect(await inbox(day, rn, 'CLOSURE')).toEqual([
      ['2017-01-11T12:00', 'u-czt-handler'],
      ['2017-01-11T12:00', 'u-czt-head'],
    ]);
    const entries = await day.stack.database.db.timelineEntry.findMany({
      where: { receiptNumber: rn, action: { in: ['改派承办人', '催办', '答复'] } },
      orderBy: { at: 'asc' },
    });
    expect(entries.map((e) => [e.action, e.actorId, e.comment])).toEqual([
      ['改派承办人', 'u-huangweiyan', '（未指定） → 省发展改革委负责人：秘书科人员出差'],
      ['催办', 'u-chenweiyan', '请抓紧办理并按时回报 → 省发展改革委负责人'],
      // The timeline names the department the workflow knows by its code.
      ['答复', 'u-huangweiyan', '答复国务院：已由省发展改革委牵头贯彻落实。；告知 省财政厅'],
    ]);
  }));

test('(m) a working-day policy counts round the 2017 Spring Festival and its 调休 Sunday', () =>
  onSeedDay(async (day) => {
    const policy = { ...DEFAULT_POLICY, version: 'working-days', dayCounting: 'WORKING' as const };
    const rn = await day.steps.register(
      { ...SEED_DIRECTIVE, docNumber: '国发〔2016〕81号', receivedDate: '2017-01-03' },
      83,
      policy,
    );
    await day.steps.instructed(rn);
    await day.until('2017-01-20T09:30'); // a Friday
    const dispatched = await day.steps.dispatch(rn);
    // 10 working days from 01-20: 01-22 (a 调休 Sunday) … 01-26, the holiday 01-27–02-02, then
    // 02-03, 02-04 (a 调休 Saturday), 02-06, 02-07, 02-08.
    expect(dispatched.dueDate).toBe('2017-02-08');

    await day.until('2017-02-10T12:00');
    const notices = await day.stack.database.db.notice.findMany({
      where: { receiptNumber: rn, departmentCode: 'GDFGW', recipientId: 'u-fgw-mishu' },
      orderBy: { at: 'asc' },
    });
    expect(
      notices.map((n) => [
        n.noticeKey.split(':')[1],
        new Date(n.at.getTime() + 8 * 3600_000).toISOString().slice(0, 16),
      ]),
    ).toEqual([
      ['remind-3', '2017-02-04T09:00'], // three working days before: 02-07, 02-06, 02-04
      ['remind-1', '2017-02-07T09:00'],
      ['formal-1', '2017-02-09T09:00'],
    ]);
  }));

test('(n) a 加急 directive is not dispatched before a 督办人 is named', () =>
  onSeedDay(async (day) => {
    const rn = await day.steps.register({
      ...SEED_DIRECTIVE,
      docNumber: '国发〔2016〕82号',
      urgency: '加急',
    });
    await day.steps.instructed(rn, seedProposal({ coDepartments: ['GDCZT', 'GDSFT'] }));
    const refused = await refusal(day.steps.dispatch(rn));
    expect(refused).toMatchObject({ type: 'NotNow', message: expect.stringContaining('督办人') });
    await day.steps.directive(rn).executeUpdate(assignUrgerUpdate, {
      args: [{ by: people.clerk, urger: { userId: 'u-chenweiyan', displayName: '陈伟演' } }],
    });
    expect(await day.steps.dispatch(rn)).toMatchObject({
      status: 'IN_PROGRESS',
      urger: { userId: 'u-chenweiyan' },
    });
  }));

test('(z) the morning’s mail registered at once: 201700084–86, each answered as its directive’s start is asked for', () =>
  onSeedDay(async (day) => {
    const mail = [
      SEED_DIRECTIVE,
      { ...SEED_DIRECTIVE, docNumber: '国发〔2016〕77号', title: '国务院关于印发“十三五”脱贫攻坚规划的通知' },
      {
        ...SEED_DIRECTIVE,
        sourceOrg: '国务院办公厅',
        docNumber: '国办发〔2016〕98号',
        title: '国务院办公厅关于进一步做好民间投资有关工作的通知',
      },
    ];
    const numbers = await Promise.all(mail.map((document) => day.steps.register(document)));
    expect([...numbers].sort()).toEqual(['201700084', '201700085', '201700086']);
    // 初审 of all three at once, as soon as they are numbered.
    const reviewed = await Promise.all(numbers.map((rn) => day.steps.accept(rn)));
    expect(reviewed.map((state) => state.initialReview?.by.userId)).toEqual(
      Array(3).fill(people.clerk.userId),
    );

    const { events } = await day.env.client.workflow
      .getHandle(incomingRegisterWorkflowId(2017))
      .fetchHistory();
    // A register started under this code took the change, and the local activities before it.
    const patchIds = events!.flatMap((e) => {
      const marker = e.markerRecordedEventAttributes;
      const data = marker?.markerName === 'core_patch' && marker.details?.['patch-data']?.payloads?.[0]?.data;
      return data ? [(JSON.parse(Buffer.from(data).toString()) as { id: string }).id] : [];
    });
    expect(patchIds).toEqual(['register-answers-with-start', 'local-activities']);
  }));
