/**
 * 收文登记簿: the year's register of incoming documents. It alone hands out 收文编号, so the
 * sequence is gapless and never duplicated, and it starts each directive's workflow in the
 * same step that allocates its number — a crash between the two cannot lose one.
 *
 * The clerk hears the number in the workflow task that asks Temporal to start the directive's
 * workflow: the answer and the start command are kept together, and the start itself follows on
 * the server. The register does not wait for the start's event, a second workflow task of this one
 * workflow that every registration of the year would queue behind. A step sent at once may reach
 * the directive before it has started; the API waits for it (`api/routes/routing.ts`).
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import {
  FailureType,
  directiveWorkflowId,
  formatReceiptNumber,
  continueNumberingUpdate,
  registerIncomingUpdate,
  signForIncomingUpdate,
} from './definitions';
import { directiveWorkflow } from './directive';
import {
  HANDLING_PREFIX,
  checkDelivery,
  checkIncomingDocument,
  formatHandlingNumber,
  type FieldProblem,
} from './incoming-document';
import { activities } from './activities';
import { invalid, refuse, requireRole, signer } from './rules';
import * as say from './wording';
import type {
  ContinueNumberingRequest,
  DirectiveInput,
  IncomingRegisterInput,
  IncomingSignature,
  RegisterIncomingRequest,
  SignForIncomingRequest,
  TimelineRecord,
} from './types';
import type { RecordReceiptInput } from '../activities/projection';
import type { RecordRegisterNumberingInput } from '../activities/register';

/** Each run keeps well below the server's 2000 updates per run (签收 and 登记); then it continues as new. */
const UPDATES_PER_RUN = 1000;

export async function incomingRegisterWorkflow(input: IncomingRegisterInput): Promise<void> {
  const { year } = input;
  let lastSequence = input.lastSequence;
  let updatesThisRun = 0;
  /** 来文单位 + 文号 → 收文编号: the same document is registered once (a copy points to the first). */
  const registered = new Map<string, string>(Object.entries(input.registered ?? {}));
  const documentKey = (d: { sourceOrg: string; docNumber: string }) => `${d.sourceOrg}|${d.docNumber}`;
  /** 办文编号 sequences, one per prefix, gapless like the 收文编号. */
  const handlingSequences = new Map<string, number>(Object.entries(input.lastHandlingSequences ?? {}));
  /** 签收 done, 登记 not yet: the signature (and its time) waits for the registration. */
  const signedFor = new Map<string, IncomingSignature>(Object.entries(input.signedFor ?? {}));
  /** The directives' starts this run has asked for: it continues as new once they have happened. */
  const startsInFlight = new Set<Promise<unknown>>();
  /** Registrations numbered and waiting for their record; `answer` lets the clerk hear the number. */
  const toRecord: { receipt: RecordReceiptInput; directive: DirectiveInput; answer: () => void }[] = [];
  /** 启用编号 waiting for its record, which takes its turn with the registrations'. */
  const numberingsToRecord: { numbering: RecordRegisterNumberingInput; answer: () => void }[] = [];

  /**
   * The registrations a workflow task brings are recorded together: one local activity, one
   * transaction. Then each directive's start is asked for and each clerk answered, in the order
   * they were numbered, all in that workflow task. One result per batch keeps that order the same
   * in a replay; answers among start commands that each followed its own local activity's result
   * would follow when each result happened to arrive, which a replay does not reproduce.
   *
   * For the same reason the register records one thing at a time: a 启用编号 waits for the batch in
   * hand, and the next batch for it.
   */
  async function recordInBatches(): Promise<never> {
    for (;;) {
      await condition(() => toRecord.length > 0 || numberingsToRecord.length > 0);
      const next = numberingsToRecord.shift();
      if (next) {
        await activities.recordRegisterNumbering(next.numbering);
        next.answer();
        continue;
      }
      const batch = toRecord.splice(0);
      await activities.recordReceipts(batch.map((r) => r.receipt));
      for (const { directive, answer } of batch) {
        startsInFlight.add(startDirective(directive));
        answer();
      }
    }
  }
  void recordInBatches();

  // 签收: the office counts the copies and signs for the delivery; the time starts the receipt clocks.
  setHandler(
    signForIncomingUpdate,
    ({ sourceOrg, docNumber, copies, signedBy }) => {
      const signature: IncomingSignature = {
        sourceOrg,
        docNumber,
        copies,
        signedBy,
        signedForAt: new Date().toISOString(),
      };
      signedFor.set(documentKey(signature), signature);
      updatesThisRun++;
      return signature;
    },
    {
      validator: ({ sourceOrg, docNumber, copies }: SignForIncomingRequest) => {
        const problems = checkDelivery({ sourceOrg, docNumber, copies }, Date.now());
        if (problems.length) invalid(problems);
        const key = documentKey({ sourceOrg, docNumber });
        const first = registered.get(key);
        if (first) refuse('Duplicate', `${sourceOrg} ${docNumber} 已登记，收文编号 ${first}`);
        const earlier = signedFor.get(key);
        if (earlier) refuse('Duplicate', `${sourceOrg} ${docNumber} 已于 ${earlier.signedForAt} 签收`);
      },
      description: '签收: sign for a delivered document; registration follows',
    },
  );

  const validate = ({ document }: RegisterIncomingRequest) => {
    const problems = checkIncomingDocument(document, Date.now());
    if (!problems.length && Number(document.receivedDate.slice(0, 4)) !== year) {
      problems.push({
        field: 'receivedDate',
        reason: `收文日期不在本登记簿的年度 ${year} 年内`,
      });
    }
    const first = registered.get(documentKey(document));
    if (!problems.length && first) {
      throw ApplicationFailure.create({
        type: FailureType.Duplicate,
        message: `${document.sourceOrg} ${document.docNumber} 已登记，收文编号 ${first}`,
        details: [[{ field: 'docNumber', reason: `该文号已登记，收文编号 ${first}` }], first],
        nonRetryable: true,
      });
    }
    if (problems.length) {
      throw ApplicationFailure.create({
        type: FailureType.InvalidInput,
        message: say.joinReasons(problems),
        details: [problems],
        nonRetryable: true,
      });
    }
  };

  setHandler(
    registerIncomingUpdate,
    async ({ document: form, registeredBy, policy }) => {
      // Histories recorded before waited for the start's event, a workflow task later, to answer.
      const answersWithStart = patched('register-answers-with-start');
      // Allocated before the first await, so concurrent registrations never share a number.
      const receiptSequence = ++lastSequence;
      updatesThisRun++;
      const receiptNumber = formatReceiptNumber(year, receiptSequence);
      const key = documentKey(form);
      registered.set(key, receiptNumber);
      const handlingNumber = form.handlingPrefix ? nextHandlingNumber(form.handlingPrefix) : undefined;
      const workflowId = directiveWorkflowId(receiptNumber);
      const registeredAt = new Date().toISOString();
      // Registered without a separate 签收: the clerk signs for it in the same moment.
      const signature = signedFor.get(key);
      signedFor.delete(key);
      // The copies counted at 签收, unless the registration counts them itself.
      const document = { ...form, copies: form.copies ?? signature?.copies ?? 1 };
      const signedForAt = signature?.signedForAt ?? registeredAt;
      const receipt = {
        receiptNumber,
        receiptYear: year,
        receiptSequence,
        document,
        registeredBy,
        registeredAt,
        signedForAt,
        handlingNumber,
      };
      const entries: TimelineRecord[] = [
        {
          seq: 1,
          at: signedForAt,
          ...signer(signature?.signedBy ?? registeredBy),
          action: '签收',
          comment: `${signature?.copies ?? document.copies} 份`,
        },
        {
          seq: 2,
          at: registeredAt,
          ...signer(registeredBy),
          action: '收文登记',
          toState: 'REGISTERED',
          comment: handlingNumber ? `办文编号 ${handlingNumber}` : undefined,
        },
      ];
      const directive: DirectiveInput = { ...receipt, timelineSeq: entries.length, policy };
      // The entries are in the register (and the database) before the caller hears the number.
      // Replay takes a local activity's recorded result and never compares its input: the policy's
      // version may be added to it.
      const recorded: RecordReceiptInput = {
        ...receipt,
        status: 'REGISTERED',
        entries,
        policyVersion: policy.version,
      };
      if (answersWithStart)
        await new Promise<void>((answer) => toRecord.push({ receipt: recorded, directive, answer }));
      else {
        // Histories recorded before: each its own record, and the answer once the start's event came.
        await activities.recordReceipt(recorded);
        await startDirective(directive);
      }
      return { receiptNumber, workflowId, handlingNumber };
    },
    { validator: validate, description: '收文登记: allocate the next 收文编号 and open the directive' },
  );

  // 启用编号: an office moving from its paper register mid-year continues its numbers. Only forward:
  // a number this register has already issued is never issued again.
  setHandler(
    continueNumberingUpdate,
    async ({ by, lastSequence: receipts, lastHandlingSequences: handling = {} }) => {
      if (receipts !== undefined) lastSequence = receipts;
      for (const [prefix, last] of Object.entries(handling)) handlingSequences.set(prefix, last);
      updatesThisRun++;
      const numbering = {
        year,
        lastSequence,
        lastHandlingSequences: Object.fromEntries(handlingSequences),
      };
      const record: RecordRegisterNumberingInput = {
        ...numbering,
        changed: { lastSequence: receipts, lastHandlingSequences: handling },
        by: signer(by),
        at: new Date().toISOString(),
      };
      // Histories recorded before ran its record beside the registrations' (see recordInBatches).
      if (patched('register-numbering-in-turn'))
        await new Promise<void>((answer) => numberingsToRecord.push({ numbering: record, answer }));
      else await activities.recordRegisterNumbering(record);
      return numbering;
    },
    {
      validator: (request: ContinueNumberingRequest) =>
        checkNumbering(request, lastSequence, handlingSequences),
      description: '启用编号: where the year’s 收文编号 and 办文编号 continue from',
    },
  );

  function startDirective(directive: DirectiveInput) {
    return startChild(directiveWorkflow, {
      workflowId: directiveWorkflowId(directive.receiptNumber),
      args: [directive],
      // A directive lives on its own; the register continuing as new must not end it.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  }

  function nextHandlingNumber(prefix: string): string {
    const sequence = (handlingSequences.get(prefix) ?? 0) + 1;
    handlingSequences.set(prefix, sequence);
    return formatHandlingNumber(prefix, sequence);
  }

  await condition(() => updatesThisRun >= UPDATES_PER_RUN || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await Promise.all(startsInFlight);
  await continueAsNew<typeof incomingRegisterWorkflow>({
    year,
    lastSequence,
    registered: Object.fromEntries(registered),
    lastHandlingSequences: Object.fromEntries(handlingSequences),
    signedFor: Object.fromEntries(signedFor),
  });
}

const MAX_RECEIPT_SEQUENCE = 99_999; // 收文编号: the year and five digits
const MAX_HANDLING_SEQUENCE = 9_999; // 办文编号: the prefix and four digits

/**
 * 启用编号, checked: by the administrator, whole numbers within the form's digits, and never back
 * over a number the register already issued (`issued`, `issuedHandling`).
 */
function checkNumbering(
  request: ContinueNumberingRequest,
  issued: number,
  issuedHandling: ReadonlyMap<string, number>,
): void {
  requireRole(request.by, ['ADMIN'], '启用编号');
  const problems: FieldProblem[] = [];
  const { lastSequence, lastHandlingSequences } = request;
  const wholeUpTo = (v: unknown, max: number) =>
    Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
  if (lastSequence !== undefined && !wholeUpTo(lastSequence, MAX_RECEIPT_SEQUENCE))
    problems.push({
      field: 'lastSequence',
      reason: say.wholeNumber('已用到的收文编号', 0, MAX_RECEIPT_SEQUENCE),
    });
  const handling = lastHandlingSequences ?? {};
  if (typeof handling !== 'object' || handling === null || Array.isArray(handling))
    problems.push({ field: 'lastHandlingSequences', reason: '办文编号已用到的序号须按前缀逐一填写数字' });
  else
    for (const [prefix, last] of Object.entries(handling)) {
      if (!HANDLING_PREFIX.test(prefix))
        problems.push({
          field: `lastHandlingSequences.${prefix}`,
          reason: '办文编号前缀须为 1 至 4 个汉字',
        });
      else if (!wholeUpTo(last, MAX_HANDLING_SEQUENCE))
        problems.push({
          field: `lastHandlingSequences.${prefix}`,
          reason: say.wholeNumber(`${prefix}已用到的办文编号`, 0, MAX_HANDLING_SEQUENCE),
        });
    }
  if (problems.length) invalid(problems);
  if (typeof lastSequence === 'number' && lastSequence < issued)
    refuse('NotNow', `本年收文编号已发出至 ${issued} 号`, [
      { field: 'lastSequence', reason: `已用到的收文编号不得小于 ${issued}：此前的编号已发出` },
    ]);
  for (const [prefix, last] of Object.entries(handling)) {
    const used = issuedHandling.get(prefix) ?? 0;
    if (last < used)
      refuse('NotNow', `办文编号 ${formatHandlingNumber(prefix, used)} 已发出`, [
        {
          field: `lastHandlingSequences.${prefix}`,
          reason: `${prefix}已用到的办文编号不得小于 ${used}：已发出`,
        },
      ]);
  }
}
