/**
 * The 督办台账's case, carried over HTTP on the seed's days to 2017-01-17:
 * - A, 国发〔2016〕76号 (收文 2017-01-03, 平急, 批示 春新), 转办 2017-01-04 to 省发展改革委 (主办) and
 *   省财政厅 (会办), due 2017-01-14: 省发展改革委 reports on 2017-01-10 (accepted), 省财政厅 has
 *   not, so is 3 days overdue on 2017-01-17;
 * - B, 粤府办〔2017〕3号 (收文 2017-01-16, 特急, 批示 办公厅秘书长), 转办 the same day to 省司法厅
 *   (主办, due 2017-01-19: within 3 days on 2017-01-17) and 省发展改革委 (会办, due 2017-01-26).
 * Its title starts with "=", as a hostile spreadsheet formula would.
 */
import { SEED_DIRECTIVE } from './stack';
import { seedRoute } from './seed-route';
import type { useSeedDayApi } from './seed-day-api';
import { until } from './until';

type SeedDayApi = ReturnType<typeof useSeedDayApi>;

/** Everyone the case needs signed in. */
export const LEDGER_PEOPLE = [
  'huangweiyan',
  'chenweiyan',
  'zh1-director',
  'chunxin',
  'mishuzhang',
  'fgw-mishu',
  'fgw-head',
  'czt-handler',
  'czt-head',
  'sft-handler',
];

export const DIRECTIVE_B = {
  sourceOrg: '广东省人民政府办公厅',
  docNumber: '粤府办〔2017〕3号',
  title: '=关于做好2017年春节期间安全生产工作的通知',
  receivedDate: '2017-01-16',
  urgency: '特急',
  secrecy: '非密',
  copies: 1,
} as const;

export function ledgerCase(api: SeedDayApi) {
  const db = () => api.stack.database.db;
  const { ok, instructed } = seedRoute(api);
  const projected = async (rn: string, tasks: number) =>
    until(
      async () => (await db().departmentTask.count({ where: { receiptNumber: rn } })) === tasks,
      `${tasks} tasks of ${rn} projected`,
    );
  const report = async (rn: string, dept: string, handler: string, head: string) => {
    const path = `/api/directives/${rn}/tasks/${dept}`;
    await ok(handler, `${path}/sign-for`, { deptReceiptNumber: `${dept}-1号` });
    await ok(head, `${path}/report`, { options: [1], text: '已按要求研究提出办理意见。' });
    await until(
      async () =>
        (await db().departmentTask.count({
          where: { receiptNumber: rn, departmentCode: dept, status: 'REPORTED' },
        })) === 1,
      `${dept}'s report on ${rn} projected`,
    );
  };

  return {
    /** A and B as above; the server's day is then 2017-01-17, 10:00 China Standard Time. */
    async carry() {
      const a = await instructed(SEED_DIRECTIVE, {
        leadDepartment: 'GDFGW',
        coDepartments: ['GDCZT'],
        comment: '拟请省发展改革委会同省有关部门研究提出办理意见。',
      });
      await api.until('2017-01-04T10:00');
      await ok('huangweiyan', `/api/directives/${a}/dispatch`);
      await projected(a, 2);

      await api.until('2017-01-10T10:00');
      await report(a, 'GDFGW', 'fgw-mishu', 'fgw-head');
      await ok('huangweiyan', `/api/directives/${a}/tasks/GDFGW/review`, { decision: 'ACCEPT', comment: '' });

      await api.until('2017-01-16T10:00');
      const b = await instructed(
        DIRECTIVE_B,
        {
          leadDepartment: 'GDSFT',
          coDepartments: ['GDFGW'],
          departmentDueDates: { GDSFT: '2017-01-19', GDFGW: '2017-01-26' },
          comment: '拟请省司法厅会同省发展改革委办理。',
        },
        'mishuzhang',
      );
      // A 特急 document is dispatched once the office has named its 督办人.
      await ok('huangweiyan', `/api/directives/${b}/urger`, { urger: 'u-huangweiyan' });
      await ok('huangweiyan', `/api/directives/${b}/dispatch`);
      await projected(b, 2);
      await api.until('2017-01-17T10:00');
      return { a, b };
    },
    /** 省财政厅 reports A late, on the day the server is at. */
    reportLate: (a: string) => report(a, 'GDCZT', 'czt-handler', 'czt-head'),
  };
}
