/** The Prisma client over SQLite, through the JS driver adapter (no native engine). */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { Prisma, PrismaClient } from '../generated/prisma/client';

export type Database = PrismaClient;

export function openDatabase(url: string): Database {
  return new PrismaClient({ adapter: serialized(new PrismaBetterSqlite3({ url })) });
}

type Factory = PrismaBetterSqlite3;
type Adapter = Awaited<ReturnType<Factory['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;

/**
 * One connection, one thing at a time. The driver adapter keeps a client on a single SQLite
 * connection and makes interactive transactions wait for one another, but a plain query issued
 * while a transaction is open ran on that connection inside it: it saw uncommitted rows and was
 * undone with the transaction's rollback (a sign-in's session, written while an administrator's
 * refused change rolled back, was lost). Here every query outside a transaction also waits until
 * no transaction is open. Inside a transaction's callback, use its client: the database client
 * would now wait for that transaction to end.
 */
function serialized(factory: Factory): Factory {
  const wrap = (adapter: Adapter): Adapter => {
    let idle: Promise<void> = Promise.resolve();
    /** Waits for the connection, then holds it until the returned release is called. */
    const hold = async (): Promise<() => void> => {
      const before = idle;
      let release!: () => void;
      idle = new Promise((resolve) => (release = resolve));
      await before;
      return release;
    };
    const alone =
      <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const release = await hold();
        try {
          return await run(...args);
        } finally {
          release();
        }
      };
    return new Proxy(adapter, {
      get(target, prop, receiver) {
        if (prop === 'queryRaw') return alone(target.queryRaw.bind(target));
        if (prop === 'executeRaw') return alone(target.executeRaw.bind(target));
        if (prop === 'startTransaction')
          return async (...args: Parameters<Adapter['startTransaction']>): Promise<Transaction> => {
            const release = await hold();
            try {
              const tx = await target.startTransaction(...args);
              // Held until the engine commits or rolls back (after its COMMIT/ROLLBACK statement).
              const ending = (end: () => Promise<void>) => async (): Promise<void> => {
                try {
                  await end();
                } finally {
                  release();
                }
              };
              return Object.assign(Object.create(tx) as Transaction, {
                commit: ending(tx.commit.bind(tx)),
                rollback: ending(tx.rollback.bind(tx)),
              });
            } catch (err) {
              release();
              throw err;
            }
          };
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
  };
  return new Proxy(factory, {
    get(target, prop, receiver) {
      if (prop === 'connect') return async () => wrap(reusingStatements(await target.connect()));
      if (prop === 'connectToShadowDb')
        return async () => wrap(reusingStatements(await target.connectToShadowDb()));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

/** How many SQL texts a connection keeps prepared: Duban's model queries and raw statements. */
const PREPARED_STATEMENTS = 500;

/**
 * Each SQL text prepared once per connection. The adapter prepares every statement anew
 * (`client.prepare(sql).bind(args)`), and SQLite's parsing and planning was the largest single item
 * of the bench's CPU profile once Prisma 7 cached its query plans (6.7 %). better-sqlite3 binds a
 * statement's parameters once for good, so the adapter gets a statement whose `bind` only notes the
 * arguments and passes them to each run of the kept one. Relies on how adapter 7.10 uses its
 * `client` (not in its types); test/core/database.test.ts runs the shapes it uses.
 */
function reusingStatements(adapter: Adapter): Adapter {
  const holder = adapter as unknown as { client: BetterSqlite3.Database };
  const db = holder.client;
  const kept = new Map<string, BetterSqlite3.Statement<unknown[]>>();
  const prepared = (sql: string) => {
    let statement = kept.get(sql);
    if (statement) kept.delete(sql);
    else statement = db.prepare<unknown[]>(sql);
    kept.set(sql, statement); // the most recently used last: the first is the one to drop
    if (kept.size > PREPARED_STATEMENTS) kept.delete(kept.keys().next().value!);
    return statement;
  };
  const withArgs = (statement: BetterSqlite3.Statement<unknown[]>, args: unknown[]) => ({
    reader: statement.reader,
    columns: () => statement.columns(),
    run: () => statement.run(args),
    raw: () => ({ all: () => statement.raw(true).all(args) }),
  });
  holder.client = new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare')
        return (sql: string) => {
          const statement = prepared(sql);
          return { run: () => statement.run(), bind: (args: unknown[]) => withArgs(statement, args) };
        };
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return adapter;
}

/**
 * The API and the worker are two processes on one file: with the write-ahead log, readers do not
 * wait for a writer, and a commit need not wait for the disk twice. The journal mode is kept in
 * the file; `synchronous` is per connection. NORMAL survives a process crash; on a power loss the
 * last commits may be lost (activities that completed are not run again), a trade for speed that
 * a deployment wanting full durability can reverse with FULL.
 */
export async function useWriteAheadLog(db: Database): Promise<void> {
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
}

/** A time as Prisma stores a DateTime in SQLite (the adapter's ISO 8601 form), for raw SQL writes. */
export const toStoredTime = (d: Date) => d.toISOString().replace('Z', '+00:00');

/** A value as Prisma stores it in SQLite: a DateTime as its ISO text, a Boolean as 0 or 1. */
const storedValue = (value: unknown) =>
  value instanceof Date ? toStoredTime(value) : typeof value === 'boolean' ? Number(value) : value;

/**
 * `"column" = value, …` for a raw UPDATE of these columns (names are the model's fields, which
 * are the columns: the schema maps none), values stored as Prisma would store them.
 */
export const storedAssignments = (row: Record<string, unknown>): Prisma.Sql =>
  Prisma.join(
    Object.entries(row)
      // As in a Prisma update: undefined leaves the column as it is.
      .filter(([, value]) => value !== undefined)
      .map(([column, value]) => Prisma.sql`${Prisma.raw(`"${column}"`)} = ${storedValue(value)}`),
  );

/**
 * A DateTime column as a raw query returns it, in ms since the epoch: a Date where the driver knew
 * the column's type, else what SQLite holds (ISO 8601 text as Prisma writes it, SQLite's own
 * `YYYY-MM-DD HH:MM:SS` in UTC from a CURRENT_TIMESTAMP default, or a number).
 */
export function fromStoredTime(value: Date | string | number | bigint): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return Number(value);
  return Date.parse(
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(value) ? `${value.replace(' ', 'T')}Z` : value,
  );
}
