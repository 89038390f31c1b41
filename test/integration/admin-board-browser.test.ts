// Bull Board in a real headless Chromium: a browser without a session is sent to the login form, a
// non-admin token is refused there, an admin lands on the board and sees both regions' queues and
// a waiting job; logout ends it; a page on a sibling subdomain can't post to /admin. Leaves a
// screenshot of the board in test/output/bull-board.png.
// Chromium: /usr/bin/chromium, or SLUICE_TEST_CHROMIUM.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN_TOKEN, REPO, shellJob, Stack } from '../support/stack.ts';

const TEAM_TOKEN = 'team-token-not-admin-0123';
const CHROMIUM = process.env.SLUICE_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = join(REPO, 'test/output/bull-board.png');
/** Names the browser resolves to the stack (127.0.0.1): admin.<SITE> for the board, evil.<SITE> for a sibling. */
const SITE = 'sluice.test';

let stack: Stack;
let browser: Browser;
let jobId: string;

before(async () => {
  // No workers: the job waits in local-a's submit queue, where the board shows it.
  stack = await Stack.start({
    regions: ['local-a', 'local-b'],
    startWorkers: false,
    tokens: [
      { token: ADMIN_TOKEN, principal: 'admin', regions: ['*'], admin: true },
      { token: TEAM_TOKEN, principal: 'airflow', regions: ['*'], admin: false },
    ],
  });
  const job = await stack.submit(shellJob('local-a', 'echo hello board'));
  assert.equal(job.status, 202);
  jobId = job.body.id;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', `--host-resolver-rules=MAP *.${SITE} 127.0.0.1`] });
});

after(async () => {
  // Always, whatever failed: no Chromium outlives the file.
  await browser?.close();
  await stack?.close();
});

/** A fresh browser profile (no cookies) that never reaches past the stack (Bull Board links a web font). */
async function newPage(): Promise<{ context: BrowserContext; page: Page; urls: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: stack.api });
  await context.route((url) => url.origin !== new URL(stack.api).origin, (route) => route.abort());
  const page = await context.newPage();
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return { context, page, urls };
}

async function submitToken(page: Page, token: string) {
  await page.fill('#token', token);
  const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return response;
}

test('a browser without a session gets the login page, and no board data', async () => {
  const { context, page } = await newPage();
  await page.goto('/admin/queues');
  assert.equal(new URL(page.url()).pathname, '/admin/login');
  assert.equal(await page.locator('h1').innerText(), 'Sluice admin');
  assert.equal(await page.locator('#token').getAttribute('type'), 'password');
  const api = await context.request.get('/admin/queues/api/queues');
  assert.equal(api.status(), 401);
  await context.close();
});

test('a non-admin token is refused at the login form; no session', async () => {
  const { context, page, urls } = await newPage();
  await page.goto('/admin/login');
  const response = await submitToken(page, TEAM_TOKEN);
  assert.equal(response?.status(), 403);
  assert.match(await page.locator('.error').innerText(), /admin required/);
  assert.deepEqual(await context.cookies(), []);
  await page.goto('/admin/queues');
  assert.equal(new URL(page.url()).pathname, '/admin/login');
  assert.ok(urls.every((u) => !u.includes(TEAM_TOKEN)), urls.join('\n'));
  await context.close();
});

test('an admin logs in through the form and sees both regions\' queues and the waiting job; then logs out', async () => {
  const { context, page, urls } = await newPage();
  await page.goto('/admin/queues');
  await submitToken(page, ADMIN_TOKEN);
  assert.equal(new URL(page.url()).pathname, '/admin/queues');

  const cookies = await context.cookies();
  assert.equal(cookies.length, 1);
  assert.deepEqual([cookies[0]!.name, cookies[0]!.httpOnly, cookies[0]!.sameSite, cookies[0]!.path], ['sluice_admin', true, 'Strict', '/admin']);
  assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the session cookie');

  // The overview: a card per queue, named "<region> · <kind>"; the menu has a folder per region.
  for (const region of ['local-a', 'local-b']) {
    for (const kind of ['submit', 'control']) await page.getByText(`${region} · ${kind}`, { exact: true }).waitFor();
  }
  await page.getByText('webhooks · deliveries', { exact: true }).waitFor();
  const menu = page.getByRole('link', { name: 'submit-local-a', exact: true });
  for (const name of ['submit-local-a', 'control-local-a', 'submit-local-b', 'control-local-b', 'webhooks']) {
    await page.getByRole('link', { name, exact: true }).waitFor();
  }

  await menu.click();
  await page.getByText(jobId, { exact: true }).waitFor();
  assert.match(page.url(), /\/admin\/queues\/queue\/local-a%2Fsubmit-local-a/);
  mkdirSync(join(REPO, 'test/output'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  console.log(`Bull Board screenshot: ${SCREENSHOT}`);

  assert.ok(urls.every((u) => !u.includes(ADMIN_TOKEN)), urls.join('\n'));

  await page.goto('/admin/logout');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  assert.equal(new URL(page.url()).pathname, '/admin/login');
  assert.deepEqual(await context.cookies(), []);
  await page.goto('/admin/queues');
  assert.equal(new URL(page.url()).pathname, '/admin/login');
  await context.close();
});

test('a page on a sibling subdomain (same site: the Strict cookie goes along) cannot post to /admin', async () => {
  const port = new URL(stack.api).port;
  const board = `http://admin.${SITE}:${port}`;
  const sibling = `http://evil.${SITE}:${port}`;
  const context = await browser.newContext({ baseURL: board });
  // The sibling's page, made up here: it posts the logout form as soon as it loads.
  const evilPage = `<!doctype html><form method="post" action="${board}/admin/logout"></form><script>document.forms[0].submit()</script>`;
  await context.route((url) => url.origin === sibling, (route) => route.fulfill({ contentType: 'text/html', body: evilPage }));
  await context.route((url) => url.origin !== board && url.origin !== sibling, (route) => route.abort());
  const page = await context.newPage();
  await page.goto('/admin/login');
  await submitToken(page, ADMIN_TOKEN);
  assert.equal(new URL(page.url()).pathname, '/admin/queues');

  const [response] = await Promise.all([page.waitForResponse(`${board}/admin/logout`), page.goto(`${sibling}/`)]);
  const sent = await response.request().allHeaders();
  assert.match(sent.cookie ?? '', /sluice_admin=/, 'same site: the browser sent the session cookie');
  // (Over plain http to a name the browser sends no Sec-Fetch-Site; the Origin gives it away.)
  assert.equal(sent.origin, sibling);
  assert.equal(response.status(), 403);
  assert.equal((await response.json()).error.code, 'CROSS_SITE_REQUEST');

  // Still logged in.
  await page.goto('/admin/queues');
  assert.equal(new URL(page.url()).pathname, '/admin/queues');
  // (In the page: Playwright's own request client would resolve the made-up name by DNS.)
  assert.equal(await page.evaluate(async () => (await fetch('/admin/queues/api/queues')).status), 200);
  await context.close();
});
