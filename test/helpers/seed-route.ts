/**
 * The seed case's paper route over HTTP, 收文登记 to 批示, as the office takes it: 黄伟燕 registers
 * the document, accepts it (初审) and writes the 拟办意见; 陈伟燕 and the 综合一处 director review it
 * (审核); the leader the 拟办 asks instructs (批示). The directive then waits for 转办.
 */
import type { useSeedDayApi } from './seed-day-api';

type SeedDayApi = ReturnType<typeof useSeedDayApi>;

/** The 拟办意见's departments and words; the 办理提示 is option 1 unless said. */
export interface Proposal {
  leadDepartment: string;
  coDepartments?: string[];
  departmentDueDates?: Record<string, string>;
  handlingOption?: number;
  comment: string;
}

export function seedRoute({ as }: Pick<SeedDayApi, 'as'>) {
  /** A step that must succeed; a refusal fails the test with its status and answer. */
  const ok = async (who: string, url: string, body: object = {}) => {
    const res = await as(who).post(url, body);
    if (res.status >= 300) throw new Error(`${who} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { directive: { receiptNumber: string } };
  };

  /** 收文登记 through 批示 by `leader` (username); the 收文编号. */
  const instructed = async (document: object, proposal: Proposal, leader = 'chunxin') => {
    const rn = (await ok('huangweiyan', '/api/directives', document)).directive.receiptNumber;
    const path = `/api/directives/${rn}`;
    await ok('huangweiyan', `${path}/initial-review`, { decision: 'ACCEPT', comment: '' });
    await ok('huangweiyan', `${path}/proposal`, { handlingOption: 1, leaders: [`u-${leader}`], ...proposal });
    await ok('chenweiyan', `${path}/review`, { decision: 'APPROVE', comment: '同意。' });
    await ok('zh1-director', `${path}/review`, { decision: 'APPROVE', comment: '同意。' });
    await ok(leader, `${path}/instruction`, { decision: 'APPROVE', text: '同意。' });
    return rn;
  };

  return { ok, instructed };
}
