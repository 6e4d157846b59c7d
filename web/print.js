// 打印 on a directive's page: its paper forms (api/routes/forms.ts), each as a print view opened in
// a new tab and as a PDF made on the server. The 呈批表 for whoever sees the directive; each task's
// 转办函 and 回（催）报单, and the 催报单 of a department overdue with its report, for the tasks
// this person sees (the API answers 404 for any other, as for the task itself).

import { deptName, h } from './app.js';

/** A department task that still owes its report (workflows/department-task.ts). */
const AWAITING_REPORT = ['DISPATCHED', 'SIGNED_FOR', 'RETURNED'];

const form = (name, label, url) =>
  h(
    'li',
    {},
    h('a', { href: url, target: '_blank', rel: 'noopener', 'data-form': name }, label),
    ' · ',
    h('a', { href: `${url}?format=pdf`, class: 'pdf', 'data-form-pdf': name }, 'PDF'),
  );

export function printMenu(d) {
  const base = `/api/directives/${encodeURIComponent(d.receiptNumber)}/forms`;
  const items = [form('approval-sheet', '文件呈批表', `${base}/approval-sheet`)];
  for (const t of d.tasks) {
    const code = encodeURIComponent(t.departmentCode);
    const unit = deptName(t.departmentCode);
    items.push(
      form(`dispatch-letter/${t.departmentCode}`, `${unit} 转办函`, `${base}/dispatch-letter/${code}`),
      form(`report-sheet/${t.departmentCode}`, `${unit} 回（催）报单`, `${base}/report-sheet/${code}`),
    );
    if (t.overdue && AWAITING_REPORT.includes(t.status))
      items.push(form(`urge-sheet/${t.departmentCode}`, `${unit} 催报单`, `${base}/urge-sheet/${code}`));
  }
  return h('details', { id: 'print-menu' }, h('summary', {}, '打印'), h('ul', {}, items));
}
