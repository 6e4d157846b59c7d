/**
 * PDFs of the printed forms, made by headless Chromium from the very HTML page the print view
 * shows (api/forms/render.ts), so paper printed from the browser and the PDF download have one
 * layout. Chromium embeds the subsets of the Chinese TrueType faces it used (Debian's
 * fonts-arphic-gbsn00lp, fonts-arphic-uming and fonts-wqy-zenhei) with their text, so the PDF
 * reads, searches and copies the same on a machine without Chinese fonts.
 *
 * One browser per process, launched on the first PDF asked for, shared by every request (each in
 * a context of its own, without JavaScript or network), closed after a few idle minutes and
 * launched again when needed; one that crashed is replaced. The binary is found as
 * scripts/install-browser.sh finds it: CHROMIUM_PATH, else the tools/chromium link it makes, else
 * Debian's or Chrome's usual paths. Without a browser, or without a Chinese font, a PDF is
 * answered 503 with what to install; the HTML print view works regardless.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { HttpError } from '../errors';
import { ROOT } from '../../core/paths';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
/** A browser not asked for a PDF this long is closed (its memory is the API's). */
const IDLE_MS = 5 * 60_000;

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** The Chromium to print with, as scripts/install-browser.sh finds it, or undefined. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return [env.CHROMIUM_PATH, path.join(ROOT, 'tools', 'chromium'), ...CANDIDATES].find(
    (p): p is string => Boolean(p) && isExecutable(p!),
  );
}

export const NO_BROWSER =
  '服务器未安装 Chromium 浏览器，暂不能生成 PDF；请先用打印视图在浏览器中打印。' +
  '（运维：运行 bash scripts/install-browser.sh，或设置 CHROMIUM_PATH）';
/** The faces the forms are set in on the server (render.ts), and the Debian packages that hold them. */
export const PDF_FONTS: Record<string, string> = {
  'AR PL SungtiL GB': 'fonts-arphic-gbsn00lp',
  'AR PL UMing CN': 'fonts-arphic-uming',
  'WenQuanYi Zen Hei': 'fonts-wqy-zenhei',
};
const noFont = (packages: string[]) =>
  '服务器缺少排版表单所需的中文字体，暂不能生成 PDF；请先用打印视图在浏览器中打印。' +
  `（运维：运行 bash scripts/install-browser.sh，或安装 Debian 软件包 ${packages.join('、')}）`;
const unavailable = (code: string, message: string) =>
  new HttpError(503, code, message, undefined, { 'Retry-After': '60' });

let shared: Promise<Browser> | undefined;
let idle: NodeJS.Timeout | undefined;
let fontChecked = false;

/**
 * Whether fontconfig (what Chromium asks) has the forms' faces. Without them Chromium would fall
 * back to another face, perhaps one it can only draw as pictures: refused rather than a PDF whose
 * text is wrong. Checked until it holds.
 */
async function assertFonts(): Promise<void> {
  if (fontChecked) return;
  const has = (family: string) =>
    promisify(execFile)('fc-list', [family, 'family'], { timeout: 10_000 }).then(
      ({ stdout }) => stdout.trim() !== '',
      () => false,
    );
  const families = Object.keys(PDF_FONTS);
  const found = await Promise.all(families.map(has));
  const missing = families.filter((_, i) => !found[i]).map((f) => PDF_FONTS[f]!);
  if (missing.length) throw unavailable('pdf_no_font', noFont(missing));
  fontChecked = true;
}

async function launch(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw unavailable('pdf_unavailable', NO_BROWSER);
  try {
    // Loaded with the first PDF, not with the API: most processes never print one (~50 MB).
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath,
      // Chromium refuses to run its sandbox as root (a container); as any other user it keeps it.
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
      timeout: 30_000,
    });
    return browser;
  } catch (err) {
    throw unavailable('pdf_unavailable', `${NO_BROWSER}：${(err as Error).message.split('\n')[0]}`);
  }
}

function browser(): Promise<Browser> {
  if (!shared) {
    const launching = launch();
    shared = launching;
    // A browser that crashed or was closed, or a launch that failed, is launched again next time.
    const forget = () => {
      if (shared === launching) shared = undefined;
    };
    launching.then((b) => b.on('disconnected', forget), forget);
  }
  return shared;
}

function closeWhenIdle() {
  clearTimeout(idle);
  idle = setTimeout(() => void closePdfBrowser(), IDLE_MS);
  idle.unref();
}

/** Closes the shared browser, if one is open (tests, and the idle timer). */
export async function closePdfBrowser(): Promise<void> {
  clearTimeout(idle);
  const open = shared;
  shared = undefined;
  await open?.then((b) => b.close()).catch(() => undefined);
}

/** The HTML page as an A4 PDF, by the page's own print stylesheet. */
export async function pdfOf(html: string): Promise<Buffer> {
  await assertFonts();
  const context = await (await browser()).newContext({ javaScriptEnabled: false, offline: true });
  try {
    const page = await context.newPage();
    // Nothing is fetched: the page carries its style, and user text in it is escaped.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load', timeout: 30_000 });
    return await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true, tagged: true });
  } finally {
    await context.close().catch(() => undefined);
    closeWhenIdle();
  }
}
