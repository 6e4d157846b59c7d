/**
 * A production start's first administrator. Under DUBAN_PRODUCTION no demo organisation is
 * loaded, so on an empty database nobody could sign in: when no active account holds ADMIN, one
 * is made (username `admin`, in the general office, made too when there is none yet) with a
 * generated password, which the caller prints once. He must change it at his first sign-in, then
 * builds the organisation on the 机构与用户 page or by importing a sheet. Run twice, it does
 * nothing the second time.
 */
import { appendAudit } from '../../core/audit';
import type { Database } from '../../core/database';
import { generatePassword, hashPassword } from './passwords';

export const BOOTSTRAP_OFFICE = { code: 'BGT', name: '办公厅', kind: 'GENERAL_OFFICE' } as const;

export async function bootstrapAdministrator(
  db: Database,
): Promise<{ username: string; password: string } | undefined> {
  const hasAdmin = async () =>
    (await db.user.count({ where: { active: true, roles: { some: { role: 'ADMIN' } } } })) > 0;
  if (await hasAdmin()) return undefined;
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return db
    .$transaction(async (tx) => {
      await appendAudit(tx, { action: 'admin.bootstrap', target: 'u-admin' });
      // Checked again under the write lock: the API and `npm start` may both try at once.
      if ((await tx.user.count({ where: { active: true, roles: { some: { role: 'ADMIN' } } } })) > 0)
        throw new AlreadyThere();
      const office =
        (await tx.department.findFirst({ where: { kind: 'GENERAL_OFFICE' }, orderBy: { code: 'asc' } })) ??
        (await tx.department.create({ data: { ...BOOTSTRAP_OFFICE, parentCode: null } }));
      let username = 'admin';
      for (
        let n = 2;
        await tx.user.findFirst({ where: { OR: [{ username }, { id: `u-${username}` }] } });
        n++
      )
        username = `admin${n}`;
      await tx.user.create({
        data: {
          id: `u-${username}`,
          username,
          displayName: '系统管理员',
          departmentCode: office.code,
          passwordHash,
          mustChangePassword: true,
          roles: { create: [{ role: 'ADMIN' }] },
        },
      });
      return { username, password };
    })
    .catch((err: unknown) => {
      if (err instanceof AlreadyThere) return undefined;
      throw err;
    });
}

class AlreadyThere extends Error {}

/** The lines that hand the first administrator's password over, once. */
export const bootstrapMessage = (a: { username: string; password: string }) =>
  [
    'duban: production start: no administrator existed, so one was made.',
    `  username ${a.username}   initial password ${a.password}`,
    '  This password is shown only now. Sign in and change it; then add the organisation (机构与用户).',
  ].join('\n');
