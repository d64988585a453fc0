// A marketer's day in the web console, in headless Chromium
// (playwright-core), against a real inappd. Started by test/console (go
// test), which runs inappd, serves the shop page (another origin, strict
// CSP) and checks afterwards on the server what happened. Every step is
// done the way a person does it: labels, buttons and links, no API calls
// from here.
//
//   sign in → create an app → write a template (see its preview) → build a
//   segment (see its size) → create a client key → the shop (the SDK with
//   that key) goes live → launch a campaign with the wizard → a shopper
//   adds to cart, sees the message, clicks its button → the dashboard
//   shows 1 display and 1 click → the endpoint page explains why.
//
// Configuration comes in E2E_CONFIG (JSON); the last line printed is
// "E2E_RESULT <json>".
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const cfg = JSON.parse(process.env.E2E_CONFIG || '{}');
// playwright-core lives in the SDK's node_modules (sdk/web), not beside this file.
const { chromium } = createRequire(join(cfg.sdkDir, 'package.json'))('playwright-core');

const shots = join(cfg.artifacts, 'console');
mkdirSync(shots, { recursive: true });
const t0 = Date.now();
const say = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const result = { steps: [] };
const problems = [];
function check(cond, msg, detail) {
  if (!cond) throw new Error('check failed: ' + msg + (detail !== undefined ? ' — got ' + JSON.stringify(detail) : ''));
}
let shotN = 0;
async function shot(page, name) {
  // Toasts of earlier steps would hide parts of the page.
  await page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
  const file = `${String(++shotN).padStart(2, '0')}-${name}.png`;
  await page.screenshot({ path: join(shots, file) });
  result.steps.push(file);
  say('screenshot', file);
}
async function until(what, fn, ms = 15000, every = 250) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}` + (last !== undefined ? ` (last: ${JSON.stringify(last)})` : ''));
}

function watch(page, name) {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${name}: console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
}

const browser = await chromium.launch({
  executablePath: cfg.chromium || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 }, reducedMotion: 'reduce' });
  const page = await ctx.newPage();
  watch(page, 'console');
  const main = page.locator('main');
  const nav = page.locator('nav#sidebar'); // the app's sections (Overview, Campaigns, …)
  const heading = (name) => page.getByRole('heading', { level: 1, name });
  const toastText = (text) => page.locator('.toast').filter({ hasText: text });

  // ---- 1. Sign in ----
  const resp = await page.goto(cfg.inappd + '/console/');
  check(resp.ok(), 'the console loads', resp.status());
  check(/script-src 'self'/.test(resp.headers()['content-security-policy'] || ''), 'the console is served with its CSP', resp.headers()['content-security-policy']);
  await page.getByLabel('Access key ID', { exact: true }).fill(cfg.rootId);
  await page.getByLabel('Secret access key', { exact: true }).fill(cfg.rootSecret);
  await shot(page, 'sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading('Apps').waitFor();

  // ---- 2. Create an app ----
  await page.getByRole('button', { name: 'Create app', exact: true }).click();
  await page.getByLabel('App name', { exact: true }).fill('Acme Outdoor');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(/#\/apps\/[0-9a-f]{32}$/);
  const appId = page.url().split('/').pop();
  result.appId = appId;
  await heading(/Overview/).waitFor();
  await page.getByText('No campaigns in this app yet.').waitFor();
  await shot(page, 'app-overview-empty');
  say('app', appId);

  // ---- 3. A template, with its preview ----
  await nav.getByRole('link', { name: 'Templates' }).click();
  await heading('Templates').waitFor();
  await main.getByRole('link', { name: /New template|Create your first template/ }).first().click();
  await heading('New template').waitFor();
  await page.getByLabel('Template name', { exact: true }).fill('summer-sale');
  await page.getByLabel('Description', { exact: true }).fill('Summer sale, modal with a deep link');
  await page.getByLabel('Layout', { exact: true }).selectOption('MOBILE_FEED');
  await page.getByLabel('Header', { exact: true }).fill('Summer sale');
  await page.getByLabel('Body', { exact: true }).fill('Everything 20% off today, on every trail shoe and tent.');
  await page.getByLabel('Primary button text', { exact: true }).fill('Shop the sale');
  await page.getByLabel('Primary button action', { exact: true }).selectOption('DEEP_LINK');
  await page.getByLabel('Primary button link', { exact: true }).fill('#sale');
  const preview = page.frameLocator('iframe.preview-iframe').first();
  await preview.getByRole('dialog').getByText('Summer sale').waitFor({ timeout: 10000 });
  await preview.getByRole('button', { name: 'Shop the sale' }).waitFor();
  await shot(page, 'template-preview');
  await page.getByRole('button', { name: 'Create template' }).click();
  await toastText('Template summer-sale created').waitFor();

  // ---- 4. A segment, with its estimate ----
  await nav.getByRole('link', { name: 'Segments' }).click();
  await heading('Segments').waitFor();
  await main.getByRole('link', { name: /New segment|Create your first segment/ }).first().click();
  await heading('New segment').waitFor();
  await page.getByLabel('Segment name', { exact: true }).fill('Gold members');
  if (!(await page.getByLabel('Rule 1 dimension', { exact: true }).count())) await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByLabel('Rule 1 dimension', { exact: true }).selectOption('userattr');
  await page.getByLabel('Rule 1 attribute name', { exact: true }).fill('plan');
  await page.getByLabel('Rule 1 values', { exact: true }).fill('gold');
  await until('the segment estimate', async () => /^\d/.test(((await page.locator('.estimate-value').first().textContent()) || '').trim()) && !(await page.locator('.estimate-value.estimate-stale').count()));
  await shot(page, 'segment-estimate');
  await page.getByRole('button', { name: 'Create segment' }).click();
  await toastText('Segment Gold members created').waitFor();

  // ---- 5. A client key for the shop ----
  await nav.getByRole('link', { name: 'Client keys' }).click();
  await heading('Client keys').waitFor();
  await page.getByLabel('Description', { exact: true }).fill('Web shop');
  await page.getByRole('button', { name: 'Create key' }).click();
  const box = page.getByRole('region', { name: 'New client key' });
  await box.waitFor();
  const keyId = ((await box.locator('.secret-value').first().textContent()) || '').trim();
  const secret = ((await page.locator('#new-secret').textContent()) || '').trim();
  check(/^AK/.test(keyId) && secret.length >= 20, 'the new key and its secret are shown', { keyId, secretLength: secret.length });
  result.keyId = keyId;
  await shot(page, 'client-key');

  // ---- 6. The shop goes live with the SDK and that key ----
  const shop = await ctx.newPage();
  watch(shop, 'shop');
  const shopCfg = { endpoint: cfg.inappd, appId, keyId, secret };
  const sr = await shop.goto(`${cfg.origin}/shop/index.html?cfg=${encodeURIComponent(JSON.stringify(shopCfg))}`);
  check(sr.ok(), 'the shop page loads', sr.status());
  await shop.waitForFunction(() => window.__ready === true, null, { timeout: 15000 });
  const endpointId = await shop.evaluate(() => window.inappd.getClient().endpointId);
  result.endpointId = endpointId;
  say('shop endpoint', endpointId);

  // ---- 7. The campaign wizard ----
  await page.bringToFront();
  await nav.getByRole('link', { name: 'Campaigns' }).click();
  await heading('Campaigns').waitFor();
  await main.getByRole('link', { name: /^Create (campaign|your first campaign)$/ }).first().click();
  await heading('Create campaign').waitFor();
  // 1 segment
  await page.getByLabel('Campaign name', { exact: true }).fill('Summer sale');
  await page.getByLabel('Description', { exact: true }).fill('20% off for gold members who add to cart');
  await page.getByLabel('Segment', { exact: true }).selectOption({ label: 'Gold members' });
  await page.locator('.estimate').filter({ hasText: 'endpoint in the audience' }).waitFor();
  check(((await page.locator('.estimate .estimate-value').textContent()) || '').trim() === '1', 'the wizard estimates the shop endpoint in the segment', await page.locator('.estimate').textContent());
  await shot(page, 'wizard-1-segment');
  await page.getByRole('button', { name: 'Next' }).click();
  // 2 message: the template
  await page.getByRole('heading', { name: '2. What: the message' }).waitFor();
  await page.getByLabel('Use a template', { exact: true }).check();
  await page.getByLabel('Template', { exact: true }).selectOption('summer-sale');
  const wizPreview = page.frameLocator('iframe.preview-iframe').first();
  await wizPreview.getByRole('dialog').getByText('Summer sale').waitFor({ timeout: 10000 });
  await shot(page, 'wizard-2-message');
  await page.getByRole('button', { name: 'Next' }).click();
  // 3 trigger
  await page.getByLabel('Event name', { exact: true }).fill('add_to_cart');
  await page.getByRole('button', { name: 'Add metric condition' }).click();
  await page.getByLabel('Metric name', { exact: true }).fill('price');
  await page.getByLabel('Metric comparison', { exact: true }).selectOption('GREATER_THAN');
  await page.getByLabel('Metric value', { exact: true }).fill('100');
  await page.getByText('When the app records “add_to_cart” where metric “price” is more than 100.').waitFor();
  await shot(page, 'wizard-3-trigger');
  await page.getByRole('button', { name: 'Next' }).click();
  // 4 schedule: starts now, ends in 30 days
  const end = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 16);
  await page.getByLabel('End date and time (optional)', { exact: true }).fill(end);
  // Quiet time far from now (device local time), so that it never hides the message.
  const hhmm = (h) => String(new Date(Date.now() + h * 3600000).getHours()).padStart(2, '0') + ':00';
  const quiet = [hhmm(6), hhmm(8)];
  result.quiet = quiet;
  await page.getByLabel('Quiet from', { exact: true }).fill(quiet[0]);
  await page.getByLabel('Quiet until', { exact: true }).fill(quiet[1]);
  await shot(page, 'wizard-4-schedule');
  await page.getByRole('button', { name: 'Next' }).click();
  // 5 caps and priority
  await page.getByLabel('Daily cap', { exact: true }).fill('3');
  await page.getByLabel('Total cap', { exact: true }).fill('10');
  await page.getByLabel('Priority', { exact: true }).selectOption('1');
  await shot(page, 'wizard-5-caps');
  await page.getByRole('button', { name: 'Next' }).click();
  // 6 review: what will be sent
  await page.getByRole('heading', { name: '6. Review and launch' }).waitFor();
  const sent = JSON.parse(await page.getByLabel('Request JSON', { exact: true }).textContent());
  check(sent.Name === 'Summer sale' && sent.TemplateConfiguration?.InAppTemplate?.Name === 'summer-sale', 'the review shows the request with the template', sent);
  check(sent.Schedule?.EventFilter?.Dimensions?.EventType?.Values?.[0] === 'add_to_cart' && sent.Schedule.Frequency === 'IN_APP_EVENT', 'the request has the trigger', sent.Schedule);
  check(sent.Limits?.Daily === 3 && sent.Limits?.Total === 10 && sent.Priority === 1, 'the request has the caps and priority', sent);
  await shot(page, 'wizard-6-review');
  await page.getByRole('button', { name: 'Launch campaign' }).click();
  await page.waitForURL(/#\/apps\/[0-9a-f]+\/campaigns\/[0-9a-f]{32}$/);
  const campaignId = page.url().split('/').pop();
  result.campaignId = campaignId;
  await heading('Summer sale').waitFor();
  await main.getByText('Executing', { exact: true }).first().waitFor();
  await page.frameLocator('iframe.preview-iframe').first().getByRole('dialog').getByText('Summer sale').waitFor({ timeout: 10000 });
  await shot(page, 'campaign-launched');
  say('campaign', campaignId);

  // ---- 8. A shopper adds to cart: the message shows, they click its button ----
  await shop.bringToFront();
  const ids = await shop.evaluate(() => window.inappd.syncMessages().then((ms) => ms.map((m) => m.id))); // the app syncs, as at each session start
  check(ids.includes(campaignId), 'the shop syncs the new campaign', ids);
  await shop.getByRole('button', { name: 'Add to cart' }).first().click();
  const dialog = shop.locator('[data-inappd] [role=dialog]');
  await dialog.waitFor({ timeout: 8000 });
  await shop.getByRole('dialog').getByText('Everything 20% off today').waitFor();
  await shot(shop, 'shop-message');
  await shop.getByRole('button', { name: 'Shop the sale' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 5000 });
  await shop.waitForURL(/#sale$/);
  await shop.evaluate(() => window.inappd.flushEvents());
  await until('the shop to send its events', () => shop.evaluate(() => window.inappd.getClient().queued === 0));
  check((await shop.evaluate(() => window.__violations)).length === 0, 'no CSP violation on the shop', await shop.evaluate(() => window.__violations));

  // ---- 9. The dashboard: 1 display, 1 click ----
  await page.bringToFront();
  await nav.getByRole('link', { name: 'Overview' }).click();
  const tile = (label) => page.getByRole('group', { name: new RegExp('^' + label + ': ') });
  await until('the dashboard to count the display and the click', async () => {
    const d = await tile('Displayed').getAttribute('aria-label').catch(() => '');
    const c = await tile('Clicked').getAttribute('aria-label').catch(() => '');
    if (d === 'Displayed: 1' && c === 'Clicked: 1') return true;
    await page.getByRole('button', { name: 'Last 7 days' }).click(); // redraws with fresh numbers
    await page.waitForTimeout(400);
    return false;
  }, 20000, 100);
  const row = main.getByRole('row').filter({ hasText: 'Summer sale' });
  const cells = await row.getByRole('cell').allTextContents();
  check(cells.slice(2, 7).join('|') === '1|1|0|1|100%', 'the campaign row: displayed, clicked, dismissed, endpoints, CTR', cells);
  await shot(page, 'dashboard');
  await row.getByRole('link', { name: 'Summer sale' }).click();
  await heading('Summer sale: analytics').waitFor();
  await tile('Clicked').waitFor();
  check((await tile('Clicked').getAttribute('aria-label')) === 'Clicked: 1', 'the campaign analytics count the click');
  await shot(page, 'campaign-analytics');

  // ---- 10. The endpoint: its events and why the campaign shows ----
  await nav.getByRole('link', { name: 'Endpoints' }).click();
  await heading('Endpoints').waitFor();
  await page.getByLabel('Look up by', { exact: true }).selectOption('user');
  await page.getByLabel('Endpoint ID or user ID', { exact: true }).fill('shopper-1');
  await page.getByRole('button', { name: 'Look up' }).click();
  await main.getByRole('link', { name: endpointId }).click();
  await heading(`Endpoint ${endpointId}`).waitFor();
  const verdict = main.getByRole('article', { name: /^Summer sale: Would show/ });
  await verdict.waitFor();
  check((await verdict.locator('.reason-fail').count()) === 0, 'every check passes for the shop endpoint', await verdict.textContent());
  await main.getByRole('cell', { name: '_inapp.message_clicked' }).waitFor();
  await page.getByRole('heading', { name: 'Why would a campaign show, or not?' }).evaluate((el) => { el.scrollIntoView({ block: 'start' }); window.scrollBy(0, -72); });
  await shot(page, 'endpoint-explain');
  await ctx.close();
} catch (e) {
  failed = true;
  say('FAIL', e.stack || String(e));
  try {
    for (const p of browser.contexts().flatMap((c) => c.pages())) await p.screenshot({ path: join(shots, `failure-${p.url().includes('/shop/') ? 'shop' : 'console'}.png`) });
  } catch {}
} finally {
  await browser.close();
}
for (const p of problems) say('PROBLEM', p);
console.log('E2E_RESULT ' + JSON.stringify({ ...result, failed, problems }));
process.exit(failed || problems.length ? 1 : 0);
