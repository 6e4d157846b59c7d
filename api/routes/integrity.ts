/**
 * The integrity chain (政务诚信, 国发〔2016〕76号): 政务失信记录 and their 限期整改, 异议, 信用修复;
 * 追究责任 cases; the 政务诚信评价; the export for the credit-sharing platform. Every route parses
 * its body, params and query with one zod schema (api/parse.ts). Role guards come from the step
 * tables (workflows/integrity-steps.ts), which the workflows' validators also read; the subject
 * body's steps are held to its own records here and there. Writes go to Temporal as updates;
 * reads come from the projection (api/integrity-views.ts). Every refusal changes nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import type { Database } from '../../core/database';
import {
  currentIntegrityPolicy,
  integrityPolicySchema,
  saveIntegrityPolicy,
} from '../../core/integrity-policies';
import { breachRecordWorkflow } from '../../workflows/breach-record';
import {
  accountabilityCaseWorkflowId,
  applyRepairUpdate,
  breachOpenedUpdate,
  breachRecordWorkflowId,
  concludeInvestigationUpdate,
  correctRecordUpdate,
  decideCaseUpdate,
  decideRepairUpdate,
  explainBreachUpdate,
  fileObjectionUpdate,
  openCaseUpdate,
  reportRectificationUpdate,
  reviewObjectionUpdate,
  showMitigationUpdate,
  submitRectificationPlanUpdate,
  verifyRectificationUpdate,
} from '../../workflows/definitions';
import { chinaDate } from '../../workflows/incoming-document';
import {
  BREACH_STEPS,
  CASE_STEPS,
  SUBJECT_STEPS,
  type BreachStep,
  type CaseStep,
} from '../../workflows/integrity-steps';
import {
  BREACH_SOURCES,
  BREACH_STATUSES,
  MEASURES,
  MITIGATION_GROUNDS,
  SEVERITIES,
  type BreachSubject,
  type Measure,
} from '../../workflows/integrity-types';
import type { StepRule } from '../../workflows/steps';
import type { ActingUser } from '../../workflows/types';
import { currentUser, requireRole } from '../auth/middleware';
import { HttpError, invalidInput } from '../errors';
import {
  caseDetail,
  departmentEvaluation,
  evaluationRanking,
  EXPORT_FORMAT,
  exportCsv,
  exportRecords,
  integrityScope,
  isObjectedActor,
  listRecords,
  objectedActBy,
  recordDetail,
  visibleCase,
  visibleRecord,
} from '../integrity-views';
import {
  booleanText,
  calendarDate,
  oneOf,
  parseRequest,
  remark,
  requestSchema,
  text,
  wholeNumberText,
} from '../parse';
import * as say from '../../workflows/wording';
import { operation } from '../openapi';
import { actingUser, signingActor, updateIdOf, type Clock } from '../requests';
import { askingAgainIfNotNow, type StepRunner } from '../updates';
import { attachmentsNamed } from './attachments';

export interface IntegrityRouterDeps {
  /** Runs a step's update within the bounded wait (503 with Retry-After past it). */
  steps: StepRunner;
  db: Database;
  temporal: Client;
  taskQueue: string;
  clock: Clock;
}

// ---------------------------------------------------------------------------------------------
// The forms

const BUSINESS_KEY = /^[A-Za-z0-9-]{1,80}$/;
const recordParams = z
  .object({ recordId: z.string().regex(BUSINESS_KEY, '政务失信记录编号格式不正确，应如 SX20170103-4f2a9c') })
  .strict();
const caseParams = z
  .object({ caseId: z.string().regex(BUSINESS_KEY, '追责案件编号格式不正确，应如 SX20170103-4f2a9c-1') })
  .strict();
const objectionId = wholeNumberText('异议编号', 100_000);

const distinct = (xs: readonly unknown[]) => new Set(xs).size === xs.length;
const attachmentIds = z.array(z.string().min(1).max(100)).max(20).refine(distinct, say.repeated('附件'));

/** 失信来源 a credit officer may register: an overdue directive task opens its record on its own. */
const REGISTERED_SOURCES = Object.fromEntries(
  Object.entries(BREACH_SOURCES).filter(([k]) => k !== 'OVERDUE_TASK'),
) as Omit<typeof BREACH_SOURCES, 'OVERDUE_TASK'>;
const registeredSource = z.enum(
  Object.keys(REGISTERED_SOURCES) as [
    keyof typeof REGISTERED_SOURCES,
    ...(keyof typeof REGISTERED_SOURCES)[],
  ],
  {
    error: (i) =>
      i.input === undefined
        ? say.required('失信来源')
        : i.input === 'OVERDUE_TASK'
          ? 'OVERDUE_TASK（督办事项逾期未办）的记录只在督办任务逾期时由系统登记，不能手工登记'
          : say.oneOfThese(
              '失信来源',
              Object.entries(REGISTERED_SOURCES).map(([k, v]) => `${k}（${v}）`),
            ),
  },
);

const subject = z
  .object({
    kind: oneOf('主体类型', { BODY: '政府机构', CIVIL_SERVANT: '公务员' }),
    departmentCode: text('主体单位代码', 40),
    personName: text('公务员姓名', 40).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind === 'CIVIL_SERVANT' && s.personName === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['personName'],
        message: '失信主体为公务员时，公务员姓名为必填项',
      });
    if (s.kind === 'BODY' && s.personName !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['personName'],
        message: '失信主体为政府机构时，不填公务员姓名',
      });
  });

/** 登记政务失信记录. */
const registrationForm = (today: string) =>
  z
    .object({
      subject,
      source: registeredSource,
      sourceRef: text('认定文书或依据', 200),
      facts: text('失信事实', 4000),
      principal: z.object({ name: text('主要负责人姓名', 40), title: text('主要负责人职务', 60) }).strict(),
      severity: z
        .object({
          level: oneOf('严重程度', SEVERITIES),
          loss: text('损失', 1000),
          socialImpact: text('社会影响', 1000),
        })
        .strict(),
      published: z.boolean(),
      occurredOn: calendarDate('发生日期').refine((d) => d <= today, `发生日期不能晚于今天（${today}）`),
      attachments: attachmentIds.optional(),
    })
    .strict();

/** A remark required only when the step refuses: an empty one is then a 400 on `comment`. */
const reasonRequired = (label: string) => (comment: string, ctx: z.RefinementCtx) => {
  if (!comment) ctx.addIssue({ code: 'custom', path: ['comment'], message: say.required(label) });
};

const correctionFields = {
  severity: oneOf('严重程度', SEVERITIES).optional(),
  facts: text('失信事实', 4000).optional(),
  published: z.boolean().optional(),
};
const someChange = (c: object) => Object.values(c).some((v) => v !== undefined);

const stepText = (label: string) => z.object({ text: text(label, 5000) }).strict();

/** A decision's measure and what goes with it (期限, 移送机关). */
const measureFields = {
  measure: oneOf('追责措施', MEASURES).optional(),
  periodMonths: z.number().int().min(1).max(60).optional(),
  referredTo: text('移送机关', 100).optional(),
};
/** The measures that take a period (期限), as a refusal lists them. */
const PERIOD_MEASURES = Object.entries(MEASURES)
  .filter(([, m]) => m.period)
  .map(([k, m]) => `${k}（${m.label}）`)
  .join('、');
function checkMeasure(
  d: { measure?: Measure; periodMonths?: number; referredTo?: string },
  ctx: z.RefinementCtx,
): void {
  if (d.periodMonths !== undefined && !(d.measure && MEASURES[d.measure].period))
    ctx.addIssue({
      code: 'custom',
      path: ['periodMonths'],
      message: `期限仅适用于以下追责措施：${PERIOD_MEASURES}`,
    });
  if (d.measure === 'REFERRED' && d.referredTo === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['referredTo'],
      message: '移送（REFERRED，依法依规追究责任）时，移送机关为必填项',
    });
  if (d.measure !== 'REFERRED' && d.referredTo !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['referredTo'],
      message: '仅在移送（REFERRED，依法依规追究责任）时填写移送机关',
    });
}

const mitigationGrounds = z
  .array(oneOf('自我纠错情形', MITIGATION_GROUNDS))
  .min(
    1,
    `自我纠错情形至少一项：${Object.entries(MITIGATION_GROUNDS)
      .map(([k, v]) => `${k}（${v}）`)
      .join('、')}`,
  )
  .refine(distinct, say.repeated('自我纠错情形'));

const decisionForm = z
  .object({
    ...measureFields,
    mitigation: z
      .object({
        outcome: oneOf('从轻/免于', { LIGHTER: '从轻', EXEMPT: '免于' }),
        grounds: mitigationGrounds,
        explanation: text('从轻/免于的理由', 2000),
      })
      .strict()
      .optional(),
    reasons: text('决定理由', 2000),
  })
  .strict()
  .superRefine((d, ctx) => {
    checkMeasure(d, ctx);
    const exempt = d.mitigation?.outcome === 'EXEMPT';
    if (exempt && d.measure)
      ctx.addIssue({ code: 'custom', path: ['measure'], message: '免于追责（EXEMPT）时不填追责措施' });
    if (!exempt && !d.measure)
      ctx.addIssue({
        code: 'custom',
        path: ['measure'],
        message: '除免于追责（EXEMPT）外，追责措施为必填项',
      });
  });

const uphold = { uphold: z.boolean(), reasons: text('复核意见', 2000) };
const onlyWhenUpheld =
  (field: string, label: string) =>
  (r: { uphold: boolean } & Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (!r.uphold && r[field] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `${label}仅在异议成立时填写`,
      });
  };

/** A period of CST dates, both included; by default the calendar year of today. */
const inPeriod =
  <T extends { from?: string; to?: string }>(today: string) =>
  (q: T) => ({
    ...q,
    from: q.from ?? `${today.slice(0, 4)}-01-01`,
    to: q.to ?? `${today.slice(0, 4)}-12-31`,
  });
const fromNotAfterTo = (p: { from: string; to: string }, ctx: z.RefinementCtx) => {
  if (p.from > p.to) ctx.addIssue({ code: 'custom', path: ['to'], message: '截止日期不能早于起始日期' });
};
const periodFields = (today: string) =>
  z
    .object({ from: calendarDate('起始日期').optional(), to: calendarDate('截止日期').optional() })
    .strict()
    .transform(inPeriod(today))
    .superRefine(fromNotAfterTo);

/** A comma list of catalogue keys in a query, e.g. status=EXPLANATION_DUE,PLAN_DUE. */
const keyList = <K extends string>(label: string, catalogue: Record<K, string>) =>
  z
    .string()
    .transform((s) => s.split(',').map((k) => k.trim()))
    .pipe(z.array(oneOf(label, catalogue)).min(1));

const listQuery = z
  .object({
    department: text('单位', 40).optional(),
    status: keyList('状态', BREACH_STATUSES).optional(),
    source: keyList('失信来源', BREACH_SOURCES).optional(),
    severity: keyList('严重程度', SEVERITIES).optional(),
    q: text('检索词', 100).optional(),
    page: wholeNumberText('页码').default(1),
    pageSize: wholeNumberText('每页条数', 100).default(20),
  })
  .strict();

const exportQuery = (today: string) =>
  z
    .object({
      format: z.enum(['json', 'csv'], { error: '导出格式须为 json 或 csv' }).default('json'),
      from: calendarDate('起始日期').optional(),
      to: calendarDate('截止日期').optional(),
      includeUnpublished: booleanText('是否含未公开记录').default(false),
    })
    .strict()
    .transform(inPeriod(today))
    .superRefine(fromNotAfterTo);

const policyRequest = requestSchema({});
const newPolicyRequest = requestSchema({ body: integrityPolicySchema });
const listRequest = requestSchema({ query: listQuery });
const recordRequest = requestSchema({ params: recordParams });
const caseRequest = requestSchema({ params: caseParams });
const evaluationRequest = (today: string) => requestSchema({ query: periodFields(today) });
const departmentEvaluationRequest = (today: string) =>
  requestSchema({
    params: z.object({ departmentCode: text('单位代码', 40) }).strict(),
    query: periodFields(today),
  });

/** The routes' descriptions (api/openapi.ts); the steps' are made with their routes below. */
const DOCS = {
  policy: operation({
    summary: 'The integrity policy in force',
    request: policyRequest,
    responses: { 200: '`{policy}`' },
  }),
  newPolicy: operation({
    summary: 'A new integrity policy version, for records opened from now on',
    request: newPolicyRequest,
    responses: { 201: '`{policy}`' },
    errors: [409],
  }),
  register: operation({
    summary: '登记政务失信记录: register a breach record',
    request: (now) => requestSchema({ body: registrationForm(chinaDate(now)) }),
    responses: { 201: 'The record' },
    step: true,
  }),
  list: operation({
    summary: '政务失信记录 I may see, filtered and paged',
    request: listRequest,
    responses: { 200: '`{total, page, pageSize, items}`' },
  }),
  export: operation({
    summary: 'Export records for the credit-sharing platform (全国信用信息共享平台), JSON or CSV',
    request: (now) => requestSchema({ query: exportQuery(chinaDate(now)) }),
    responses: { 200: { description: 'The records', mediaTypes: ['application/json', 'text/csv'] } },
  }),
  record: operation({
    summary: 'A breach record with its entries, objections, cases and files',
    request: recordRequest,
    who: '督查室 and the office see all records; a body its own.',
    responses: { 200: 'The record' },
  }),
  case: operation({
    summary: 'A 追责案件 (accountability case)',
    request: caseRequest,
    who: 'Whoever may see its record.',
    responses: { 200: 'The case' },
  }),
  evaluation: operation({
    summary: '政务诚信评价: every body ranked over a period',
    request: (now) => evaluationRequest(chinaDate(now)),
    who: 'The office and 督查室; a body reads its own evaluation (403 here).',
    responses: { 200: 'The ranking' },
  }),
  departmentEvaluation: operation({
    summary: 'One body’s 政务诚信评价 over a period',
    request: (now) => departmentEvaluationRequest(chinaDate(now)),
    who: 'The office, 督查室 and leaders; a body its own.',
    responses: { 200: 'The evaluation' },
  }),
};

// ---------------------------------------------------------------------------------------------

type RecordRow = NonNullable<Awaited<ReturnType<typeof visibleRecord>>>;
type CaseRow = NonNullable<Awaited<ReturnType<typeof visibleCase>>>;
type Handle = ReturnType<Client['workflow']['getHandle']>;
type Form<R> = Omit<R, 'by'>;

export function integrityRouter({ db, temporal, taskQueue, clock, steps }: IntegrityRouterDeps): Router {
  const router = Router();
  const today = async () => chinaDate(await clock());

  /** A visible record (404 otherwise); for a subject body's step, of the acting person's department (403). */
  async function recordFor(req: Request, recordId: string, step?: { key: string; rule: StepRule }) {
    const row = await visibleRecord(db, currentUser(req), recordId);
    if (!row) throw new HttpError(404, 'not_found', `找不到政务失信记录 ${recordId}`);
    if (step) ownSubject(req, step, row.subjectDepartmentCode);
    return row;
  }
  async function caseFor(req: Request, caseId: string, step?: { key: string; rule: StepRule }) {
    const row = await visibleCase(db, currentUser(req), caseId);
    if (!row) throw new HttpError(404, 'not_found', `找不到追责案件 ${caseId}`);
    if (step) ownSubject(req, step, row.subjectDepartmentCode);
    return row;
  }
  function ownSubject(req: Request, step: { key: string; rule: StepRule }, subjectDepartmentCode: string) {
    if (SUBJECT_STEPS.includes(step.key) && actingUser(req).departmentCode !== subjectDepartmentCode) {
      throw new HttpError(
        403,
        'not_yours',
        `${step.rule.label}只能由失信主体单位（${subjectDepartmentCode}）就本单位的记录办理`,
      );
    }
  }

  /** The record's workflow, for a step: once closed (信用修复, 撤销) a step is 409 with the row's status. */
  async function onRecord<T>(row: RecordRow, act: (handle: Handle) => Promise<T>): Promise<T> {
    try {
      const handle = temporal.workflow.getHandle(breachRecordWorkflowId(row.recordId));
      return await steps(() => askingAgainIfNotNow(() => act(handle)));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const now = (await db.breachRecord.findUnique({ where: { recordId: row.recordId } })) ?? row;
      throw new HttpError(
        409,
        'not_now',
        `政务失信记录 ${row.recordId} 当前状态为${say.statusName(now.status)}，不能再办理`,
      );
    }
  }
  async function onCase<T>(row: CaseRow, act: (handle: Handle) => Promise<T>): Promise<T> {
    try {
      const handle = temporal.workflow.getHandle(accountabilityCaseWorkflowId(row.caseId));
      return await steps(() => askingAgainIfNotNow(() => act(handle)));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      const now = (await db.accountabilityCase.findUnique({ where: { caseId: row.caseId } })) ?? row;
      throw new HttpError(
        409,
        'not_now',
        `追责案件 ${row.caseId} 当前状态为${say.statusName(now.status)}，不能再办理`,
      );
    }
  }

  /**
   * Files named in a form: the person's own uploads, filed with no directive and no other record.
   * A retry (Idempotency-Key), or a second report after a failed 验收, may name files already filed
   * with this record.
   */
  const filesFor = (ids: string[] | undefined, userId: string, recordId: string) =>
    attachmentsNamed(db, ids ?? [], userId, { breachRecordId: recordId });

  /** A measure that does not fit the subject (a body's for a civil servant, or the other way) is a 400. */
  async function checkMeasureFor(recordId: string, measure: Measure | undefined, field: string) {
    if (!measure) return;
    const record = await db.breachRecord.findUnique({ where: { recordId }, select: { subjectKind: true } });
    const kind = record?.subjectKind as BreachSubject['kind'] | undefined;
    const fits = MEASURES[measure].for as readonly string[];
    if (kind && !fits.includes(kind)) {
      const who = kind === 'BODY' ? '政府机构' : '公务员';
      throw invalidInput([{ field, reason: `${MEASURES[measure].label}（${measure}）不适用于${who}` }]);
    }
  }

  // ----- Policy

  router.get('/api/integrity/policy', DOCS.policy, async (req, res) => {
    parseRequest(policyRequest, req);
    res.json({ policy: await currentIntegrityPolicy(db) });
  });
  // Takes effect for records opened from now on; running ones keep the version they were opened under.
  const directorOrAdmin = requireRole('OFFICE_DIRECTOR', 'ADMIN');
  router.put('/api/integrity/policy', DOCS.newPolicy, directorOrAdmin, async (req, res) => {
    const { body: policy } = parseRequest(newPolicyRequest, req);
    try {
      await saveIntegrityPolicy(db, policy, currentUser(req).id);
    } catch (err) {
      if ((err as { code?: string }).code !== 'P2002') throw err;
      throw new HttpError(409, 'duplicate', `政务诚信政策版本 ${policy.version} 已存在`, [
        { field: 'version', reason: '新政策须使用新的版本名称' },
      ]);
    }
    res.status(201).json({ policy });
  });

  // ----- Records

  /**
   * 登记政务失信记录: the record's id is SX + today (CST) + 6 hex characters; with an
   * Idempotency-Key they come from the person and the key, so a retry reaches the same record
   * and Temporal answers it with the first opening.
   */
  router.post('/api/integrity/records', DOCS.register, requireRole('CREDIT_OFFICER'), async (req, res) => {
    const day = await today();
    const { body } = parseRequest(requestSchema({ body: registrationForm(day) }), req);
    const user = currentUser(req);
    const { attachments: ids, ...facts } = body;
    const department = await db.department.findUnique({ where: { code: facts.subject.departmentCode } });
    if (department?.kind !== 'RESPONSIBLE_DEPARTMENT') {
      throw invalidInput([
        {
          field: 'subject.departmentCode',
          reason: `${facts.subject.departmentCode} 不是承办单位`,
        },
      ]);
    }
    const updateId = updateIdOf(req, 'breach-open');
    const recordId = await newRecordId(req, day);
    const attachments = await filesFor(ids, user.id, recordId);
    const policy = await currentIntegrityPolicy(db);
    const opened = await steps(() =>
      temporal.workflow.executeUpdateWithStart(breachOpenedUpdate, {
        args: [{ by: actingUser(req) }],
        updateId,
        startWorkflowOperation: new WithStartWorkflowOperation(breachRecordWorkflow, {
          workflowId: breachRecordWorkflowId(recordId),
          taskQueue,
          // A retry finds its own record running; a record id once used is never opened again.
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [
            {
              recordId,
              facts,
              attachments,
              openedBy: signingActor(req),
              policy,
            },
          ],
        }),
      }),
    );
    // The id derived from someone else's Idempotency-Key: their record, not this registration.
    if (opened.openedBy?.userId !== signingActor(req).userId)
      throw new HttpError(
        409,
        'duplicate',
        `政务失信记录编号 ${recordId} 已被占用：请换一个 Idempotency-Key 重新登记`,
      );
    // breachOpened answers once the opening is projected: the row is there to read.
    const row = await recordFor(req, recordId);
    res
      .status(201)
      .location(`/api/integrity/records/${recordId}`)
      .json(await recordDetail(db, row, user, day));
  });

  async function newRecordId(req: Request, day: string): Promise<string> {
    const prefix = `SX${day.replace(/-/g, '')}-`;
    const key = req.get('idempotency-key');
    if (key !== undefined) {
      const hash = createHash('sha256')
        .update(`${currentUser(req).id}:${key}`)
        .digest('hex');
      return prefix + hash.slice(0, 6);
    }
    // 16.7 million a day: a clash is rare, and the next draw does not clash.
    for (;;) {
      const recordId = prefix + randomBytes(3).toString('hex');
      if (!(await db.breachRecord.findUnique({ where: { recordId }, select: { recordId: true } })))
        return recordId;
    }
  }

  router.get('/api/integrity/records', DOCS.list, async (req, res) => {
    const { query } = parseRequest(listRequest, req);
    res.json(await listRecords(db, currentUser(req), query));
  });

  // For the credit-sharing platform (全国信用信息共享平台); the structure is ExportedRecord.
  router.get(
    '/api/integrity/records/export',
    DOCS.export,
    requireRole('CREDIT_OFFICER', 'OFFICE_DIRECTOR'),
    async (req, res) => {
      const now = await clock();
      const { query } = parseRequest(requestSchema({ query: exportQuery(chinaDate(now)) }), req);
      const { format, from, to, includeUnpublished } = query;
      if (includeUnpublished && !currentUser(req).roles.includes('CREDIT_OFFICER')) {
        throw new HttpError(403, 'forbidden', say.rolesNeeded('导出未公开记录', ['CREDIT_OFFICER']), [
          { field: 'includeUnpublished', reason: say.rolesNeeded('导出未公开记录', ['CREDIT_OFFICER']) },
        ]);
      }
      const records = await exportRecords(db, { from, to }, { includeUnpublished });
      if (format === 'csv') {
        res
          .type('text/csv; charset=utf-8')
          .attachment(`integrity-records-${from}-${to}.csv`)
          .send(exportCsv(records));
        return;
      }
      res.json({
        platform: '全国信用信息共享平台',
        format: EXPORT_FORMAT,
        from,
        to,
        generatedAt: new Date(now).toISOString(),
        includeUnpublished,
        count: records.length,
        records,
      });
    },
  );

  router.get('/api/integrity/records/:recordId', DOCS.record, async (req, res) => {
    const { params } = parseRequest(recordRequest, req);
    const row = await recordFor(req, params.recordId);
    res.json(await recordDetail(db, row, currentUser(req), await today()));
  });

  /** A step on a record's workflow: role from the table, the form parsed, then the workflow decides. */
  function recordStep<
    S extends z.ZodType<{ params: { recordId: string } }>,
    R extends { by: ActingUser },
    Res,
  >(
    route: string,
    key: BreachStep,
    schema: (day: string) => S,
    update: UpdateDefinition<Res, [R]>,
    form: (input: z.output<S>, ctx: { req: Request; row: RecordRow }) => Promise<Form<R>> | Form<R>,
    answer: (state: Res) => object = (state) => ({ state }),
  ) {
    const rule = BREACH_STEPS[key];
    const doc = operation({
      summary: `${rule.label}: ${route} on a breach record`,
      request: (now) => schema(chinaDate(now)),
      who: 'Whoever may see the record (404 for anyone else).',
      responses: { 200: '`{state}`' },
      step: true,
    });
    const path = `/api/integrity/records/:recordId/${route}`;
    router.post(path, doc, requireRole(...rule.roles), async (req, res) => {
      const input = parseRequest(schema(await today()), req);
      const row = await recordFor(req, input.params.recordId, { key, rule });
      const request = await form(input, { req, row });
      const updateId = updateIdOf(req, `record-${key}`);
      const state = await onRecord(row, (h) =>
        h.executeUpdate(update, { args: [{ ...request, by: actingUser(req) } as R], updateId }),
      );
      res.json(answer(state));
    });
  }
  const onRecordWith =
    <B extends z.ZodType>(body: B) =>
    () =>
      requestSchema({ params: recordParams, body });

  // 更正: a new entry, never an edit.
  recordStep(
    'corrections',
    'correctRecord',
    onRecordWith(
      z
        .object({
          changes: z
            .object(correctionFields)
            .strict()
            .refine(someChange, '更正须至少改动一项：严重程度、失信事实或是否公开'),
          reason: text('更正理由', 2000),
        })
        .strict(),
    ),
    correctRecordUpdate,
    ({ body }) => body,
  );

  // 书面说明原因, 整改方案, 整改完成: the subject body's three steps of 限期整改.
  recordStep(
    'explanation',
    'explain',
    onRecordWith(stepText('书面说明')),
    explainBreachUpdate,
    ({ body }) => body,
  );
  recordStep(
    'plan',
    'submitPlan',
    onRecordWith(stepText('整改方案')),
    submitRectificationPlanUpdate,
    ({ body }) => body,
  );
  recordStep(
    'completion',
    'reportCompletion',
    onRecordWith(
      z.object({ text: text('整改完成情况', 5000), attachments: attachmentIds.optional() }).strict(),
    ),
    reportRectificationUpdate,
    async ({ body }, { req, row }) => ({
      text: body.text,
      ...(body.attachments
        ? { attachments: await filesFor(body.attachments, currentUser(req).id, row.recordId) }
        : {}),
    }),
  );

  // 验收: passed, or failed with a new deadline for completing the rectification.
  recordStep(
    'verification',
    'verify',
    (day) =>
      requestSchema({
        params: recordParams,
        body: z
          .object({
            pass: z.boolean(),
            comment: remark('验收意见', 2000),
            newDueDate: calendarDate('新的整改期限')
              .refine((d) => d > day, `新的整改期限须晚于今天（${day}）`)
              .optional(),
          })
          .strict()
          .superRefine((v, ctx) => {
            if (!v.pass) reasonRequired('未通过的理由')(v.comment, ctx);
            if (v.pass && v.newDueDate !== undefined)
              ctx.addIssue({
                code: 'custom',
                path: ['newDueDate'],
                message: '仅在验收未通过时填写新的整改期限',
              });
          }),
      }),
    verifyRectificationUpdate,
    ({ body }) => body,
  );

  // 立案追责 by hand; the answer names the new case, whose row the 立案 entry wrote.
  recordStep(
    'cases',
    'openCase',
    onRecordWith(z.object({ reason: text('立案理由', 2000) }).strict()),
    openCaseUpdate,
    ({ body }) => body,
    (state) => ({ state, caseId: state.caseIds[state.caseIds.length - 1]! }),
  );

  // 异议 to the record, and its review by an officer other than the one who registered it (回避).
  recordStep(
    'objections',
    'fileObjection',
    onRecordWith(z.object({ reason: text('异议理由', 2000) }).strict()),
    fileObjectionUpdate,
    ({ body }) => body,
  );
  recordStep(
    'objections/:objectionId/review',
    'reviewObjection',
    () =>
      requestSchema({
        params: z.object({ recordId: recordParams.shape.recordId, objectionId }).strict(),
        body: z
          .object({
            ...uphold,
            correction: z
              .object({ ...correctionFields, revoke: z.boolean().optional() })
              .strict()
              .refine(someChange, '更正须至少改动一项：严重程度、失信事实、是否公开或撤销记录')
              .optional(),
          })
          .strict()
          .superRefine(onlyWhenUpheld('correction', '更正')),
      }),
    reviewObjectionUpdate,
    ({ params, body }, { req, row }) => {
      if (isObjectedActor(currentUser(req), objectedActBy(row)))
        throw new HttpError(403, 'not_yours', '此记录由您登记，异议复核须由另一名信用人员办理（回避）');
      return { objectionId: params.objectionId, ...body };
    },
  );

  // 信用修复: the body applies once the waiting period after 验收 is over; the credit staff decide.
  recordStep(
    'repair',
    'applyRepair',
    onRecordWith(z.object({ statement: text('信用修复申请', 2000) }).strict()),
    applyRepairUpdate,
    ({ body }) => body,
  );
  recordStep(
    'repair/decision',
    'decideRepair',
    onRecordWith(
      z
        .object({ approve: z.boolean(), comment: remark('审核意见', 2000) })
        .strict()
        .superRefine((v, ctx) => {
          if (!v.approve) reasonRequired('不予修复的理由')(v.comment, ctx);
        }),
    ),
    decideRepairUpdate,
    ({ body }) => body,
  );

  // ----- Cases (追究责任)

  router.get('/api/integrity/cases/:caseId', DOCS.case, async (req, res) => {
    const { params } = parseRequest(caseRequest, req);
    const row = await caseFor(req, params.caseId);
    res.json(await caseDetail(db, row, currentUser(req), await today()));
  });

  function caseStep<S extends z.ZodType<{ params: { caseId: string } }>, R extends { by: ActingUser }, Res>(
    route: string,
    key: CaseStep,
    schema: S,
    update: UpdateDefinition<Res, [R]>,
    form: (input: z.output<S>, ctx: { req: Request; row: CaseRow }) => Promise<Form<R>> | Form<R>,
  ) {
    const rule = CASE_STEPS[key];
    const doc = operation({
      summary: `${rule.label}: ${route} on an accountability case`,
      request: schema,
      who: 'Whoever may see the case’s record (404 for anyone else).',
      responses: { 200: '`{state}`' },
      step: true,
    });
    const path = `/api/integrity/cases/:caseId/${route}`;
    router.post(path, doc, requireRole(...rule.roles), async (req, res) => {
      const input = parseRequest(schema, req);
      const row = await caseFor(req, input.params.caseId, { key, rule });
      const request = await form(input, { req, row });
      const updateId = updateIdOf(req, `case-${key}`);
      const state = await onCase(row, (h) =>
        h.executeUpdate(update, { args: [{ ...request, by: actingUser(req) } as R], updateId }),
      );
      res.json({ state });
    });
  }
  const onCaseWith = <B extends z.ZodType>(body: B) => requestSchema({ params: caseParams, body });

  // 调查终结.
  caseStep(
    'investigation',
    'concludeInvestigation',
    onCaseWith(z.object({ findings: text('调查结论', 5000) }).strict()),
    concludeInvestigationUpdate,
    ({ body }) => body,
  );
  // 自我纠错、主动自新: what the body did, for the decider to weigh (从轻, 免于).
  caseStep(
    'mitigation',
    'showMitigation',
    onCaseWith(z.object({ grounds: mitigationGrounds, statement: text('情况说明', 2000) }).strict()),
    showMitigationUpdate,
    ({ body }) => body,
  );
  // 追责决定.
  caseStep('decision', 'decide', onCaseWith(decisionForm), decideCaseUpdate, async ({ body }, { row }) => {
    await checkMeasureFor(row.recordId, body.measure, 'measure');
    return body;
  });
  // 异议 to the decision, reviewed by someone other than the decider (回避).
  caseStep(
    'objections',
    'fileObjection',
    onCaseWith(z.object({ reason: text('异议理由', 2000) }).strict()),
    fileObjectionUpdate,
    ({ body }) => body,
  );
  caseStep(
    'objections/:objectionId/review',
    'reviewObjection',
    requestSchema({
      params: z.object({ caseId: caseParams.shape.caseId, objectionId }).strict(),
      body: z
        .object({
          ...uphold,
          decision: z.object(measureFields).strict().superRefine(checkMeasure).optional(),
        })
        .strict()
        .superRefine(onlyWhenUpheld('decision', '追责决定')),
    }),
    reviewObjectionUpdate,
    async ({ params, body }, { req, row }) => {
      if (isObjectedActor(currentUser(req), objectedActBy(row)))
        throw new HttpError(403, 'not_yours', '此案由您作出决定，异议复核须由他人办理（回避）');
      await checkMeasureFor(row.recordId, body.decision?.measure, 'decision.measure');
      return { objectionId: params.objectionId, ...body };
    },
  );

  // ----- 政务诚信评价

  router.get('/api/integrity/evaluation', DOCS.evaluation, async (req, res) => {
    const { query } = parseRequest(evaluationRequest(await today()), req);
    // The ranking counts every body's records, published or not: for the office and 督查室 only.
    const own = integrityScope(currentUser(req)).subjectDepartmentCode;
    if (own)
      throw new HttpError(
        403,
        'not_yours',
        `政务诚信评价排名仅供办公厅和督查室查看；本单位的评价见 /api/integrity/evaluation/${own}`,
      );
    const { evaluation } = await currentIntegrityPolicy(db);
    res.json(await evaluationRanking(db, evaluation, query));
  });

  router.get('/api/integrity/evaluation/:departmentCode', DOCS.departmentEvaluation, async (req, res) => {
    const { params, query } = parseRequest(departmentEvaluationRequest(await today()), req);
    const scope = integrityScope(currentUser(req));
    const department =
      scope.subjectDepartmentCode && scope.subjectDepartmentCode !== params.departmentCode
        ? null
        : await db.department.findFirst({
            where: { code: params.departmentCode, kind: 'RESPONSIBLE_DEPARTMENT' },
          });
    if (!department)
      throw new HttpError(404, 'not_found', `找不到您可查看的 ${params.departmentCode} 政务诚信评价`);
    const { evaluation } = await currentIntegrityPolicy(db);
    res.json(await departmentEvaluation(db, evaluation, query, department));
  });

  return router;
}
