/**
 * The printed forms laid out like the office's paper (the seed's 文件呈批表 and 公文办理情况回（催）报单),
 * as one HTML page each with its print stylesheet: A4, the form alone on paper, a toolbar on screen.
 * The same page is what the browser prints and what Chromium turns into the PDF (api/forms/pdf.ts),
 * so the two cannot differ. Everything a person typed is escaped (api/forms/markup.ts).
 */
import { Markup, html, lines } from './markup';
import type { ApprovalSheet, DocumentHead, Opinion, Signed, TaskForm } from './model';

export const FORMS = {
  'approval-sheet': '文件呈批表',
  'report-sheet': '公文办理情况回（催）报单',
  'urge-sheet': '公文办理情况催报单',
  'dispatch-letter': '转办函',
} as const;
export type FormKind = keyof typeof FORMS;

// ---------------------------------------------------------------------------------------------
// Dates and numbers as the office writes them

const parts = (day: string) => day.split('-').map(Number) as [number, number, number];

/** 2017-01-14 → 2017年1月14日. */
export function officeDate(day: string | null | undefined): string {
  if (!day) return '';
  const [y, m, d] = parts(day);
  return `${y}年${m}月${d}日`;
}

/** Whole days from one calendar day to another. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

const DIGITS = '〇一二三四五六七八九';
/** 10 → 十, 15 → 十五, 20 → 二十 (1–99), as the form's printed rule counts days. */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens > 1 ? DIGITS[tens] : ''}${tens ? '十' : ''}${ones ? DIGITS[ones] : ''}`;
}

// ---------------------------------------------------------------------------------------------
// The page

/**
 * Faces: 宋体 for the text, 黑体 for titles and labels, as forms are set. On the server these are
 * Debian's TrueType faces (fonts-arphic-gbsn00lp, fonts-arphic-uming for characters beyond GB 2312,
 * fonts-wqy-zenhei), which Chromium embeds as real fonts with their text; an OpenType/CFF face such
 * as Noto CJK it would draw as Type 3 glyph pictures, whose text reads 文 as the radical ⽂.
 * Elsewhere the browser's own 宋体 and 黑体 serve. No synthetic bold or italic (Type 3 again):
 * emphasis is the 黑体 face.
 */
const STYLE = `
@page { size: A4; margin: 20mm 20mm 18mm 20mm; }
:root {
  --song: "AR PL SungtiL GB", "AR PL UMing CN", "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", serif;
  --hei: "WenQuanYi Zen Hei", "SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", sans-serif;
}
* { font-synthesis: none; }
html { background: #d9d9d9; }
body { margin: 0; color: #000; font: 12pt/1.55 var(--song); }
.toolbar {
  position: sticky; top: 0; display: flex; gap: 12px; align-items: center; padding: 8px 16px;
  background: #1f3b57; color: #fff; font: 14px var(--hei);
}
.toolbar a, .toolbar button {
  color: #1f3b57; background: #fff; border: 0; border-radius: 3px; padding: 4px 12px;
  font: inherit; text-decoration: none; cursor: pointer;
}
.toolbar span { margin-left: auto; opacity: .8; }
.sheet {
  box-sizing: border-box; width: 210mm; min-height: 297mm; margin: 16px auto; padding: 20mm 20mm 18mm;
  background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.3);
}
@media print {
  html { background: none; }
  .toolbar { display: none; }
  .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
}
h1 { margin: 0 0 5mm; text-align: center; font: normal 20pt/1.4 var(--hei); letter-spacing: .04em; }
.heading { display: flex; justify-content: space-between; margin-bottom: 1.5mm; }
.ref { text-align: right; font-size: 10.5pt; margin: -2mm 0 3mm; }
table.form { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.form th, table.form td { border: 1px solid #000; padding: 2mm 2.5mm; vertical-align: middle; }
table.form th { width: 25mm; box-sizing: border-box; padding-left: 1mm; padding-right: 1mm; font-weight: normal; font-family: var(--hei); text-align: center; }
table.form td.box { vertical-align: top; }
.box .label, .returned, .due, .tick { font-family: var(--hei); font-weight: normal; }
.box p { margin: 0 0 1mm; }
.signature { text-align: right; margin-top: 1mm; }
.instructions { height: 58mm; }
.reviews { height: 38mm; }
.summary { height: 40mm; }
.proposal { height: 40mm; }
col.label { width: 25mm; }
col.date { width: 34mm; }
col.number { width: 27mm; }
th.narrow { font-size: 10.5pt; }
table.form tr { break-inside: avoid; }
.footer { display: flex; justify-content: space-between; margin-top: 2mm; }
.addressee { margin: 4mm 0 1mm; font-size: 13pt; }
.body { text-indent: 2em; margin: 0 0 2mm; font-size: 13pt; }
.contact { margin: 2mm 0 4mm 58%; }
ol.options { list-style: none; margin: 0; padding: 0; }
ol.options li { display: flex; gap: 1mm; margin-bottom: 1mm; }
.tick { display: inline-block; flex: none; width: 5mm; text-align: center; }
.rule { margin: 2mm 0 0; font-size: 10.5pt; }
.options-cell { vertical-align: top; }
.stamp { height: 26mm; margin-top: 6mm; }
.dates { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 1mm 2em; margin-top: 3mm; }
.dates span { white-space: nowrap; }
.sent span + span { margin-left: 2em; }
.signoff { margin: 10mm 0 0 55%; text-align: center; }
.annex { margin-top: 4mm; }
#dispatch-table { margin-top: 4mm; }
.annex p { margin: 0; padding-left: 3em; text-indent: -3em; }
.small { font-size: 10.5pt; }
`;

function page(title: string, receiptNumber: string, body: Markup): string {
  return html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <title>${title}（收文编号 ${receiptNumber}）</title>
        <style>
          ${new Markup(STYLE)}
        </style>
        <script type="module" src="/print-view.js"></script>
      </head>
      <body>
        <nav class="toolbar">
          <button type="button" id="print-now">打印</button>
          <a href="?format=pdf" id="pdf">下载 PDF</a>
          <span>${title} · 收文编号 ${receiptNumber}</span>
        </nav>
        <main class="sheet">${body}</main>
      </body>
    </html> `.text;
}

const signature = (s: Signed) =>
  html`<p class="signature">
    ${s.onBehalfOf ? `${s.name}（代${s.onBehalfOf}）` : s.name}&#x3000;${officeDate(s.on)}
  </p>`;

const opinion = (o: Opinion) =>
  html`<p class="${o.returned ? 'returned' : ''}">${o.returned ? '（退回）' : ''}${lines(o.text)}</p>
    ${signature(o)}`;

/** 全角空格, the blank a form leaves (and the space between a name and its date). */
const SP = '\u3000';
const countOf = (n: number | null, unit: string) => (n ? `${n}${unit}` : `${SP}${unit}`);

// ---------------------------------------------------------------------------------------------
// 文件呈批表

export function approvalSheetHtml(s: ApprovalSheet): string {
  const { doc } = s;
  const box = (cls: string, label: string, content: Markup | Markup[]) =>
    html`<tr>
      <td colspan="6" class="box ${cls}">
        <p class="label">${label}：</p>
        ${content}
      </td>
    </tr>`;
  const body = html` <h1>${s.office.name}${FORMS['approval-sheet']}</h1>
    <div class="heading">
      <span>紧急程度：${doc.urgency}</span>
      <span>密级：${doc.secrecy}${doc.secrecyPeriod ? `★${doc.secrecyPeriod}` : ''}</span>
      <span>收文编号：${doc.receiptNumber}</span>
    </div>
    <table class="form" id="approval-sheet">
      <colgroup>
        <col class="label" />
        <col />
        <col class="label" />
        <col class="date" />
        <col class="label" />
        <col class="number" />
      </colgroup>
      <tr>
        <th>来文单位</th>
        <td>${doc.sourceOrg}</td>
        <th>收文日期</th>
        <td>${officeDate(doc.receivedDate)}</td>
        <th>办文编号</th>
        <td>${doc.handlingNumber ?? ''}</td>
      </tr>
      <tr>
        <th>文&#x3000;&#x3000;号</th>
        <td colspan="3">${doc.docNumber}</td>
        <th class="narrow">份数/页数</th>
        <td>${countOf(doc.copies, '份')} / ${countOf(doc.pages, '页')}</td>
      </tr>
      <tr>
        <th>来文标题</th>
        <td colspan="5">${doc.title}</td>
      </tr>
      ${box('instructions', '领导批示', s.instructions.map(opinion))}
      ${box('reviews', '审核意见', s.reviews.map(opinion))}
      ${box('summary', '办理意见', html`<p>${lines(s.summary)}</p>`)}
      ${box(
        'proposal',
        '拟办意见',
        s.proposal
          ? html`<p>${lines(s.proposal.text)}</p>
              ${s.proposal.leadersAsked.length ? html`<p>请${s.proposal.leadersAsked.join('、')}同志批示。</p>` : ''}
              ${signature(s.proposal)}`
          : html``,
      )}
    </table>
    <div class="footer">
      <span>${s.office.section}</span>
      <span>经办人：${s.handler.name}&#x3000;电话：${s.handler.phone ?? ''}</span>
    </div>`;
  return page(FORMS['approval-sheet'], doc.receiptNumber, body);
}

// ---------------------------------------------------------------------------------------------
// 公文办理情况回（催）报单, 催报单 and 转办函: one department's part

const roleName = (t: TaskForm) => (t.role === 'LEAD' ? '主办' : '会办');

/** 来文单位, 文号, 文件标题, 主办 and 会办 units: the top of the 回报单 and the 转办函. */
function documentRows(doc: DocumentHead): Markup {
  return html` <tr>
      <th>来文单位</th>
      <td>${doc.sourceOrg}</td>
      <th>文&#x3000;号</th>
      <td>${doc.docNumber}</td>
    </tr>
    <tr>
      <th>文件标题</th>
      <td colspan="3">${doc.title}</td>
    </tr>
    <tr>
      <th>主办单位</th>
      <td colspan="3">${doc.lead ?? ''}</td>
    </tr>
    ${
      doc.co.length
        ? html`<tr>
            <th>会办单位</th>
            <td colspan="3">${doc.co.join('、')}</td>
          </tr>`
        : ''
    }`;
}

/** The form's printed rule, in the policy's days: 原文翻印的，在十天内…；加具贯彻意见的，在十至十五天内…. */
export function handlingRule(reprintDays: number, draftDays: number): string {
  const draft =
    draftDays === reprintDays
      ? chineseNumber(draftDays)
      : `${chineseNumber(reprintDays)}至${chineseNumber(draftDays)}`;
  return (
    '以上提示，采用时，请在序号处打“√”。若有其他意见，请写在序号“5.”后。' +
    `原文翻印的，在${chineseNumber(reprintDays)}天内以书面告知；加具贯彻意见的，在${draft}天内送交代拟稿。`
  );
}

const sentence = (label: string) => (/[。！？]$/.test(label) ? label : `${label}。`);

/** 办理提示 1–5, the department's choice ticked √ (5 carries its other opinion). */
function optionsCell(t: TaskForm): Markup {
  const ticked = new Set(t.report?.options ?? []);
  const items = t.options.map(({ code, label }) => {
    const on = ticked.has(code);
    const text = code === 5 ? (on ? (t.report?.text ?? '') : '') : sentence(label);
    return html`<li data-option="${code}" class="${on ? 'ticked' : ''}">
      <span class="tick">${on ? '√' : ''}</span><span>${code}. ${lines(text)}</span>
    </li>`;
  });
  return html`<ol class="options">
      ${items}
    </ol>
    <p class="rule">${handlingRule(t.reprintDays, t.draftDays)}</p>`;
}

/** 于 10 天内（即 1 月 14 日前）: the days from the dispatch to the task's own due date. */
function withinDays(t: TaskForm): string {
  const [y, m, d] = parts(t.dueDate);
  const sameYear = t.dueDate.slice(0, 4) === t.dispatchedOn.slice(0, 4);
  return `于 ${daysBetween(t.dispatchedOn, t.dueDate)} 天内（即 ${sameYear ? '' : `${y} 年 `}${m} 月 ${d} 日前）`;
}

function reportTable(t: TaskForm): Markup {
  const report = t.report;
  const otherTicked = report?.options.includes(5) ?? false;
  return html` <table class="form" id="report-table">
    ${documentRows(t.doc)}
    <tr>
      <th>办理提示</th>
      <td colspan="3" class="options-cell">${optionsCell(t)}</td>
    </tr>
    ${
      report?.text && !otherTicked
        ? html`<tr>
            <th>办理情况</th>
            <td colspan="3">${lines(report.text)}</td>
          </tr>`
        : ''
    }
    ${
      report?.draft
        ? html`<tr>
            <th>代拟稿</th>
            <td colspan="3">${lines(report.draft)}</td>
          </tr>`
        : ''
    }
  </table>`;
}

const blankDate = '　　　　年　　月　　日';
const reference = (doc: DocumentHead) =>
  html`<p class="ref">
    收文编号：${doc.receiptNumber}${doc.handlingNumber ? `${SP}办文编号：${doc.handlingNumber}` : ''}
  </p>`;
const contact = (t: TaskForm) =>
  html`<div class="contact">
    <div>经办人：${t.clerk.name}</div>
    <div>联系电话：${t.clerk.phone ?? ''}</div>
  </div>`;

/** The bottom of the 回报单: the department's stamp, when it returned it, when it was sent and by when. */
function returnSlip(t: TaskForm, sent: Markup): Markup {
  return html` <div class="stamp">回报单位（盖章）：${t.report ? t.department.name : ''}</div>
    <div class="dates">
      <span>退回时间：${t.report ? officeDate(t.report.on) : blankDate}</span>
      <span class="sent">${sent}</span>
    </div>
    <p class="due">限于 ${officeDate(t.dueDate)}前回报</p>`;
}

export function reportSheetHtml(t: TaskForm): string {
  const body = html` <h1>${t.office.name}${FORMS['report-sheet']}</h1>
    ${reference(t.doc)}
    <p class="addressee">${t.department.name}：</p>
    <p class="body">
      此文件办理的情况，${roleName(t)}单位要认真填写并加盖公章后，${withinDays(t)}退回${t.office.sectionShort}。
    </p>
    ${contact(t)} ${reportTable(t)}
    ${returnSlip(t, html`<span>发出时间：${officeDate(t.dispatchedOn)}</span>`)}`;
  return page(FORMS['report-sheet'], t.doc.receiptNumber, body);
}

/** The 催报单: the same form, titled 催报单, saying how late the report is; `today` in CST. */
export function urgeSheetHtml(t: TaskForm, today: string): string {
  const late = Math.max(daysBetween(t.dueDate, today), 0);
  const body = html` <h1>${t.office.name}${FORMS['urge-sheet']}</h1>
    ${reference(t.doc)}
    <p class="addressee">${t.department.name}：</p>
    <p class="body">
      《${t.doc.title}》（${t.doc.docNumber}）已于${officeDate(t.dispatchedOn)}转你单位${roleName(t)}，限于${officeDate(t.dueDate)}前回报。至今未收到你单位的办理情况回报，已逾期
      ${late} 天。请抓紧办理，认真填写本单并加盖公章后，尽快退回${t.office.sectionShort}。
    </p>
    ${contact(t)} ${reportTable(t)}
    ${returnSlip(
      t,
      html`<span>发出时间：${officeDate(t.dispatchedOn)}</span
        ><span>催报时间：${officeDate(t.urgedOn ?? today)}</span>`,
    )}`;
  return page(FORMS['urge-sheet'], t.doc.receiptNumber, body);
}

export function dispatchLetterHtml(t: TaskForm): string {
  const { doc } = t;
  const others = t.role === 'LEAD' ? doc.co : [doc.lead ?? ''].filter(Boolean);
  const together = others.length
    ? t.role === 'LEAD'
      ? `，会同${others.join('、')}`
      : `，会同主办单位${others.join('、')}`
    : '';
  const option = t.options.find((o) => o.code === t.handlingOption);
  const body = html` <h1>${t.office.name}${FORMS['dispatch-letter']}</h1>
    ${reference(doc)}
    <p class="addressee">${t.department.name}：</p>
    <p class="body">现将《${doc.title}》（${doc.docNumber}）转你单位${roleName(t)}${together}办理。</p>
    ${option && t.handlingOption !== 5 ? html`<p class="body">办理要求：${sentence(option.label)}</p>` : ''}
    ${t.proposal ? html`<p class="body">拟办意见：${lines(t.proposal)}</p>` : ''}
    ${t.instructions.map(
      (i) =>
        html`<p class="body">
          领导批示：${i.returned ? '（退回）' : ''}${lines(i.text)}（${i.onBehalfOf ? `${i.name}代${i.onBehalfOf}` : i.name}，${officeDate(i.on)}）
        </p>`,
    )}
    <p class="body">
      请于<span class="due">${officeDate(t.dueDate)}</span
      >前将办理情况填写《公文办理情况回报单》，加盖公章后退回${t.office.sectionShort}。
    </p>
    <table class="form" id="dispatch-table">
      ${documentRows(doc)}
      <tr>
        <th>回报期限</th>
        <td colspan="3">限于 ${officeDate(t.dueDate)}前回报</td>
      </tr>
    </table>
    <div class="annex">
      <p>附件：1. 《${doc.title}》（${doc.docNumber}）</p>
      <p>&#x3000;&#x3000;&#x3000;2. 公文办理情况回报单</p>
    </div>
    <div class="signoff">
      <div>${t.office.section}</div>
      <div>${officeDate(t.dispatchedOn)}</div>
    </div>
    <p class="small">（经办人：${t.clerk.name}&#x3000;联系电话：${t.clerk.phone ?? ''}）</p>`;
  return page(FORMS['dispatch-letter'], doc.receiptNumber, body);
}
