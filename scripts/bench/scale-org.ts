/**
 * The scale loader's organisation (scripts/bench/scale.ts): D responsible departments (承办单位),
 * each with a head (部门负责人) and a handler (承办人), made through the administrator's API
 * (POST /api/org/departments and /api/org/users, audited as an office would do it), not rows
 * written behind its back. Only the first department's two people sign in (for the read figures):
 * an account the administrator made must change its generated password first.
 */
import { inPool } from './figures';
import type { ScaleApi } from './scale-http';

const ADMIN = 'admin';
/** Accounts are made a few at a time: each hashes its generated password (slow on purpose). */
const ORG_CONCURRENCY = 4;
/** The password the first department's head and handler choose on first sign-in. */
export const CHOSEN_PASSWORD = 'Scale-bench-2026';

export interface ScaleDepartment {
  code: string;
  head: string;
  handler: string;
}

/** Department i (0-based): SCALE-001 … with its two accounts. */
export function scaleDepartment(i: number): ScaleDepartment {
  const n = String(i + 1).padStart(3, '0');
  return { code: `SCALE-${n}`, head: `scale-${n}-head`, handler: `scale-${n}-handler` };
}

/**
 * Makes the departments and their accounts; returns them in order. The first department's head
 * and handler are signed in (their passwords changed) for the reads.
 */
export async function makeDepartments(
  api: ScaleApi,
  count: number,
  stopped: () => boolean,
): Promise<ScaleDepartment[]> {
  await api.signIn(ADMIN);
  const departments = Array.from({ length: count }, (_, i) => scaleDepartment(i));
  const initialPasswords = new Map<string, string>();
  await inPool(count, ORG_CONCURRENCY, stopped, async (i) => {
    const d = departments[i]!;
    await api.write({
      label: 'org: department',
      who: ADMIN,
      url: '/api/org/departments',
      body: { code: d.code, name: `压测承办单位${d.code.slice(-3)}`, kind: 'RESPONSIBLE_DEPARTMENT' },
      expected: 201,
    });
    for (const [username, role, title] of [
      [d.head, 'DEPT_HEAD', '负责人'],
      [d.handler, 'DEPT_HANDLER', '承办人'],
    ] as const) {
      const made = await api.write({
        label: 'org: user',
        who: ADMIN,
        url: '/api/org/users',
        body: { username, displayName: `${d.code}${title}`, departmentCode: d.code, roles: [role] },
        expected: 201,
      });
      initialPasswords.set(username, made.initialPassword as string);
    }
  });
  if (stopped()) return departments;
  const first = departments[0]!;
  for (const username of [first.head, first.handler]) {
    await api.signIn(username, initialPasswords.get(username));
    await api.changePassword(username, initialPasswords.get(username)!, CHOSEN_PASSWORD);
  }
  return departments;
}
