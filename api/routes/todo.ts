/**
 * 待办 and 已办 of the signed-in person (api/todo.ts derives them): what awaits me now, with counts
 * by kind for the navigation, and what I handled, newest first.
 */
import { Router } from 'express';
import type { Database } from '../../core/database';
import { chinaDate } from '../../workflows/incoming-document';
import { currentUser } from '../auth/middleware';
import { operation } from '../openapi';
import { listFilters, parseRequest, requestSchema, wholeNumberText } from '../parse';
import type { Clock } from '../requests';
import { doneBy, todoOf } from '../todo';

const paging = {
  page: wholeNumberText('页码', 100_000).default(1),
  pageSize: wholeNumberText('每页条数', 100).default(20),
};
const todoRequest = requestSchema({ query: listFilters(paging) });
const doneRequest = requestSchema({ query: listFilters(paging) });

const todo = operation({
  summary: '我的待办: the steps awaiting me now (审核, 批示, 传阅, 签收, 回报, 审核回报, 延期, 答复 …)',
  description:
    'Derived from the step tables and the projection, within what I may see; 批示 only where I was asked and in turn.',
  request: todoRequest,
  responses: {
    200: '`{total, counts: {kind: n}, page, pageSize, items: [{kind, label, receiptNumber?, title, dueDate, link, …}]}`: total and counts over every page',
  },
});
const done = operation({
  summary: '我的已办: the steps I took (or a colleague took under my 委托), newest first, paged',
  request: doneRequest,
  responses: { 200: '`{total, page, pageSize, items: [{at, action, title, link, …}]}`' },
});

export function todoRouter(db: Database, clock: Clock): Router {
  const router = Router();

  router.get('/api/todo', todo, async (req, res) => {
    const { page, pageSize } = parseRequest(todoRequest, req).query;
    const todo = await todoOf(db, currentUser(req), chinaDate(await clock()), page, pageSize);
    res.json({ ...todo, page, pageSize });
  });

  router.get('/api/done', done, async (req, res) => {
    const { query } = parseRequest(doneRequest, req);
    const { page, pageSize } = query;
    res.json({ page, pageSize, ...(await doneBy(db, currentUser(req), page, pageSize)) });
  });

  return router;
}
