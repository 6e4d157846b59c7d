/**
 * 待办's task steps come from the database (api/todo.ts, tasksAwaiting) so that their cost follows
 * the page: the query must say exactly what availableSteps says of each task, for every role, every
 * task status, on the person's own department's task and on another's, with a 延期 pending or not.
 * And paging: the pages, laid end to end, are the whole 待办 in its order.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';
import { availableSteps } from '../../api/available-steps';
import type { SessionUser } from '../../api/auth/sessions';
import { directiveScope } from '../../api/routes/access';
import { AWAITED_TASK_STEPS, todoOf } from '../../api/todo';
import { TASK_STATUSES } from '../../api/ledger';
import { PrismaClient } from '../../generated/prisma/client';
import { DEMO_USERS } from '../../scripts/demo-organisation';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/** Every task status, as the 督办台账 lists them. */
const STATUSES = TASK_STATUSES;
const AWAITED: readonly string[] = AWAITED_TASK_STEPS;
const TODAY = '2017-01-10';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ demoOrganisation: true });
  const { db } = database;
  // One directive per task status, 延期 pending or not: each dispatched to 省发展改革委 and 省财政厅,
  // both tasks in that status, due on a different day so the order is known.
  let n = 0;
  for (const status of STATUSES)
    for (const pending of [false, true]) {
      n++;
      const rn = `2017${String(n).padStart(5, '0')}`;
      await db.directive.create({
        data: {
          receiptNumber: rn,
          workflowId: `directive-${rn}`,
          receiptYear: 2017,
          receiptSequence: n,
          sourceOrg: '国务院',
          docNumber: `国发〔2016〕${70 + n}号`,
          title: `国务院关于加强政务诚信建设的指导意见（第 ${n} 件）`,
          receivedDate: '2017-01-03',
          urgency: '平急',
          secrecy: '非密',
          status: 'IN_PROGRESS',
          leadDepartmentCode: 'GDFGW',
          departmentCodes: ',GDFGW,GDCZT,',
          registeredById: 'u-huangweiyan',
          registeredAt: new Date('2017-01-03T01:00:00Z'),
          updatedAt: new Date('2017-01-04T01:00:00Z'),
        },
      });
      for (const departmentCode of ['GDFGW', 'GDCZT'])
        await db.departmentTask.create({
          data: {
            workflowId: `directive-${rn}/dept/${departmentCode}`,
            receiptNumber: rn,
            departmentCode,
            role: departmentCode === 'GDFGW' ? 'LEAD' : 'CO',
            status,
            handlingOption: 1,
            dueDate: `2017-01-${String(10 + (n % 18)).padStart(2, '0')}`,
            draftDueDate:
              status === 'DRAFT_PENDING' ? `2017-01-${String(28 - (n % 18)).padStart(2, '0')}` : null,
            extensionDueDate: pending ? '2017-01-30' : null,
            extensionReason: pending ? '需征求各市意见' : null,
            updatedAt: new Date(Date.UTC(2017, 0, 4, n)),
          },
        });
    }
});
afterAll(() => database?.close());

const sessionUser = (username: string): SessionUser => {
  const u = DEMO_USERS.find((x) => x.username === username)!;
  return { ...u, departmentName: u.departmentCode, clearance: '非密', mustChangePassword: false };
};

/** What availableSteps says awaits this person on each task he sees, as "kind rn dept". */
async function expectedOf(user: SessionUser): Promise<string[]> {
  const scope = directiveScope(user);
  const rows = await database.db.directive.findMany({
    where: scope.where,
    include: { tasks: { where: scope.tasks } },
  });
  return rows.flatMap((d) => {
    const open = availableSteps({ ...d, timeline: [], circulation: [] }, user);
    return d.tasks.flatMap((t) =>
      (open.tasks[t.departmentCode] ?? [])
        .filter((k) => AWAITED.includes(k))
        .map((k) => `${k} ${d.receiptNumber} ${t.departmentCode}`),
    );
  });
}

const people = [
  'huangweiyan',
  'chenweiyan',
  'zh1-director',
  'chunxin',
  'fgw-mishu',
  'fgw-head',
  'czt-head',
  'ducha',
];

test.each(people)('%s: 待办 shows each task step exactly where availableSteps opens it', async (username) => {
  const user = sessionUser(username);
  const expected = await expectedOf(user);
  // Every role here but the leader and the credit officer has task steps awaiting it in this set.
  if (username !== 'chunxin' && username !== 'ducha') expect(expected.length).toBeGreaterThan(0);
  const todo = await todoOf(database.db, user, TODAY, 1, 100);
  const taskItems = todo.items.filter((i) => i.departmentCode);
  expect(taskItems.map((i) => `${i.kind} ${i.receiptNumber} ${i.departmentCode}`).sort()).toEqual(
    expected.sort(),
  );
  const counted = Object.fromEntries(
    AWAITED.map((k) => [k, expected.filter((e) => e.startsWith(`${k} `)).length]),
  );
  for (const kind of AWAITED) expect(todo.counts[kind] ?? 0).toBe(counted[kind]);
  expect(todo.total).toBe(todo.items.length);
});

test('the office director’s 待办 paged three at a time is the whole 待办 in order, most pressing first', async () => {
  const user = sessionUser('zh1-director');
  const whole = await todoOf(database.db, user, TODAY, 1, 100);
  expect(whole.total).toBeGreaterThan(6);
  const keys = (items: typeof whole.items) =>
    items.map((i) => `${i.kind} ${i.receiptNumber} ${i.departmentCode}`);
  const paged: string[] = [];
  for (let page = 1; (page - 1) * 3 < whole.total; page++) {
    const one = await todoOf(database.db, user, TODAY, page, 3);
    expect(one.total).toBe(whole.total);
    expect(one.counts).toEqual(whole.counts);
    paged.push(...keys(one.items));
  }
  expect(paged).toEqual(keys(whole.items));
  const dues = whole.items.map((i) => i.dueDate ?? '9999');
  expect(dues).toEqual([...dues].sort());
});

test('the integrity chain’s steps: 书面说明 awaits 省发展改革委, 整改验收 the credit officer, nothing the clerk', async () => {
  const { db } = database;
  const record = (recordId: string, status: string) => ({
    recordId,
    workflowId: `breach-record-${recordId}`,
    subjectKind: 'BODY',
    subjectDepartmentCode: 'GDFGW',
    source: 'BROKEN_COMMITMENT',
    sourceRef: '国发〔2016〕76号',
    facts: '未按承诺期限完成整改',
    principalName: '张三',
    principalTitle: '主任',
    severity: 'GENERAL',
    loss: '无',
    socialImpact: '较小',
    published: false,
    occurredOn: '2017-01-05',
    status,
    openedAt: new Date('2017-01-06T01:00:00Z'),
    updatedAt: new Date('2017-01-06T01:00:00Z'),
  });
  await db.breachRecord.create({ data: record('SX20170106-0001', 'EXPLANATION_DUE') });
  await db.breachRecord.create({ data: record('SX20170106-0002', 'VERIFYING') });
  const integrityOf = async (username: string) =>
    (await todoOf(db, sessionUser(username), TODAY, 1, 100)).items
      .filter((i) => i.recordId)
      .map((i) => `${i.kind} ${i.recordId}`);
  expect(await integrityOf('fgw-head')).toEqual(['explain SX20170106-0001']);
  expect(await integrityOf('fgw-mishu')).toEqual(['explain SX20170106-0001']);
  expect(await integrityOf('czt-head')).toEqual([]);
  expect(await integrityOf('ducha')).toEqual(['verify SX20170106-0002']);
  expect(await integrityOf('huangweiyan')).toEqual([]);
});

/**
 * SQLite's plan for each task query of 待办, read with EXPLAIN QUERY PLAN: every person's task
 * queries reach the tasks through an index, and the office's 审批延期 through one that narrows to
 * the tasks with a 延期 pending. With the status index alone SQLite read every open task to find
 * those few, and the clerk's empty 待办 grew with the open work (61 ms p99 at 100 000 tasks).
 */
test('待办 finds its tasks through an index: the office’s 审批延期 reads only tasks with a 延期 pending', async () => {
  const logged = new PrismaClient({
    adapter: new PrismaBetterSqlite3({ url: database.url }),
    log: [{ emit: 'event', level: 'query' }],
  });
  const queries: { sql: string; params: unknown[] }[] = [];
  logged.$on('query', (e) => queries.push({ sql: e.query, params: JSON.parse(e.params) as unknown[] }));
  const sqlite = new BetterSqlite3(database.url.replace(/^file:/, ''), { readonly: true });
  try {
    for (const username of people) await todoOf(logged, sessionUser(username), TODAY, 1, 20);
    const planOf = (q: (typeof queries)[number]) =>
      (sqlite.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[]).map(
        (row) => row.detail,
      );
    const taskQueries = queries.filter((q) => /FROM `main`\.`DepartmentTask`(?! AS)/.test(q.sql));
    expect(taskQueries.length).toBeGreaterThan(10);
    for (const q of taskQueries) {
      const taskStep = planOf(q).find((d) => / main\.DepartmentTask\b/.test(d));
      expect(taskStep).toMatch(/^SEARCH main\.DepartmentTask USING (COVERING )?INDEX /);
      if (/`extensionDueDate` IS NOT NULL/.test(q.sql)) expect(taskStep).toMatch(/extensionDueDate>\?/);
    }
    expect(taskQueries.some((q) => /`extensionDueDate` IS NOT NULL/.test(q.sql))).toBe(true);
  } finally {
    sqlite.close();
    await logged.$disconnect();
  }
});
