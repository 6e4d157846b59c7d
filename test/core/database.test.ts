/**
 * One connection, one thing at a time (core/database.ts): a plain write issued while another
 * request's transaction is open waits for it, and is neither seen by it nor undone with it. Each SQL
 * text is prepared once per connection and answers for the arguments of each run.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Prisma } from '../../generated/prisma/client';
import { storedAssignments } from '../../core/database';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const department = (code: string) => ({ code, name: `测试单位${code}`, kind: 'RESPONSIBLE_DEPARTMENT' });

test('a write beside a transaction that rolls back is kept, and the transaction never saw it', async () => {
  const { db } = database;
  let sawBeside: unknown = 'not looked';
  let besideDone = false;
  const refused = db
    .$transaction(async (tx) => {
      await tx.department.create({ data: department('TX1') });
      // Another request writes now, while this transaction is open…
      const beside = db.department.create({ data: department('BESIDE') }).then(() => (besideDone = true));
      await new Promise((r) => setTimeout(r, 100));
      sawBeside = await tx.department.findUnique({ where: { code: 'BESIDE' } });
      expect(besideDone).toBe(false); // …and waits for it to end,
      void beside;
      throw new Error('refused: rolled back');
    })
    .catch((err: Error) => err.message);
  expect(await refused).toBe('refused: rolled back');
  for (let i = 0; i < 50 && !besideDone; i++) await new Promise((r) => setTimeout(r, 20));
  expect(sawBeside).toBeNull();
  // …then happens on its own: kept, while the transaction's own write is undone.
  expect(await db.department.findUnique({ where: { code: 'BESIDE' } })).not.toBeNull();
  expect(await db.department.findUnique({ where: { code: 'TX1' } })).toBeNull();
});

test('transactions and plain queries in any mix all finish', async () => {
  const { db } = database;
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      i % 2
        ? db.$transaction(async (tx) => tx.department.create({ data: department(`MIX${i}`) }))
        : db.department.create({ data: department(`MIX${i}`) }),
    ),
  );
  expect(await db.department.count({ where: { code: { startsWith: 'MIX' } } })).toBe(20);
});

test('a raw UPDATE from storedAssignments is read back by Prisma as Prisma wrote it (dates, booleans, nulls)', async () => {
  const { db } = database;
  await db.department.create({ data: department('GDFGW') });
  await db.directive.create({
    data: {
      receiptNumber: '201700084',
      workflowId: 'directive-201700084',
      receiptYear: 2017,
      receiptSequence: 84,
      docNumber: '国发〔2016〕76号',
      sourceOrg: '国务院',
      title: '国务院关于加强政务诚信建设的指导意见',
      receivedDate: '2017-01-03',
      urgency: '平急',
      secrecy: '非密',
      status: 'IN_PROGRESS',
      registeredById: 'u-huangweiyan',
      registeredAt: new Date('2017-01-03T01:00:00Z'),
      updatedAt: new Date('2017-01-04T01:00:00Z'),
    },
  });
  const workflowId = 'directive-201700084/dept/GDFGW';
  await db.departmentTask.create({
    data: {
      workflowId,
      receiptNumber: '201700084',
      departmentCode: 'GDFGW',
      role: 'LEAD',
      status: 'DISPATCHED',
      handlingOption: 1,
      dueDate: '2017-01-13',
      reportText: '待回报',
      updatedAt: new Date('2017-01-04T01:00:00Z'),
    },
  });
  const signedForAt = new Date('2017-01-05T02:30:00.125Z');
  const changed = await db.$executeRaw`
    UPDATE "DepartmentTask" SET ${storedAssignments({
      status: 'SIGNED_FOR',
      overdue: true,
      signedForAt,
      deptReceiptNumber: '319号',
      reportText: null,
      handlerId: undefined,
    })}
    WHERE "workflowId" = ${workflowId}`;
  expect(changed).toBe(1);
  expect(await db.departmentTask.findUniqueOrThrow({ where: { workflowId } })).toMatchObject({
    status: 'SIGNED_FOR',
    overdue: true,
    signedForAt,
    deptReceiptNumber: '319号',
    reportText: null,
    handlerId: null,
    dueDate: '2017-01-13',
  });
});

describe('a statement prepared once', () => {
  const prepares = jest.spyOn(BetterSqlite3.prototype, 'prepare');
  afterAll(() => prepares.mockRestore());
  const preparedTimes = (sql: string) => prepares.mock.calls.filter(([text]) => text === sql).length;

  test('is prepared once and answers each run with its own arguments, in and out of a transaction', async () => {
    const { db } = database;
    const asked = (n: number) => db.$queryRaw<{ n: number }[]>`SELECT ${n} + 0 AS "n" /* reused */`;
    expect((await asked(1))[0]!.n).toBe(1);
    expect((await asked(2))[0]!.n).toBe(2);
    expect(
      await db.$transaction(async (tx) => tx.$queryRaw<{ n: number }[]>`SELECT ${3} + 0 AS "n" /* reused */`),
    ).toEqual([{ n: 3 }]);
    expect(preparedTimes('SELECT ? + 0 AS "n" /* reused */')).toBe(1);
  });

  test('a model query and a RETURNING insert run again with other values write and read their own rows', async () => {
    const { db } = database;
    for (const code of ['GDJYT', 'GDCZT']) {
      const [row] = await db.$queryRaw<{ code: string }[]>`
        INSERT INTO "Department" ("code", "name", "kind") VALUES (${code}, ${`单位${code}`}, 'RESPONSIBLE_DEPARTMENT')
        RETURNING "code"`;
      expect(row).toEqual({ code });
    }
    expect((await db.department.findUnique({ where: { code: 'GDJYT' } }))?.name).toBe('单位GDJYT');
    expect((await db.department.findUnique({ where: { code: 'GDCZT' } }))?.name).toBe('单位GDCZT');
    // A refused run leaves the kept statement usable, and the driver's error still maps to Prisma's.
    const again = await db.department.create({ data: department('GDJYT') }).catch((err: unknown) => err);
    expect(again).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((again as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
    expect((await db.department.create({ data: department('GDSWT') })).code).toBe('GDSWT');
  });
});
