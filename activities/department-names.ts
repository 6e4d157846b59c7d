/**
 * Department names by code, for what people read: the workflows know a department by its code
 * (GDCZT), timeline comments and notices name it (省财政厅). Read from the table and kept a while,
 * as the projection's every entry and every notice would otherwise read it again (README
 * "Performance"). A department renamed reads under its new name within KEEP_MS; a code not known
 * yet (a department just created) reads the table again, at most once every MISS_MS.
 */
import type { Database } from '../core/database';

const KEEP_MS = 30_000;
const MISS_MS = 1_000;

export type DepartmentNames = (code: string) => Promise<string | undefined>;

/** One table per database, read by the projection and the notices alike. */
const cached = new WeakMap<Database, DepartmentNames>();

export function departmentNames(db: Database): DepartmentNames {
  let names = cached.get(db);
  if (!names) cached.set(db, (names = readingFrom(db)));
  return names;
}

function readingFrom(db: Database): DepartmentNames {
  let names = new Map<string, string>();
  let readAt = -Infinity;
  const read = async () => {
    const departments = await db.department.findMany({ select: { code: true, name: true } });
    names = new Map(departments.map((d) => [d.code, d.name]));
    readAt = Date.now();
  };
  return async (code) => {
    const age = Date.now() - readAt;
    if (age > KEEP_MS || (!names.has(code) && age > MISS_MS)) await read();
    return names.get(code);
  };
}
