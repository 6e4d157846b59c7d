/**
 * The UI's tests in a real browser (Debian's chromium through playwright-core): one browser per
 * test file, each person in a context of his own, signed in through the login form; screenshots
 * kept under the system's temporary folder, to look at after a run.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../scripts/demo-organisation';
import { TOOLS } from './paths';

/** Registers the file's hooks; `baseUrl` is read when a page opens (the app listens in its own hook). */
export function useBrowser(baseUrl: () => string, shotsFolder = 'duban-web') {
  let browser!: Browser;
  const shots = path.join(os.tmpdir(), shotsFolder);

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    // Root in a container has no user namespace for Chromium's sandbox.
    browser = await chromium.launch({ executablePath: path.join(TOOLS, 'chromium'), args: ['--no-sandbox'] });
  });
  afterAll(() => browser?.close());

  return {
    get browser() {
      return browser;
    },
    /** Where a screenshot of this name goes. */
    shot: (name: string) => path.join(shots, name),
    /** A browser of this person's own, signed in through the login form. */
    signedIn: async (username: string, password = DEMO_PASSWORD): Promise<Page> => {
      const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
      await page.goto(`${baseUrl()}/#/login`);
      await page.fill('input[name=username]', username);
      await page.fill('input[name=password]', password);
      await page.click('form[data-step="登录"] button');
      // The sign-in is over once it says so: a test's next page then starts with nothing flashed.
      await page.waitForSelector('#flash.ok:has-text("登录：已完成")');
      await page.waitForSelector('#who:has-text("退出")');
      return page;
    },
  };
}
