/**
 * Who may read a directive: one rule for its detail, the lists, its files and every step on it.
 * - The general office's staff who handle directives (clerk, reviewer, office director) see all.
 * - A leader sees those he is involved in: named in the 拟办 under way (请批示), a 传阅 reader, or
 *   named in the timeline (his 批示, a step he took or that was taken for him).
 * - A department sees the directives dispatched to it, and of their tasks its own only.
 * - A reader of a 传阅 sees the document while the copy is with them (or once read).
 * - A classified (涉密) directive only those above who are cleared to its 密级 (workflows/secrecy.ts).
 * Nobody else does, the administrator included (he administers users, not documents): for them
 * the directive does not exist, and every route on it answers 404 before any role or step is
 * judged, so a refusal never tells that it exists.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Database } from '../../core/database';
import { DIRECTIVE_OFFICE_ROLES } from '../../core/roles';
import type { Prisma } from '../../generated/prisma/client';
import { currentUser } from '../auth/middleware';
import type { SessionUser } from '../auth/sessions';
import { HttpError } from '../errors';
import { departmentCode, receiptNumber } from '../parse';
import { clearedFor, readableLevels } from '../../workflows/secrecy';

export type DirectiveView = 'OFFICE' | 'DEPARTMENT' | 'READER';

type Viewer = Pick<SessionUser, 'id' | 'roles' | 'departmentCode' | 'clearance'>;

/** The directives whose 密级 this person is cleared to read. */
export const clearedDirectives = (user: Pick<Viewer, 'clearance'>): Prisma.DirectiveWhereInput => ({
  secrecy: { in: readableLevels(user.clearance) },
});

const handlesDirectives = (user: Viewer) => user.roles.some((r) => DIRECTIVE_OFFICE_ROLES.includes(r));
const isLeader = (user: Viewer) => user.roles.includes('LEADER');

/** Timeline entries of a 传阅 (who was sent it, what they wrote): the office's, and each reader's copy. */
export const CIRCULATION_ACTIONS = ['传阅', '阅', '收回传阅'];

/** A 传阅 copy its reader still holds, or has read (a recall takes back unread copies only). */
const heldCopy = (readerId: string): Prisma.CirculationCopyWhereInput => ({
  readerId,
  OR: [{ recalledAt: null }, { readAt: { not: null } }],
});

/**
 * A leader's involvement the projection shows: asked for 批示 by the 拟办 (the workflow projects
 * its leaders), a 传阅 copy, or an entry of the timeline naming him.
 */
const namesLeader = (userId: string): Prisma.DirectiveWhereInput[] => [
  { leaderIds: { contains: `,${userId},` } },
  { circulation: { some: heldCopy(userId) } },
  { timeline: { some: { OR: [{ actorId: userId }, { onBehalfOfId: userId }] } } },
];

// ---------------------------------------------------------------------------------------------

/**
 * Dispatched to the person's department: its task is in the projection, or the directive's own
 * projection, written when 转办 answers, names the department (the task's first write may follow).
 */
const dispatchedTo = (user: Viewer): Prisma.DirectiveWhereInput[] => [
  { tasks: { some: { departmentCode: user.departmentCode } } },
  { departmentCodes: { contains: `,${user.departmentCode},` } },
];

/** How this person sees one directive, or undefined when it does not exist for them. */
export async function directiveView(
  db: Database,
  user: Viewer,
  receiptNumber: string,
): Promise<DirectiveView | undefined> {
  const row = await db.directive.findUnique({ where: { receiptNumber }, select: { secrecy: true } });
  if (!row || !clearedFor(user.clearance, row.secrecy)) return undefined;
  if (handlesDirectives(user)) return 'OFFICE';
  if (isLeader(user)) {
    const named = await db.directive.count({ where: { receiptNumber, OR: namesLeader(user.id) } });
    if (named) return 'OFFICE';
  }
  const dispatched = await db.directive.count({ where: { receiptNumber, OR: dispatchedTo(user) } });
  if (dispatched) return 'DEPARTMENT';
  const copy = await db.circulationCopy.count({ where: { receiptNumber, ...heldCopy(user.id) } });
  return copy ? 'READER' : undefined;
}

export interface DirectiveScope {
  /** The directives this person sees, as directiveView decides one by one. */
  where: Prisma.DirectiveWhereInput;
  /** Of their department tasks, the ones shown: all for the office and a leader, else their own. */
  tasks: Prisma.DepartmentTaskWhereInput;
  /** True when they see what they see as the office does (every task, the whole timeline). */
  asOffice: boolean;
}

/** directiveView for lists: the directives this person sees, as a filter. */
export function directiveScope(user: Viewer): DirectiveScope {
  const { where, ...scope } = involvement(user);
  return { where: { AND: [clearedDirectives(user), where] }, ...scope };
}

/** Who is involved in which directives, whatever their 密级. */
function involvement(user: Viewer): DirectiveScope {
  if (handlesDirectives(user)) return { where: {}, tasks: {}, asOffice: true };
  const own = { departmentCode: user.departmentCode };
  const dispatchedOrCirculated: Prisma.DirectiveWhereInput[] = [
    ...dispatchedTo(user),
    { circulation: { some: heldCopy(user.id) } },
  ];
  if (!isLeader(user)) return { where: { OR: dispatchedOrCirculated }, tasks: own, asOffice: false };
  return {
    where: { OR: [...namesLeader(user.id), ...dispatchedOrCirculated] },
    // Every task of what concerns him as a leader; of a directive reached through his own
    // department's task only, that task.
    tasks: { OR: [own, { directive: { OR: namesLeader(user.id) } }] },
    asOffice: true,
  };
}

/**
 * The timeline entries a view shows: all to the office; to a department the directive's own and
 * its task's; to a reader the directive's own. A 传阅's entries are the office's (each reader has
 * their copy).
 */
export function visibleTimeline(
  view: DirectiveView,
  user: Pick<Viewer, 'departmentCode'>,
): Prisma.TimelineEntryWhereInput {
  if (view === 'OFFICE') return {};
  return {
    OR: [
      { departmentCode: null },
      ...(view === 'DEPARTMENT' ? [{ departmentCode: user.departmentCode }] : []),
    ],
    action: { notIn: CIRCULATION_ACTIONS },
  };
}

// ---------------------------------------------------------------------------------------------
// Visibility first, for the routes that act on a directive or a task

/** The params of a route on a directive: its 收文编号, and whatever else the route names. */
type DirectiveParams = z.ZodType<{ receiptNumber: string }>;
const directiveParams = z.object({ receiptNumber }).strict();
const taskParams = z.object({ receiptNumber, departmentCode: departmentCode() }).strict();

/**
 * 404 for a directive this person may not see, before the role guard and the workflow judge. Params
 * the route's schema refuses (a malformed id cannot exist) are left to it to name (400).
 */
export function directiveVisible(db: Database, params: DirectiveParams = directiveParams): RequestHandler {
  return async (req, _res, next) => {
    const parsed = params.safeParse(req.params);
    if (parsed.success && !(await directiveView(db, currentUser(req), parsed.data.receiptNumber)))
      throw new HttpError(404, 'not_found', `没有收文编号为 ${parsed.data.receiptNumber} 的来文`);
    next();
  };
}

/**
 * 404 for a task this person may not see: the office sees every department's task of a directive,
 * a department only its own (another department's task is not its to know of).
 */
export function taskVisible(db: Database): RequestHandler {
  return async (req, _res, next) => {
    const parsed = taskParams.safeParse(req.params);
    if (parsed.success) {
      const { receiptNumber: rn, departmentCode: code } = parsed.data;
      const user = currentUser(req);
      const view = await directiveView(db, user, rn);
      if (view !== 'OFFICE' && !(view === 'DEPARTMENT' && code === user.departmentCode))
        throw new HttpError(404, 'not_found', `收文编号 ${rn} 的来文没有交单位 ${code} 办理`);
    }
    next();
  };
}
