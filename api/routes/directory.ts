/**
 * Who is who. The directory (responsible departments, people with their units and roles) is for
 * those who pick people in forms and for the administrator of users (DIRECTORY_ROLES); anyone else
 * gets /api/names: the display names and units of the people named in what they can already see
 * (api/routes/access.ts), to show who did what.
 */
import { Router } from 'express';
import type { Database } from '../../core/database';
import { DIRECTORY_ROLES } from '../../core/roles';
import { currentUser, requireRole } from '../auth/middleware';
import type { SessionUser } from '../auth/sessions';
import { integrityScope } from '../integrity-views';
import { operation } from '../openapi';
import { parseRequest, requestSchema } from '../parse';
import { directiveScope, visibleTimeline } from './access';

const responsibleDepartments = (db: Database) =>
  db.department.findMany({
    where: { kind: 'RESPONSIBLE_DEPARTMENT' },
    select: { code: true, name: true },
    orderBy: { code: 'asc' },
  });

const NOTHING = requestSchema({});
const directory = operation({
  summary: 'The directory: responsible departments, and active people with their units and roles',
  description: 'For the forms that pick people and departments.',
  request: NOTHING,
  responses: { 200: '`{departments, people}`' },
});
const names = operation({
  summary: 'The names of the people in what I can see, and the departments',
  request: NOTHING,
  responses: { 200: '`{departments, people: [{id, displayName, departmentName}]}`' },
});

const mayReadDirectory = (user: SessionUser) => user.roles.some((r) => DIRECTORY_ROLES.includes(r));

/**
 * The ids of the people named in what this person sees: the directives (who registered, urges,
 * signed for, reported, handles, acted in the timeline shown, sent or read their 传阅 copies), the
 * 政务失信记录 and cases in their scope (who opened, acted, objected, reviewed, decided), their
 * 委托, themselves, and the active colleagues of their own department: whom a leader or a
 * department head names as his stand-in (委托) is someone he works beside, whether or not a
 * document has brought them together yet. Those who may read the directory may name anyone.
 */
async function namedFor(db: Database, user: SessionUser): Promise<string[] | 'everyone'> {
  if (mayReadDirectory(user)) return 'everyone';
  const scope = directiveScope(user);
  const records = await db.breachRecord.findMany({
    where: integrityScope(user),
    select: { recordId: true, openedById: true },
  });
  const recordIds = { in: records.map((r) => r.recordId) };
  const [directives, entries, objections, cases, delegations, colleagues] = await Promise.all([
    db.directive.findMany({
      where: scope.where,
      select: {
        registeredById: true,
        urgerId: true,
        tasks: {
          where: scope.tasks,
          select: { signedForById: true, reportSignedById: true, handlerId: true },
        },
        timeline: {
          where: visibleTimeline(scope.asOffice ? 'OFFICE' : 'DEPARTMENT', user),
          select: { actorId: true, onBehalfOfId: true },
        },
        circulation: {
          where: scope.asOffice ? {} : { readerId: user.id },
          select: { readerId: true, sentById: true },
        },
      },
    }),
    db.integrityEntry.findMany({
      where: { recordId: recordIds },
      select: { actorId: true, onBehalfOfId: true },
    }),
    db.objection.findMany({ where: { recordId: recordIds }, select: { filedById: true, reviewerId: true } }),
    db.accountabilityCase.findMany({
      where: { recordId: recordIds },
      select: { openedById: true, decidedById: true },
    }),
    db.delegation.findMany({
      where: { OR: [{ fromUserId: user.id }, { toUserId: user.id }] },
      select: { fromUserId: true, toUserId: true },
    }),
    db.user.findMany({ where: { departmentCode: user.departmentCode, active: true }, select: { id: true } }),
  ]);
  const ids = [
    user.id,
    ...directives.flatMap((d) => [
      d.registeredById,
      d.urgerId,
      ...d.tasks.flatMap((t) => [t.signedForById, t.reportSignedById, t.handlerId]),
      ...d.timeline.flatMap((e) => [e.actorId, e.onBehalfOfId]),
      ...d.circulation.flatMap((c) => [c.readerId, c.sentById]),
    ]),
    ...records.map((r) => r.openedById),
    ...entries.flatMap((e) => [e.actorId, e.onBehalfOfId]),
    ...objections.flatMap((o) => [o.filedById, o.reviewerId]),
    ...cases.flatMap((c) => [c.openedById, c.decidedById]),
    ...delegations.flatMap((d) => [d.fromUserId, d.toUserId]),
    ...colleagues.map((c) => c.id),
  ];
  return [...new Set(ids.filter((id): id is string => !!id))];
}

export function directoryRouter(db: Database): Router {
  const router = Router();

  router.get('/api/directory', directory, requireRole(...DIRECTORY_ROLES), async (req, res) => {
    parseRequest(NOTHING, req);
    const [departments, users] = await Promise.all([
      responsibleDepartments(db),
      db.user.findMany({
        where: { active: true },
        select: {
          id: true,
          displayName: true,
          departmentCode: true,
          roles: { select: { role: true } },
          department: { select: { name: true, kind: true } },
        },
        orderBy: { username: 'asc' },
      }),
    ]);
    res.json({
      departments,
      people: users.map((u) => ({
        id: u.id,
        displayName: u.displayName,
        departmentCode: u.departmentCode,
        departmentName: u.department.name,
        office: ['GENERAL_OFFICE', 'OFFICE_SECTION'].includes(u.department.kind),
        roles: u.roles.map((r) => r.role),
      })),
    });
  });

  // Names only, to show who did what: no roles, no one this person has not met in their work.
  router.get('/api/names', names, async (req, res) => {
    parseRequest(NOTHING, req);
    const named = await namedFor(db, currentUser(req));
    const [departments, people] = await Promise.all([
      responsibleDepartments(db),
      db.user.findMany({
        where: named === 'everyone' ? {} : { id: { in: named } },
        select: { id: true, displayName: true, department: { select: { name: true } } },
        orderBy: { username: 'asc' },
      }),
    ]);
    res.json({
      departments,
      people: people.map((p) => ({
        id: p.id,
        displayName: p.displayName,
        departmentName: p.department.name,
      })),
    });
  });

  return router;
}
