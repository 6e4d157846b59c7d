// 附件: files chosen in a form are uploaded first (one call each; the API checks each file's
// type by its content), and the form then names them by id. Lists link to the download.

import { deptName, h } from './app.js';

/** A labelled file chooser for several files. */
export const fileInput = (name, label) =>
  h('label', { class: 'file' }, `${label} `, h('input', { type: 'file', name, multiple: true }));

/** Uploads the files chosen in a form, one call each, and answers their ids. */
export async function upload(files) {
  const ids = [];
  for (const file of files.filter((x) => x instanceof File && x.size)) {
    const res = await fetch(`/api/attachments?fileName=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: file,
    });
    const data = await res.json();
    if (!res.ok) throw new Error(`${file.name}：${data.error?.message ?? `HTTP ${res.status}`}`);
    ids.push(data.attachment.id);
  }
  return ids;
}

/** The files of a directive or a record, each a download link; a department's say whose they are. */
export function attachmentList(attachments, title = '附件') {
  if (!attachments?.length) return [];
  const size = (n) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);
  return [
    h('h3', {}, title),
    h(
      'ul',
      { id: 'attachments' },
      attachments.map((a) =>
        h(
          'li',
          {},
          h('a', { href: `/api/attachments/${a.id}`, download: a.fileName ?? '' }, a.fileName ?? a.id),
          a.size ? ` （${size(a.size)}）` : '',
          a.departmentCode ? ` · ${deptName(a.departmentCode)}` : '',
        ),
      ),
    ),
  ];
}
