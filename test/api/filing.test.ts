/**
 * 阅件 on the seed's day: filed (归档) without 转办, either straight after 初审 when it is only for
 * reference (存档备查), or once the leader has read it (批示 "阅"); the file is then closed, leaves
 * every 待办, and can no longer be dispatched.
 */
import { SEED_DIRECTIVE } from '../helpers/stack';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { directiveWorkflowId } from '../../workflows/definitions';

jest.setTimeout(120_000);

const api = useSeedDayApi(['huangweiyan', 'chenweiyan', 'zh1-director', 'chunxin']);
const { as } = api;

async function registered(docNumber: string, title: string): Promise<string> {
  const res = await as('huangweiyan').post('/api/directives', { ...SEED_DIRECTIVE, docNumber, title });
  expect(res.status).toBe(201);
  return `/api/directives/${res.body.directive.receiptNumber}`;
}
const step = (who: string, path: string, name: string, body: object) => as(who).post(`${path}/${name}`, body);

/** The directive's workflow has ended (归档 closes the file). */
async function workflowEnded(path: string) {
  const handle = api.stack.temporal.workflow.getHandle(directiveWorkflowId(path.split('/').at(-1)!));
  for (let i = 0; i < 100; i++) {
    if ((await handle.describe()).status.name === 'COMPLETED') return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

test('kept for reference: filed straight after 初审, and the file is closed', async () => {
  const path = await registered('国办函〔2016〕120号', '国务院办公厅关于2017年部分节假日安排的通知');
  const early = await step('huangweiyan', path, 'file', { comment: '存档备查' });
  expect(early.status).toBe(409); // 初审 first
  expect((await step('huangweiyan', path, 'initial-review', { decision: 'ACCEPT' })).status).toBe(200);
  expect((await step('chenweiyan', path, 'file', { comment: '存档备查' })).status).toBe(403);
  const blank = await step('huangweiyan', path, 'file', { comment: ' ' });
  expect(blank.status).toBe(400);
  expect(blank.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['comment']);

  const filed = await step('huangweiyan', path, 'file', { comment: '存档备查' });
  expect(filed.status).toBe(200);
  expect(filed.body.state).toMatchObject({ status: 'FILED' });
  expect(await workflowEnded(path)).toBe(true);
  const { directive } = (await as('huangweiyan').get(path)).body;
  expect(directive).toMatchObject({ status: 'FILED', tasks: [], closedAt: expect.any(String) });
  expect(directive.timeline.at(-1)).toMatchObject({ action: '归档', comment: '存档备查', toState: 'FILED' });
  const listed = (await as('huangweiyan').get('/api/directives?status=FILED')).body.items;
  expect(listed.map((d: { receiptNumber: string }) => d.receiptNumber)).toEqual([directive.receiptNumber]);
});

test('a 阅件 read by the leader (批示 "阅") is filed instead of dispatched', async () => {
  const path = await registered('国发〔2016〕79号', '国务院关于第三次全国农业普查情况的通报');
  expect((await step('huangweiyan', path, 'initial-review', { decision: 'ACCEPT' })).status).toBe(200);
  const proposal = {
    leadDepartment: 'GDFGW',
    handlingOption: 5,
    leaders: ['u-chunxin'],
    comment: '此件为通报，拟呈春新同志阅。',
  };
  expect((await step('huangweiyan', path, 'proposal', proposal)).status).toBe(200);
  for (const who of ['chenweiyan', 'zh1-director'])
    expect((await step(who, path, 'review', { decision: 'APPROVE' })).status).toBe(200);
  expect((await step('chunxin', path, 'instruction', { decision: 'APPROVE', text: '阅。' })).status).toBe(
    200,
  );

  // The clerk is offered both: 转办 or 归档.
  const offered = (await as('huangweiyan').get(path)).body.directive.availableSteps.directive as string[];
  expect(offered).toEqual(expect.arrayContaining(['dispatch', 'file']));
  const waiting = async () =>
    ((await as('huangweiyan').get('/api/todo')).body.items as { receiptNumber?: string }[]).some(
      (i) => `/api/directives/${i.receiptNumber}` === path,
    );
  expect(await waiting()).toBe(true); // 转办 awaits the clerk
  expect((await step('huangweiyan', path, 'file', { comment: '阅存' })).status).toBe(200);
  expect(await workflowEnded(path)).toBe(true);
  const { directive } = (await as('huangweiyan').get(path)).body;
  expect(directive).toMatchObject({ status: 'FILED', tasks: [] });
  expect(directive.availableSteps.directive).toEqual([]);
  // Nobody is waiting on it any more; and a closed file is not dispatched.
  expect(await waiting()).toBe(false);
  expect((await step('huangweiyan', path, 'dispatch', {})).status).toBe(409);
});
