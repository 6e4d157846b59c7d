/** Who is who, for the forms: responsible departments, leaders and the general office's staff. */
import { Router } from 'express';
import type { Database } from '../../core/database';

export function directoryRouter(db: Database): Router {
  const router = Router();
  router.get('/api/directory', async (_req, res) => {
    const [departments, users] = await Promise.all([
      db.department.findMany({
        where: { kind: 'RESPONSIBLE_DEPARTMENT' },
        select: { code: true, name: true },
        orderBy: { code: 'asc' },
      }),
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
  return router;
}
