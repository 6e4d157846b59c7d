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

test('a 阅件 拟办 names no 主办: 春新 reads it, the clerk files it, and 转办 is refused', async () => {
  const path = await registered('国发〔2016〕80号', '国务院关于2016年度全国政务诚信状况的通报');
  expect((await step('huangweiyan', path, 'initial-review', { decision: 'ACCEPT' })).status).toBe(200);
  const reading = { forReading: true, leaders: ['u-chunxin'], comment: '此件为通报，拟呈春新同志阅。' };

  // A 阅件 leaves out what only a 办件 has; a 办件 without its 主办 is refused as before.
  const mixed = await step('huangweiyan', path, 'proposal', {
    ...reading,
    leadDepartment: 'GDFGW',
    handlingOption: 1,
  });
  expect(mixed.status).toBe(400);
  expect(mixed.body.error.fields).toEqual([
    { field: 'leadDepartment', reason: '阅件不转办，不填主办单位' },
    { field: 'handlingOption', reason: '阅件不转办，不填办理提示' },
  ]);
  const noLead = { leaders: reading.leaders, comment: reading.comment };
  const handled = await step('huangweiyan', path, 'proposal', noLead);
  expect(handled.status).toBe(400);
  expect(handled.body.error.fields).toEqual([
    { field: 'leadDepartment', reason: '主办单位为必填项' },
    { field: 'handlingOption', reason: '办理提示为必填项' },
  ]);

  const proposed = await step('huangweiyan', path, 'proposal', reading);
  expect(proposed.status).toBe(200);
  expect(proposed.body.state.proposal).toMatchObject({ forReading: true, coDepartments: [] });
  for (const who of ['chenweiyan', 'zh1-director'])
    expect((await step(who, path, 'review', { decision: 'APPROVE' })).status).toBe(200);
  expect((await step('chunxin', path, 'instruction', { decision: 'APPROVE', text: '阅。' })).status).toBe(
    200,
  );

  // Only 归档 is offered, and it is what awaits the clerk; 转办 is refused by the workflow too.
  const { directive } = (await as('huangweiyan').get(path)).body;
  expect(directive).toMatchObject({ forReading: true, leadDepartmentCode: null, handlingOption: null });
  expect(directive.availableSteps.directive).toContain('file');
  expect(directive.availableSteps.directive).not.toContain('dispatch');
  expect(directive.timeline.find((e: { action: string }) => e.action === '拟办').comment).toBe(
    '阅件，呈领导阅后归档。此件为通报，拟呈春新同志阅。',
  );
  const todo = (await as('huangweiyan').get('/api/todo')).body.items as {
    kind: string;
    receiptNumber: string;
  }[];
  expect(todo.filter((i) => `/api/directives/${i.receiptNumber}` === path).map((i) => i.kind)).toEqual([
    'file',
  ]);
  const dispatched = await step('huangweiyan', path, 'dispatch', {});
  expect(dispatched.status).toBe(409);
  expect(dispatched.body.error.message).toBe('转办：此件为阅件，领导阅后归档，不转办');

  expect((await step('huangweiyan', path, 'file', { comment: '阅存' })).status).toBe(200);
  expect(await workflowEnded(path)).toBe(true);
});
