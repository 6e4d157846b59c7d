/**
 * 启用编号: an office moving from its paper register mid-year tells Duban where the year's
 * 收文编号 and each 办文编号 prefix continue from (the seed's next numbers are 201700084 and
 * 发改 0009). The register workflow decides (forward only: never back over a number it issued);
 * the projection shows the numbers and who set them.
 */
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Database } from '../../core/database';
import { RECEIPT_SERIES } from '../../activities/register';
import { continueNumberingUpdate, formatReceiptNumber } from '../../workflows/definitions';
import { HANDLING_PREFIX, chinaDate, formatHandlingNumber } from '../../workflows/incoming-document';
import { requireRole } from '../auth/middleware';
import { actingUser, updateIdOf, type Clock } from '../requests';
import { operation } from '../openapi';
import * as say from '../../workflows/wording';
import { parseRequest, requestSchema } from '../parse';
import { lastNumbers, registerUpdates } from '../register';
import type { StepRunner } from '../updates';

export interface RegisterRouterDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  clock: Clock;
  steps: StepRunner;
}

/** A year of a register: from 2000 up to next year (a register is opened ahead at year's end). */
const yearParams = (thisYear: number) =>
  z
    .object({
      year: z
        .string()
        .regex(/^\d{4}$/, '年度须为四位数字，如 2017')
        .transform(Number)
        .refine((y) => y >= 2000 && y <= thisYear + 1, `年度须在 2000 至 ${thisYear + 1} 之间`),
    })
    .strict();

const lastUsed = (label: string, max: number) =>
  z
    .number({ error: say.wholeNumber(label, 0, max) })
    .int(say.wholeNumber(label, 0, max))
    .min(0, say.wholeNumber(label, 0, max))
    .max(max, say.wholeNumber(label, 0, max));

const numberingForm = z
  .object({
    /** The last 收文编号 sequence used on paper, e.g. 83 (the next is 201700084). */
    lastSequence: lastUsed('已用到的收文编号', 99_999).optional(),
    /** The last 办文编号 per prefix used on paper, e.g. { "发改": 8 } (the next is 发改 0009). */
    lastHandlingSequences: z
      .record(
        z.string().regex(HANDLING_PREFIX, '办文编号前缀须为 1 至 4 个汉字，如 发改'),
        lastUsed('已用到的办文编号', 9_999),
      )
      .optional(),
  })
  .strict()
  .refine((f) => f.lastSequence !== undefined || Object.keys(f.lastHandlingSequences ?? {}).length > 0, {
    message: '请填写已用到的收文编号，或至少一个办文编号前缀已用到的编号',
    path: ['lastSequence'],
  });

const readRequest = (nowMs: number) =>
  requestSchema({ params: yearParams(Number(chinaDate(nowMs).slice(0, 4))) });
const setRequest = (nowMs: number) =>
  requestSchema({ params: yearParams(Number(chinaDate(nowMs).slice(0, 4))), body: numberingForm });

const read = operation({
  summary: '启用编号: the year’s last and next 收文编号 and 办文编号, and who set the paper’s last',
  request: readRequest,
  responses: { 200: '`{numbering}`' },
});
const set = operation({
  summary: '启用编号: where the year’s 收文编号 and 办文编号 continue from (the last used on paper)',
  description:
    'Forward only: the register refuses going back over a number it issued (409 naming the field). ' +
    'Recorded on the audit trail (`register.numbering`).',
  request: setRequest,
  responses: { 200: '`{numbering}`' },
  step: true,
});

export function registerRouter({ db, temporal, taskQueue, clock, steps }: RegisterRouterDeps): Router {
  const onRegister = registerUpdates(db, temporal, taskQueue);
  const router = Router();

  /** The year's numbers: the last used and the next, and who set the paper's last. */
  async function numbering(year: number) {
    const [last, set] = await Promise.all([
      lastNumbers(db, year),
      db.registerNumbering.findMany({ where: { year }, orderBy: { series: 'asc' } }),
    ]);
    return {
      ...last,
      nextReceiptNumber: formatReceiptNumber(year, last.lastSequence + 1),
      nextHandlingNumbers: Object.fromEntries(
        Object.entries(last.lastHandlingSequences).map(([p, n]) => [p, formatHandlingNumber(p, n + 1)]),
      ),
      set: set.map((s) => ({
        series: s.series === RECEIPT_SERIES ? '收文编号' : `办文编号 ${s.series}`,
        lastSequence: s.lastSequence,
        setById: s.setById,
        setAt: s.setAt,
      })),
    };
  }

  router.get('/api/registers/:year/numbering', read, requireRole('ADMIN', 'CLERK'), async (req, res) => {
    const { params } = parseRequest(readRequest(await clock()), req);
    res.json({ numbering: await numbering(params.year) });
  });

  router.put('/api/registers/:year/numbering', set, requireRole('ADMIN'), async (req, res) => {
    const { params, body } = parseRequest(setRequest(await clock()), req);
    await steps(() =>
      onRegister(params.year, continueNumberingUpdate, {
        args: [{ ...body, by: actingUser(req) }],
        updateId: updateIdOf(req, 'continue-numbering'),
      }),
    );
    res.json({ numbering: await numbering(params.year) });
  });

  return router;
}
