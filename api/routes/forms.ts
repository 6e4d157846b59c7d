/**
 * The printed forms of a directive (打印): its 文件呈批表, and for each department task its 转办函,
 * its 公文办理情况回（催）报单 and, once the department is overdue, the 催报单. Each is an HTML print
 * view (A4, its own print stylesheet) or, with ?format=pdf, the same page as a PDF made by Chromium
 * on the server (api/forms/pdf.ts).
 *
 * A form is visible exactly when what it prints is: the 呈批表 to whoever may read the directive,
 * a department's forms to the office and to that department (the rule of the detail route and the
 * task steps, api/routes/access.ts); to anyone else the directive or task does not exist (404).
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Database } from '../../core/database';
import { appendAudit } from '../../core/audit';
import { chinaDate } from '../../workflows/incoming-document';
import { isClassified } from '../../workflows/secrecy';
import { currentUser } from '../auth/middleware';
import { HttpError } from '../errors';
import { approvalSheetOf, taskFormOf, type TaskForm } from '../forms/model';
import { pdfOf } from '../forms/pdf';
import {
  FORMS,
  approvalSheetHtml,
  dispatchLetterHtml,
  officeDate,
  reportSheetHtml,
  urgeSheetHtml,
  type FormKind,
} from '../forms/render';
import { operation } from '../openapi';
import { departmentCode, oneOf, parseRequest, receiptNumber, requestSchema } from '../parse';
import type { Clock } from '../requests';
import { directiveVisible, taskVisible } from './access';

export interface FormsRouterDeps {
  db: Database;
  /** Today, for the 催报单's date and how late the report is. */
  clock: Clock;
}

const FORMATS = { html: '打印视图（HTML）', pdf: 'PDF 文件' };
const formQuery = z.object({ format: oneOf('格式', FORMATS).default('html') }).strict();
const sheetRequest = requestSchema({ params: z.object({ receiptNumber }).strict(), query: formQuery });
const taskFormRequest = requestSchema({
  params: z.object({ receiptNumber, departmentCode: departmentCode() }).strict(),
  query: formQuery,
});

const PRINTED = {
  description: 'The form as an HTML print view (A4), or with ?format=pdf as a PDF download',
  mediaTypes: ['text/html', 'application/pdf'],
};

export function formsRouter({ db, clock }: FormsRouterDeps): Router {
  const router = Router();

  const describe = (kind: FormKind, summary: string, who: string, errors: number[] = []) =>
    operation({
      summary,
      request: kind === 'approval-sheet' ? sheetRequest : taskFormRequest,
      who,
      responses: { 200: PRINTED },
      // 503: no Chromium or no Chinese font on the server for the PDF (the HTML view still works).
      errors: [...errors, 503],
    });
  const DEPARTMENT_FORM = 'The office, leaders involved in it, and that department: as the task itself.';

  /** Answers the form as asked: the print view, or its PDF; a 涉密 one's every print is on record. */
  async function answer(
    req: Request,
    res: Response,
    form: { kind: FormKind; html: string; secrecy: string; target: string; fileName: string },
    format: 'html' | 'pdf',
  ) {
    if (isClassified(form.secrecy)) {
      const user = currentUser(req);
      await appendAudit(db, {
        actorId: user.delegate?.id ?? user.id,
        onBehalfOfId: user.delegate ? user.id : null,
        action: 'classified.read',
        target: form.target,
        detail: `${form.secrecy}；打印${FORMS[form.kind]}${format === 'pdf' ? '（PDF）' : ''}`,
      });
    }
    res.set('Cache-Control', 'no-store');
    if (format === 'pdf') {
      const pdf = await pdfOf(form.html);
      res.attachment(`${form.fileName}.pdf`).type('application/pdf').send(pdf);
    } else {
      res.type('html').send(form.html);
    }
  }

  router.get(
    '/api/directives/:receiptNumber/forms/approval-sheet',
    describe(
      'approval-sheet',
      '打印 文件呈批表: the directive’s approval sheet, as on paper',
      'Whoever may read the directive.',
    ),
    directiveVisible(db),
    async (req, res) => {
      const { params, query } = parseRequest(sheetRequest, req);
      const sheet = await approvalSheetOf(db, params.receiptNumber);
      if (!sheet) throw new HttpError(404, 'not_found', `没有收文编号为 ${params.receiptNumber} 的来文`);
      await answer(
        req,
        res,
        {
          kind: 'approval-sheet',
          html: approvalSheetHtml(sheet),
          secrecy: sheet.doc.secrecy,
          target: params.receiptNumber,
          fileName: `${params.receiptNumber}-${FORMS['approval-sheet']}`,
        },
        query.format,
      );
    },
  );

  /** A department's form: its task, or 404 as the task routes answer. */
  async function taskForm(req: Request) {
    const { params, query } = parseRequest(taskFormRequest, req);
    const { receiptNumber: rn, departmentCode: code } = params;
    const task = await taskFormOf(db, rn, code);
    if (!task) throw new HttpError(404, 'not_found', `收文编号 ${rn} 的来文没有交单位 ${code} 办理`);
    return { task, format: query.format };
  }
  const taskAnswer = (kind: FormKind, task: TaskForm, html: string) => ({
    kind,
    html,
    secrecy: task.doc.secrecy,
    target: `${task.doc.receiptNumber}/${task.department.code}`,
    fileName: `${task.doc.receiptNumber}-${task.department.name}-${FORMS[kind]}`,
  });

  router.get(
    '/api/directives/:receiptNumber/forms/report-sheet/:departmentCode',
    describe(
      'report-sheet',
      '打印 公文办理情况回（催）报单: a department’s report form, its 办理提示 ticked once reported',
      DEPARTMENT_FORM,
    ),
    taskVisible(db),
    async (req, res) => {
      const { task, format } = await taskForm(req);
      await answer(req, res, taskAnswer('report-sheet', task, reportSheetHtml(task)), format);
    },
  );

  router.get(
    '/api/directives/:receiptNumber/forms/urge-sheet/:departmentCode',
    describe(
      'urge-sheet',
      '打印 催报单: the report form again, urging an overdue department',
      `${DEPARTMENT_FORM} Only while the department is overdue with its report (409 otherwise).`,
      [409],
    ),
    taskVisible(db),
    async (req, res) => {
      const { task, format } = await taskForm(req);
      const { name } = task.department;
      if (!task.awaitingReport) {
        const done = task.status === 'SENT_TO_LEAD' ? '已将会办意见送主办' : '已回报';
        throw new HttpError(409, 'not_now', `${name}${done}，无需催报`);
      }
      if (!task.overdue)
        throw new HttpError(
          409,
          'not_now',
          `${name}尚未逾期（限于${officeDate(task.dueDate)}前回报），逾期后方可打印催报单`,
        );
      const today = chinaDate(await clock());
      await answer(req, res, taskAnswer('urge-sheet', task, urgeSheetHtml(task, today)), format);
    },
  );

  router.get(
    '/api/directives/:receiptNumber/forms/dispatch-letter/:departmentCode',
    describe(
      'dispatch-letter',
      '打印 转办函: the letter dispatching the directive to a department, with its 回报期限',
      DEPARTMENT_FORM,
    ),
    taskVisible(db),
    async (req, res) => {
      const { task, format } = await taskForm(req);
      await answer(req, res, taskAnswer('dispatch-letter', task, dispatchLetterHtml(task)), format);
    },
  );

  return router;
}
