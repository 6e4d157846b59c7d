/**
 * Text a person reads names departments, not codes. The workflows know a department by its code
 * (GDCZT) and say so in their refusals; the API puts the name (省财政厅) in its place on the way out.
 */
import type { Database } from '../core/database';

const CODE = /\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\b/g;

/** Replaces each department code in a text by the department's name; other words stay as they are. */
export function departmentNamesIn(db: Database) {
  return async (text: string): Promise<string> => {
    const codes = [...new Set(text.match(CODE) ?? [])];
    if (!codes.length) return text;
    const found = await db.department.findMany({
      where: { code: { in: codes } },
      select: { code: true, name: true },
    });
    if (!found.length) return text;
    const names = new Map(found.map((d) => [d.code, d.name]));
    return text.replace(CODE, (code) => names.get(code) ?? code);
  };
}
