/**
 * The interactive API docs in a real browser (Debian's chromium through playwright-core): /api/docs
 * renders every operation of the OpenAPI document from files served by Duban itself, under the
 * app's Content-Security-Policy, with no request to any other host.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { TOOLS } from '../helpers/paths';
import { useSeedDayApi } from '../helpers/seed-day-api';

jest.setTimeout(120_000);

const api = useSeedDayApi([], { listen: true });
const SHOTS = path.join(os.tmpdir(), 'duban-api-docs');
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Root in a container has no user namespace for Chromium's sandbox.
  browser = await chromium.launch({ executablePath: path.join(TOOLS, 'chromium'), args: ['--no-sandbox'] });
});

afterAll(() => browser?.close());

test('/api/docs shows every operation of the document, from local files only, within the CSP', async () => {
  const document = (await (await fetch(`${api.baseUrl}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);

  const page = await (await browser.newContext()).newPage();
  const elsewhere: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(api.baseUrl) && !r.url().startsWith('data:')) elsewhere.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto(`${api.baseUrl}/api/docs`);
  await page.waitForSelector('.opblock');
  await page.screenshot({ path: path.join(SHOTS, 'api-docs.png') });

  expect(await page.locator('.opblock').count()).toBe(operations);
  await expect(page.locator('.info .title').textContent()).resolves.toContain('Duban (督办) API');
  // An operation opens on its parameters and schema: the 拟办 form's 办理提示.
  const proposal = page.locator('#operations-directives-postDirectivesReceiptNumberProposal');
  await proposal.locator('.opblock-summary').click();
  await proposal.locator('.opblock-description-wrapper').first().waitFor();
  expect(await proposal.textContent()).toContain('Roles: CLERK');
  await page.screenshot({ path: path.join(SHOTS, 'api-docs-proposal.png'), fullPage: false });

  expect(elsewhere).toEqual([]);
  expect(problems).toEqual([]);
});
