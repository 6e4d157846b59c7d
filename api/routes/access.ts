/**
 * Who may read a directive: the general office sees all; a department sees the directives
 * dispatched to it; a reader of a 传阅 sees the document while the copy is with them.
 */
import type { Database } from '../../core/database';
import { OFFICE_ROLES } from '../../core/roles';
import type { SessionUser } from '../auth/sessions';

export type DirectiveView = 'OFFICE' | 'DEPARTMENT' | 'READER';

export async function directiveView(
  db: Database,
  user: SessionUser,
  receiptNumber: string,
): Promise<DirectiveView | undefined> {
  if (user.roles.some((r) => OFFICE_ROLES.includes(r))) return 'OFFICE';
  const task = await db.departmentTask.findFirst({
    where: { receiptNumber, departmentCode: user.departmentCode },
    select: { workflowId: true },
  });
  if (task) return 'DEPARTMENT';
  const copy = await db.circulationCopy.findFirst({
    where: { receiptNumber, readerId: user.id, OR: [{ recalledAt: null }, { readAt: { not: null } }] },
    select: { readerId: true },
  });
  return copy ? 'READER' : undefined;
}
