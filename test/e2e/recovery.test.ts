/**
 * `npm start` heals itself: a batch of directives is carried through the HTTP API, each step with
 * an Idempotency-Key and sent again while a part is down, and mid-batch the worker and the API (one
 * process), then the Temporal dev server are killed with SIGKILL. Each is restarted by the supervisor; every
 * directive reaches the state it was carried to, every step is recorded once, the reminder each
 * dispatch makes due at once is delivered once even when it fell due during an outage, and the
 * projection says what the workflows say.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { openDatabase, type Database } from '../../core/database';
import {
  departmentTaskWorkflowId,
  directiveWorkflowId,
  getDepartmentTaskStateQuery,
  getDirectiveStateQuery,
} from '../../workflows/definitions';
import type { RoutingPolicy } from '../../workflows/policy';
import { ROOT } from '../helpers/paths';
import {
  freePort,
  isRunning,
  processesMentioning,
  recordedPid,
  spawnCommand,
  type Spawned,
  type StartedPart,
} from '../helpers/processes';
import { SEED_DIRECTIVE } from '../helpers/stack';

jest.setTimeout(360_000);

/** Directives in the batch; every third is carried on to 办结 and 答复, the rest await a report. */
const BATCH = 12;
const LANES = 4;
const carriedToTheEnd = (i: number) => i % 3 === 0;
const OFFICE_STEPS = 7; // 收文登记, 初审, 拟办, 审核 ×2, 批示, 转办
const CLOSING_STEPS = 4; // 签收, 回报, 回报通过, 答复
const TOTAL_STEPS =
  BATCH * OFFICE_STEPS +
  Array.from({ length: BATCH }).filter((_, i) => carriedToTheEnd(i)).length * CLOSING_STEPS;
/** Kill each part once this share of the steps has been answered (right after a 转办 if one comes). */
const KILLS: [StartedPart, number][] = [
  ['app', 0.3],
  ['temporal', 0.65],
];
/** A step is sent again until answered within this; an activity lost with a worker waits 30 s. */
const STEP_DEADLINE_MS = 180_000;
const SETTLE_DEADLINE_MS = 120_000;
/** A rung due a month before the report: each 转办 makes it due at once (real time does not skip). */
const AT_ONCE = 'remind-at-once';
const PASSWORD = 'duban-demo-2017';

interface Started {
  dataDir: string;
  api: string;
  devPort: number;
  process: Spawned;
}

async function npmStart(): Promise<Started> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-recovery-'));
  const [apiPort, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const process_ = spawnCommand(process.execPath, ['dist/start.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DUBAN_DATA_DIR: dataDir,
      API_PORT: String(apiPort),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
      LOG_LEVEL: 'warn',
    },
  });
  return { dataDir, api: `http://127.0.0.1:${apiPort}`, devPort, process: process_ };
}

/** Set when the test ends, pass or fail: lanes still retrying give up at once. */
let ended = false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  deadlineMs: number,
  check: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (ended) throw new Error(`${what}: the test has ended`);
    const value = await Promise.resolve()
      .then(check)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${deadlineMs / 1000} s`);
    await sleep(250);
  }
}

/** Everything one run records: answers, kills, and what was due when each part died. */
class Drill {
  readonly tokens = new Map<string, string>();
  readonly receiptNumbers: string[] = [];
  readonly dispatched = new Set<string>();
  answered = 0;
  retries = 0;
  /** First answer of a step first sent at or after this instant (ms), per kill. */
  readonly freshAnswers: { sentAt: number; answeredAt: number }[] = [];
  private listener?: (step: string) => void;

  constructor(readonly api: string) {}

  onAnswer(listener: ((step: string) => void) | undefined) {
    this.listener = listener;
  }

  async signIn(username: string): Promise<void> {
    const body = await this.send('sign-in', undefined, 'POST', '/api/auth/login', {
      username,
      password: PASSWORD,
    });
    this.tokens.set(username, (body as { token: string }).token);
  }

  /**
   * One step as a person takes it, sent again with the same Idempotency-Key while the API is
   * unreachable or answers 5xx (a part down; the key makes the retry return the first answer).
   */
  async send(
    step: string,
    user: string | undefined,
    method: 'GET' | 'POST' | 'PUT',
    route: string,
    body?: unknown,
    key?: string,
  ): Promise<unknown> {
    const sentAt = Date.now();
    const deadline = sentAt + STEP_DEADLINE_MS;
    let last = '';
    for (;;) {
      if (ended) throw new Error(`${step} ${route}: the test has ended`);
      try {
        const res = await fetch(`${this.api}${route}`, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(user ? { authorization: `Bearer ${this.tokens.get(user)}` } : {}),
            ...(key ? { 'idempotency-key': key } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(60_000),
        });
        const text = await res.text();
        if (res.status < 500) {
          if (res.status >= 300) throw new Error(`${step} ${route} as ${user}: ${res.status} ${text}`);
          if (key) {
            this.answered++;
            this.freshAnswers.push({ sentAt, answeredAt: Date.now() });
            this.listener?.(step);
          }
          return JSON.parse(text) as unknown;
        }
        last = `${res.status} ${text}`;
      } catch (err) {
        if ((err as Error).message.startsWith(`${step} `)) throw err;
        last = String(err);
      }
      if (Date.now() > deadline)
        throw new Error(`${step} ${route}: no answer within ${STEP_DEADLINE_MS / 1000} s; last: ${last}`);
      this.retries++;
      await sleep(500);
    }
  }
}

const OFFICE_ACTIONS = { 签收: 1, 收文登记: 1, 初审: 1, 拟办: 1, 审核: 2, 批示: 1, 转办: 1 };

test('a batch of directives survives SIGKILL of the worker and API (one process) and of the dev server under npm start', async () => {
  const started = await npmStart();
  const { process: p, dataDir, api } = started;
  let db: Database | undefined;
  let connection: Connection | undefined;
  const drill = new Drill(api);
  ended = false;
  try {
    await p.waitForOutput('duban: ready', 180_000);
    db = openDatabase(`file:${path.join(dataDir, 'duban.db')}`);
    const run = Date.now().toString(36);
    const key = (i: number, step: string) => `drill-${run}-${i}-${step}`;
    for (const user of ['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin', 'fgw-mishu', 'fgw-head']) {
      await drill.signIn(user);
    }

    // The office's policy for the drill: the seed's, with a rung that each 转办 makes due at once.
    const { policy } = (await drill.send('policy', 'zh1-director', 'GET', '/api/policy')) as {
      policy: RoutingPolicy;
    };
    await drill.send('policy', 'zh1-director', 'PUT', '/api/policy', {
      ...policy,
      version: `recovery-drill-${run}`,
      notices: {
        ...policy.notices,
        平急: [
          { key: AT_ONCE, kind: 'REMINDER', offsetDays: -60, recipients: ['DEPT_HANDLER'] },
          ...policy.notices.平急,
        ],
      },
    });

    const atOnceKey = (rn: string) => `${departmentTaskWorkflowId(rn, 'GDFGW')}:${AT_ONCE}:1`;
    const remindersMissing = async (): Promise<string[]> => {
      const rns = [...drill.dispatched];
      const delivered = await db!.notice.findMany({
        where: { noticeKey: { in: rns.map(atOnceKey) } },
        select: { receiptNumber: true },
      });
      const seen = new Set(delivered.map((n) => n.receiptNumber));
      return rns.filter((rn) => !seen.has(rn));
    };

    async function carry(i: number): Promise<void> {
      const registered = (await drill.send(
        'register',
        'huangweiyan',
        'POST',
        '/api/directives',
        {
          ...SEED_DIRECTIVE,
          docNumber: `国发〔2016〕${101 + i}号`,
          title: `${SEED_DIRECTIVE.title}（第 ${i + 1} 件）`,
        },
        key(i, 'register'),
      )) as { directive: { receiptNumber: string } };
      const rn = registered.directive.receiptNumber;
      drill.receiptNumbers[i] = rn;
      const d = `/api/directives/${rn}`;
      const steps: [string, string, string, unknown][] = [
        ['initial-review', 'huangweiyan', `${d}/initial-review`, { decision: 'ACCEPT' }],
        [
          'proposal',
          'huangweiyan',
          `${d}/proposal`,
          {
            leadDepartment: 'GDFGW',
            coDepartments: [],
            handlingOption: 1,
            leaders: ['u-chunxin'],
            leaderMode: 'SEQUENCE',
            comment: '拟请省发展改革委研究办理。',
          },
        ],
        ['review-1', 'chenweiyan', `${d}/review`, { decision: 'APPROVE' }],
        ['review-2', 'zh1-director', `${d}/review`, { decision: 'APPROVE' }],
        ['instruction', 'chunxin', `${d}/instruction`, { decision: 'APPROVE', text: '同意。' }],
        ['dispatch', 'huangweiyan', `${d}/dispatch`, {}],
      ];
      for (const [step, user, route, body] of steps)
        await drill.send(step, user, 'POST', route, body, key(i, step));
      drill.dispatched.add(rn);
      if (!carriedToTheEnd(i)) return;
      const task = `${d}/tasks/GDFGW`;
      // 省发展改革委 signs for the task once it is in its list (projected a moment after the 转办).
      await until(`the task of ${rn} in the list`, STEP_DEADLINE_MS, async () =>
        (await db!.departmentTask.findUnique({
          where: { workflowId: departmentTaskWorkflowId(rn, 'GDFGW') },
        }))
          ? true
          : undefined,
      );
      await drill.send(
        'sign-for',
        'fgw-mishu',
        'POST',
        `${task}/sign-for`,
        { deptReceiptNumber: `${300 + i}号` },
        key(i, 'sign-for'),
      );
      await drill.send(
        'report',
        'fgw-head',
        'POST',
        `${task}/report`,
        { options: [1], text: '已原文翻印发至各市、县，省府直属各部门。' },
        key(i, 'report'),
      );
      await drill.send(
        'accept',
        'huangweiyan',
        'POST',
        `${task}/review`,
        { decision: 'ACCEPT' },
        key(i, 'accept'),
      );
      // 办结 follows the acceptance a moment later, in the workflow; then the office answers (答复).
      await until(`办结 of ${rn}`, STEP_DEADLINE_MS, async () =>
        (await db!.directive.findUnique({ where: { receiptNumber: rn } }))?.status === 'CLOSED'
          ? true
          : undefined,
      );
      await drill.send(
        'reply',
        'huangweiyan',
        'POST',
        `${d}/reply`,
        { text: '已转省发展改革委办理。', notifyDepartments: [] },
        key(i, 'reply'),
      );
    }

    // The batch, LANES directives at a time.
    let next = 0;
    const batch = Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next < BATCH) await carry(next++);
      }),
    );
    batch.catch(() => undefined); // awaited below; the kills must not leave it unobserved

    // The kills, mid-batch, one part after another; each waits until a fresh step is answered again.
    const outages: { part: StartedPart; recoveryMs: number; remindersDue: string[]; atStep: number }[] = [];
    for (const [part, share] of KILLS) {
      await Promise.race([
        new Promise<void>((resolve) =>
          drill.onAnswer((step) => {
            const reached = drill.answered >= share * TOTAL_STEPS;
            if (reached && (step === 'dispatch' || drill.answered >= (share + 0.1) * TOTAL_STEPS)) {
              drill.onAnswer(undefined);
              resolve();
            }
          }),
        ),
        batch.then(() => {
          throw new Error(`the batch ended before the ${part} was killed`);
        }),
      ]);
      const pid = recordedPid(dataDir, part)!;
      expect(isRunning(pid)).toBe(true);
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      const atStep = drill.answered;
      // Reminders already due (their 转办 answered) but not delivered when the worker or the dev
      // server died: they fall due during the outage (the API delivers none).
      const remindersDue = await remindersMissing();
      await p.waitForOutput(`duban: ${part} exited (SIGKILL); restarting in 1 s (restart 1)`, 30_000);
      await until(`${part} restarted`, 60_000, () => {
        const now = recordedPid(dataDir, part);
        return now && now !== pid && isRunning(now) ? now : undefined;
      });
      const answer = await until(`a step answered after the ${part} was killed`, STEP_DEADLINE_MS, () =>
        drill.freshAnswers.find((a) => a.sentAt >= killedAt),
      );
      outages.push({ part, recoveryMs: answer.answeredAt - killedAt, remindersDue, atStep });
    }
    await p.waitForOutput('duban: the Temporal dev server answers again', 60_000);
    await batch;
    expect(drill.answered).toBe(TOTAL_STEPS);

    // Every directive at the end it was carried to, once the last writes have landed.
    const rns = drill.receiptNumbers;
    expect(new Set(rns).size).toBe(BATCH);
    connection = await Connection.connect({ address: `127.0.0.1:${started.devPort}` });
    const temporal = new Client({ connection });
    const differences = async (): Promise<string[]> => {
      const problems: string[] = [];
      for (const [i, rn] of rns.entries()) {
        const closing = carriedToTheEnd(i);
        const row = await db!.directive.findUnique({
          where: { receiptNumber: rn },
          include: { tasks: true, timeline: true },
        });
        const directive = temporal.workflow.getHandle(directiveWorkflowId(rn));
        const state = await directive.query(getDirectiveStateQuery);
        const taskState = await temporal.workflow
          .getHandle(departmentTaskWorkflowId(rn, 'GDFGW'))
          .query(getDepartmentTaskStateQuery);
        const { status: execution } = await directive.describe();
        const expected = closing
          ? { status: 'CLOSED', task: 'ACCEPTED', execution: 'COMPLETED' }
          : { status: 'IN_PROGRESS', task: 'DISPATCHED', execution: 'RUNNING' };
        const seen = {
          status: state.status,
          task: taskState.status,
          execution: execution.name,
        };
        if (JSON.stringify(seen) !== JSON.stringify(expected))
          problems.push(`${rn}: workflows ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`);
        // The projection says what the workflows say.
        const projected = {
          status: row?.status,
          dueDate: row?.dueDate,
          officeDueDate: row?.officeDueDate,
          task: row?.tasks[0]?.status,
          taskDueDate: row?.tasks[0]?.dueDate,
        };
        const fromWorkflows = {
          status: state.status,
          dueDate: state.dueDate,
          officeDueDate: state.officeDueDate,
          task: taskState.status,
          taskDueDate: taskState.dueDate,
        };
        if (JSON.stringify(projected) !== JSON.stringify(fromWorkflows))
          problems.push(
            `${rn}: projection ${JSON.stringify(projected)} ≠ workflows ${JSON.stringify(fromWorkflows)}`,
          );
        // Each step driven once is on the timeline once; the reminder due at once, once.
        const count = (entries: { action: string }[]) =>
          entries.reduce<Record<string, number>>(
            (n, e) => ({ ...n, [e.action]: (n[e.action] ?? 0) + 1 }),
            {},
          );
        const office = count(row?.timeline.filter((e) => e.departmentCode === null) ?? []);
        const department = count(row?.timeline.filter((e) => e.departmentCode === 'GDFGW') ?? []);
        const expectedOffice = closing ? { ...OFFICE_ACTIONS, 办结: 1, 答复: 1 } : OFFICE_ACTIONS;
        const expectedDepartment: Record<string, number> = closing
          ? { 转办: 1, 签收: 1, 回报: 1, 回报通过: 1 }
          : { 转办: 1, 到期提醒: 1 };
        // A report may beat the reminder due at once; a directive carried to the end has it at most once.
        if (closing && department['到期提醒'] === 1) expectedDepartment['到期提醒'] = 1;
        const sorted = (o: Record<string, number>) => JSON.stringify(Object.entries(o).sort());
        if (sorted(office) !== sorted(expectedOffice))
          problems.push(`${rn}: office timeline ${sorted(office)}, expected ${sorted(expectedOffice)}`);
        if (sorted(department) !== sorted(expectedDepartment))
          problems.push(
            `${rn}: department timeline ${sorted(department)}, expected ${sorted(expectedDepartment)}`,
          );
        const notices = await db!.notice.findMany({ where: { noticeKey: atOnceKey(rn) } });
        const recipients = notices.map((n) => n.recipientId).sort();
        if (!closing && (recipients.length === 0 || new Set(recipients).size !== recipients.length))
          problems.push(`${rn}: reminder due at once delivered to ${JSON.stringify(recipients)}`);
        const fired = taskState.firedNotices.filter((k) => k === AT_ONCE).length;
        if (fired !== (closing ? Math.min(fired, 1) : 1))
          problems.push(`${rn}: the task fired ${AT_ONCE} ${fired} times`);
      }
      return problems;
    };
    let problems: string[] = [];
    const settledBy = Date.now() + SETTLE_DEADLINE_MS;
    do {
      problems = await differences().catch((err: unknown) => [String(err)]);
      if (problems.length) await sleep(1000);
    } while (problems.length && Date.now() < settledBy);
    expect(problems).toEqual([]);
    // The reminder due at once went to each of 省发展改革委's handlers once, on every directive still
    // awaiting its report, those whose reminder fell due while a part was down among them.
    const handlers = await db.user.findMany({
      where: { departmentCode: 'GDFGW', roles: { some: { role: 'DEPT_HANDLER' } } },
      select: { id: true },
    });
    const awaiting = rns.filter((_, i) => !carriedToTheEnd(i));
    const dueDuringOutages = outages.flatMap((o) => o.remindersDue).filter((rn) => awaiting.includes(rn));
    for (const rn of awaiting) {
      const notices = await db.notice.findMany({ where: { noticeKey: atOnceKey(rn) } });
      expect({ rn, recipients: notices.map((n) => n.recipientId).sort() }).toEqual({
        rn,
        recipients: handlers.map((u) => u.id).sort(),
      });
    }

    console.log(
      [
        `recovery drill: ${BATCH} directives, ${TOTAL_STEPS} steps, ${drill.retries} retries`,
        ...outages.map(
          (o) =>
            `  ${o.part} killed after step ${o.atStep}: first new step answered ${(o.recoveryMs / 1000).toFixed(1)} s later; ` +
            `${o.remindersDue.length} reminder(s) due and not yet delivered`,
        ),
        `  ${dueDuringOutages.length} reminder(s) of directives awaiting a report fell due while the worker or the dev server was down; each delivered once`,
      ].join('\n'),
    );
  } finally {
    ended = true;
    await connection?.close();
    p.child.kill('SIGTERM');
    await p.exited(90_000).catch(() => undefined);
    await db?.$disconnect();
  }
  expect(await p.exited(90_000)).toBe(0);
  expect(p.output()).toContain('duban: stopped');
  // Nothing is restarted once stopping.
  expect(p.output().slice(p.output().indexOf('duban: stopping'))).not.toContain('restarting');
  expect(processesMentioning(dataDir)).toEqual([]);
  for (const part of ['temporal', 'app'] as const) expect(recordedPid(dataDir, part)).toBeUndefined();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
