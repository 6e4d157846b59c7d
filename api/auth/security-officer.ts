/**
 * 任命保密员: who decides who reads secrets is appointed on the server, by the operator, not by the
 * system administrator through the API (三员分立: an account the administrator appointed could grant
 * him 绝密). `npm run appoint-security-officer -- <username>` gives an existing account the role
 * (never an administrator's), or, with `--name` and `--department`, makes one; either way with a
 * new password shown once, to be changed at the first sign-in. Audited.
 */
import { appendAudit } from '../../core/audit';
import type { Database } from '../../core/database';
import { generatePassword, hashPassword } from './passwords';

export interface Appointment {
  username: string;
  /** For a new account: its name and department code. */
  displayName?: string;
  departmentCode?: string;
}

export async function appointSecurityOfficer(
  db: Database,
  a: Appointment,
): Promise<{ username: string; password: string; created: boolean }> {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    const id = `u-${a.username}`;
    await appendAudit(tx, {
      action: 'security-officer.appoint',
      target: id,
      detail: 'appointed on the server',
    });
    const existing = await tx.user.findUnique({ where: { username: a.username }, include: { roles: true } });
    if (existing) {
      if (existing.roles.some((r) => r.role === 'ADMIN'))
        throw new Error(`${a.username} is a system administrator: a 保密员 must be another person`);
      await tx.userRole.upsert({
        where: { userId_role: { userId: existing.id, role: 'SECURITY_OFFICER' } },
        create: { userId: existing.id, role: 'SECURITY_OFFICER' },
        update: {},
      });
      await tx.user.update({
        where: { id: existing.id },
        data: { passwordHash, mustChangePassword: true, active: true },
      });
      await tx.session.updateMany({
        where: { userId: existing.id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      return { username: a.username, password, created: false };
    }
    if (!a.displayName || !a.departmentCode)
      throw new Error(`no account ${a.username}: give --name and --department to make one`);
    if (!(await tx.department.findUnique({ where: { code: a.departmentCode } })))
      throw new Error(`no department ${a.departmentCode}`);
    await tx.user.create({
      data: {
        id,
        username: a.username,
        displayName: a.displayName,
        departmentCode: a.departmentCode,
        passwordHash,
        mustChangePassword: true,
        roles: { create: [{ role: 'SECURITY_OFFICER' }] },
      },
    });
    return { username: a.username, password, created: true };
  });
}
