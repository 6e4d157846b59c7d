/**
 * 附件 uploads as a hostile sender would try them: content that is not what its name says, a
 * zip passed off as a Word file or an OFD, files too large (declared or streamed), and what a
 * download tells caches. The store is checked on disk: nothing refused is left behind.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { signIn } from '../helpers/stack';
import { docx, ofd, zip } from '../helpers/zip';

const api = useSeedDayApi(['huangweiyan'], { listen: true });
const { as } = api;

/** Every file under the attachment store, relative to it. */
const stored = (): string[] =>
  (fs.readdirSync(api.stack.attachmentsDir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(api.stack.attachmentsDir, f)).isFile())
    .sort();

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const OLE = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
const JPG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 0x20)]);
const ASF_LOOP = Buffer.concat([
  Buffer.from([
    0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c,
  ]),
  Buffer.alloc(200),
]);
const XLSX = zip({
  '[Content_Types].xml': '<Types/>',
  'xl/workbook.xml': '<workbook/>',
});

test.each([
  ['a Word document', '实施意见.docx', docx(), 'wordprocessingml'],
  ['an OFD', '国发〔2016〕76号.ofd', ofd(), 'application/ofd'],
  ['a workbook', '台账.xlsx', XLSX, 'spreadsheetml'],
  ['a PDF', '报告.pdf', PDF, 'application/pdf'],
  ['a Word 97 file', '旧稿.doc', OLE, 'application/msword'],
  ['a WPS file', '旧稿.wps', OLE, 'application/vnd.ms-works'],
  ['a scan', '扫描件.jpeg', JPG, 'image/jpeg'],
])('%s is accepted and stored under its content hash', async (_what, fileName, content, mediaType) => {
  const res = await as('huangweiyan').upload(fileName, content);
  expect(res.status).toBe(201);
  expect(res.body.attachment).toMatchObject({ fileName, size: content.length });
  expect(res.body.attachment.mediaType).toContain(mediaType);
  const { sha256 } = res.body.attachment;
  expect(stored()).toContain(path.join(sha256.slice(0, 2), sha256));
  expect(stored().filter((f) => f.startsWith('incoming'))).toEqual([]);
});

test.each([
  ['a plain zip named .docx', 'a.docx', zip({ 'readme.txt': 'hello' }), 'DOCX'],
  ['word/ parts without [Content_Types].xml', 'b.docx', zip({ 'word/document.xml': '<w/>' }), 'DOCX'],
  ['a PDF named .docx', 'c.docx', PDF, 'DOCX'],
  ['a plain zip named .ofd', 'd.ofd', zip({ 'Doc_0/Document.xml': '<d/>' }), 'OFD'],
  ['a Word document named .ofd', 'e.ofd', docx(), 'OFD'],
  ['an OFD named .docx', 'f.docx', ofd(), 'DOCX'],
  ['a Word document named .xlsx', 'g.xlsx', docx(), 'XLSX'],
  ['a truncated zip header named .docx', 'h.docx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]), 'DOCX'],
  ['text named .pdf', 'i.pdf', Buffer.from('not a pdf at all'), 'PDF'],
  // file-type 16 loops forever on an ASF header object of size 0; it must never be handed one.
  ['a hostile ASF header named .wps', 'j.wps', ASF_LOOP, 'WPS'],
])('%s is refused with 415 and nothing is kept', async (_what, fileName, content, type) => {
  const before = stored();
  const rows = await api.stack.database.db.attachment.count();
  const res = await as('huangweiyan').upload(fileName, content);
  expect(res.status).toBe(415);
  expect(res.body.error).toEqual({
    code: 'unsupported_type',
    message: `文件内容不是 ${type} 文件`,
    fields: [{ field: 'body', reason: `文件内容与扩展名（${type}）不符` }],
  });
  expect(stored()).toEqual(before);
  expect(await api.stack.database.db.attachment.count()).toBe(rows);
});

test('a type not on the list, a name with a path and an empty file are refused as before', async () => {
  const exe = await as('huangweiyan').upload('setup.exe', Buffer.from('MZ'));
  expect([exe.status, exe.body.error.message]).toEqual([
    415,
    '只接受以下类型的文件：PDF、OFD、DOCX、XLSX、DOC、WPS、JPG、PNG、TIF',
  ]);
  const pathName = await as('huangweiyan').upload('../../etc/passwd.pdf', PDF);
  expect(pathName.body.error.fields).toEqual([
    { field: 'fileName', reason: '请填写文件名（不超过 200 个字符，不含路径）' },
  ]);
  const empty = await as('huangweiyan').upload('空.pdf', Buffer.alloc(0));
  expect([empty.status, empty.body.error.fields]).toEqual([400, [{ field: 'body', reason: '文件为空' }]]);
});

test('a file over the limit is refused with 413, whether its size is declared or only streamed', async () => {
  const before = stored();
  // The test stack takes at most 64 KiB.
  const big = Buffer.concat([PDF, Buffer.alloc(64 * 1024, 0x20)]);
  const declared = await as('huangweiyan').upload('大.pdf', big);
  expect(declared.status).toBe(413);
  expect(declared.body.error.message).toBe(`文件不得超过 ${64 * 1024} 字节`);

  // Chunked, without a Content-Length: refused while streaming, the partial file removed.
  const url = new URL('/api/attachments?fileName=big.pdf', api.baseUrl);
  const token = await signIn(api.stack.app, 'huangweiyan');
  const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/octet-stream',
          'Transfer-Encoding': 'chunked',
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (let i = 0; i < 20; i++) req.write(Buffer.alloc(8 * 1024, 0x20));
    req.end();
  });
  expect(streamed.status).toBe(413);
  expect(JSON.parse(streamed.body).error.code).toBe('too_large');
  expect(stored()).toEqual(before);
});

test('a download is never cached and never sniffed', async () => {
  const up = await as('huangweiyan').upload('不缓存.pdf', PDF);
  const res = await as('huangweiyan').download(`/api/attachments/${up.body.attachment.id}`);
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(Buffer.compare(res.body as Buffer, PDF)).toBe(0);
});
