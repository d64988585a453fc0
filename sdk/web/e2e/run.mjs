// End-to-end scenarios in headless Chromium (playwright-core), against a
// real inappd. Started by test/websdk (go test), which sets up inappd, the
// apps, client keys and campaigns, serves the pages from another origin
// with a strict CSP, and afterwards checks on the server what the browser
// did. Configuration comes in E2E_CONFIG (JSON); the last line printed is
// "E2E_RESULT <json>" with the endpoint ID of each scenario.
//
//   E2E_CONFIG='{...}' node e2e/run.mjs [scenario...]
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const cfg = JSON.parse(process.env.E2E_CONFIG || '{}');
const only = process.argv.slice(2);
const result = { endpoints: {} };
const shots = join(cfg.artifacts, 'websdk');
mkdirSync(shots, { recursive: true });

const t0 = Date.now();
const say = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
function check(cond, msg, detail) {
  if (!cond) throw new Error('check failed: ' + msg + (detail !== undefined ? ' — got ' + JSON.stringify(detail) : ''));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- pages ----

const problems = []; // console errors and CSP violations nobody expected

function watch(page, name, { allowCORS = false, allowInlineStyle = false } = {}) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const t = m.text();
    if (allowCORS && /CORS|Failed to fetch|ERR_FAILED|net::/.test(t)) return;
    if (allowInlineStyle && /Applying inline style violates/.test(t)) return; // the csp scenario provokes one
    if (/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET|missing\.png|404 \(Not Found\)/.test(t)) return; // provoked on purpose
    problems.push(`${name}: console error: ${t}`);
  });
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
}

async function sdkPage(ctx, app, { options = {}, origin = cfg.origin, name = 'sdk', allowCORS = false } = {}) {
  const c = { endpoint: cfg.inappd, region: cfg.region, appId: app.appId, keyId: app.keyId, secret: app.secret, options };
  const page = await ctx.newPage();
  watch(page, name, { allowCORS });
  const resp = await page.goto(`${origin}/sdk/web/e2e/pages/sdk.html?cfg=${encodeURIComponent(JSON.stringify(c))}`);
  check(resp.ok(), 'test page loads', resp.status());
  await page.waitForFunction(() => window.__ready === true);
  return page;
}

const endpointOf = (page) => page.evaluate(() => inappd.getClient().endpointId);
const queued = (page) => page.evaluate(() => inappd.getClient().queued);
async function drained(page, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await queued(page)) === 0) return;
    await sleep(100);
  }
  throw new Error('events still queued after ' + ms + ' ms: ' + (await queued(page)));
}
const dispatch = (page, name, extra = {}) =>
  page.evaluate(([name, extra]) => inappd.dispatchEvent({ name, ...extra }).then((m) => m && m.id), [name, extra]);
const record = (page, name, extra = {}) =>
  page.evaluate(([name, extra]) => inappd.record({ name, ...extra }).then((m) => m && m.id), [name, extra]);
const syncIds = (page) => page.evaluate(() => inappd.syncMessages().then((ms) => ms.map((m) => m.id)));
const dialog = (page) => page.locator('[data-inappd] [role=dialog]');

/** What the renderer put on screen, and where focus is. */
const inspect = (page) =>
  page.evaluate(() => {
    const host = document.querySelector('[data-inappd]');
    if (!host) return null;
    const r = host.shadowRoot;
    const d = r.querySelector('[role=dialog]');
    const lab = d.getAttribute('aria-labelledby');
    const desc = d.getAttribute('aria-describedby');
    const cs = getComputedStyle(d);
    return {
      layout: host.dataset.inappd,
      modal: d.getAttribute('aria-modal'),
      label: lab ? r.getElementById(lab)?.textContent : d.getAttribute('aria-label'),
      description: desc ? r.getElementById(desc)?.textContent : null,
      focusInside: document.activeElement === host && !!r.activeElement && d.contains(r.activeElement),
      images: [...r.querySelectorAll('img.im')].map((i) => i.complete && i.naturalWidth > 0),
      buttons: [...r.querySelectorAll('.bt')].map((b) => b.textContent),
      background: cs.backgroundColor,
      overlayPosition: getComputedStyle(d.parentElement).position,
      rect: (({ x, y, width, height }) => ({ x, y, width, height }))(d.getBoundingClientRect()),
    };
  });

async function closeWithEscape(page) {
  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'detached', timeout: 5000 });
}

// ---- scenarios ----

const scenarios = {
  /** Every layout rendered, checked for accessibility, screenshotted; the carousel driven by keyboard, arrows, dots and swipe. */
  async layouts(browser) {
    const app = cfg.apps.layouts;
    const C = cfg.campaigns;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const page = await sdkPage(ctx, app, { name: 'layouts' });
    const ids = await syncIds(page);
    for (const k of ['top', 'middle', 'bottom', 'overlays', 'feed', 'carousel', 'broken']) check(ids.includes(C[k]), 'synced campaign ' + k, ids);

    const cases = [
      { key: 'top', event: 'show_top', layout: 'top_banner', modal: 'false', label: 'Free shipping this weekend', images: [true], y: 'top' },
      { key: 'middle', event: 'show_middle', layout: 'middle_banner', modal: 'false', label: 'Your cart misses you', images: [], y: 'middle' },
      { key: 'bottom', event: 'show_bottom', layout: 'bottom_banner', modal: 'false', label: 'Get the Acme app', images: [true], y: 'bottom' },
      { key: 'overlays', event: 'show_overlays', layout: 'full_screen', modal: 'true', label: 'The Summit Sale', images: [true], full: true },
      { key: 'feed', event: 'show_feed', layout: 'modal', modal: 'true', label: 'Welcome to Acme Outdoor', images: [true], y: 'middle' },
      { key: 'carousel', event: 'show_carousel', layout: 'carousel', modal: 'true', label: 'New arrivals', images: [true, true, true], y: 'middle' },
      { key: 'broken', event: 'show_broken', layout: 'modal', modal: 'true', label: 'No picture, no problem', images: [], y: 'middle' },
    ];
    for (const c of cases) {
      await page.focus('#trigger');
      const id = await dispatch(page, c.event);
      check(id === C[c.key], `dispatch ${c.event} returns its campaign`, id);
      await dialog(page).waitFor({ timeout: 8000 });
      const s = await inspect(page);
      check(s.layout === c.layout, c.key + ': layout', s.layout);
      check(s.modal === c.modal, c.key + ': aria-modal', s.modal);
      check(s.label === c.label, c.key + ': dialog labelled by its header', s.label);
      check(!!s.description, c.key + ': dialog described by its body', s.description);
      check(s.focusInside, c.key + ': focus moved into the dialog', s);
      check(JSON.stringify(s.images) === JSON.stringify(c.images), c.key + ': images preloaded (a failed one left out)', s.images);
      check(s.overlayPosition === 'fixed', c.key + ': fixed on screen', s.overlayPosition);
      if (c.full) check(s.rect.width === 1280 && s.rect.height === 800, c.key + ': full screen', s.rect);
      if (c.y === 'top') check(s.rect.y < 40, c.key + ': at the top', s.rect);
      if (c.y === 'bottom') check(s.rect.y + s.rect.height > 760, c.key + ': at the bottom', s.rect);
      if (c.y === 'middle') check(Math.abs(s.rect.y + s.rect.height / 2 - 400) < 20, c.key + ': centred', s.rect);
      await page.screenshot({ path: join(shots, `layout-${c.key}.png`) });
      say('layout', c.key, 'ok', JSON.stringify(s.rect));

      if (c.key === 'carousel') await carousel(page);
      if (c.key === 'middle') {
        // The Web override turns the default LINK into a DEEP_LINK to #cart.
        await page.locator('[data-inappd] .bt.p').click();
        await dialog(page).waitFor({ state: 'detached' });
        check((await page.evaluate(() => location.hash)) === '#cart', 'DEEP_LINK (Web override) followed');
        const last = await page.evaluate(() => window.__log.filter((l) => l.type === 'ActionTaken').pop());
        check(last.click.button === 'primary' && last.click.action === 'DEEP_LINK' && last.click.url === '#cart', 'click reported with the button', last);
        continue;
      }
      if (c.key === 'feed') {
        const rec = await page.evaluate((id) => window.__log.find((l) => l.type === 'Received' && l.id === id), C.feed);
        check(rec.customData?.coupon === 'WELCOME15', 'custom data handed to the app', rec);
        // Tab stays inside a modal dialog.
        for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
        check((await inspect(page)).focusInside, 'Tab keeps focus in the modal');
      }
      await closeWithEscape(page);
      const focused = await page.evaluate(() => document.activeElement?.id);
      check(focused === 'trigger', c.key + ': focus restored after ESC', focused);
    }

    // Phone-sized screenshots.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const key of ['top', 'feed', 'carousel', 'bottom']) {
      await dispatch(page, 'show_' + key);
      await dialog(page).waitFor();
      await page.screenshot({ path: join(shots, `layout-${key}-phone.png`) });
      await closeWithEscape(page);
    }
    await page.evaluate(() => inappd.flushEvents());
    await drained(page);
    const v = await page.evaluate(() => window.__violations);
    check(v.length === 0, 'no CSP violations while rendering every layout', v);
    result.endpoints.layouts = await endpointOf(page);
    await ctx.close();
  },

  /** The page runs under script-src 'self'; style-src 'self', which is really enforced, and the renderer's styles still apply. */
  async csp(browser) {
    const ctx = await browser.newContext({ viewport: { width: 1024, height: 700 }, reducedMotion: 'reduce' });
    const page = await ctx.newPage();
    watch(page, 'csp', { allowInlineStyle: true });
    const app = cfg.apps.layouts;
    const c = { endpoint: cfg.inappd, region: cfg.region, appId: app.appId, keyId: app.keyId, secret: app.secret };
    const resp = await page.goto(`${cfg.origin}/sdk/web/e2e/pages/sdk.html?cfg=${encodeURIComponent(JSON.stringify(c))}`);
    const policy = resp.headers()['content-security-policy'];
    check(policy === "script-src 'self'; style-src 'self'", 'the page is served with the strict CSP', policy);
    await page.waitForFunction(() => window.__ready === true);
    // The policy is enforced: an inline <style> is refused.
    const blocked = await page.evaluate(async () => {
      const s = document.createElement('style');
      s.textContent = 'body { outline: 7px solid red }';
      document.head.appendChild(s);
      await new Promise((r) => setTimeout(r, 50));
      return getComputedStyle(document.body).outlineStyle === 'none';
    });
    check(blocked, 'an inline <style> is blocked by the policy');
    check((await page.evaluate(() => window.__violations.length)) > 0, 'and reported as a violation');
    await page.evaluate(() => (window.__violations = []));
    await syncIds(page);
    check((await dispatch(page, 'show_feed')) === cfg.campaigns.feed, 'message dispatched under CSP');
    await dialog(page).waitFor();
    const styles = await page.evaluate(() => {
      const r = document.querySelector('[data-inappd]').shadowRoot;
      const d = r.querySelector('[role=dialog]');
      const p = r.querySelector('.bt.p');
      const cs = getComputedStyle(d);
      return {
        dialog: cs.backgroundColor, radius: cs.borderTopLeftRadius, primary: getComputedStyle(p).backgroundColor,
        primaryRadius: getComputedStyle(p).borderTopLeftRadius, overlay: getComputedStyle(d.parentElement).position,
      };
    });
    check(styles.overlay === 'fixed' && styles.radius === '20px', 'the renderer stylesheet applies under CSP', styles);
    check(styles.dialog === 'rgb(255, 255, 255)' && styles.primary === 'rgb(79, 70, 229)' && styles.primaryRadius === '12px', 'campaign colours apply under CSP', styles);
    await page.screenshot({ path: join(shots, 'csp-modal.png') });
    await closeWithEscape(page);
    const v = await page.evaluate(() => window.__violations);
    check(v.length === 0, 'the SDK caused no CSP violation', v);
    await ctx.close();
  },

  /** Click and dismiss produce the right events and count toward caps, locally and on the server; caps hold across reloads and tabs; sessions. */
  async flow(browser) {
    const app = cfg.apps.flow;
    const C = cfg.campaigns;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    let page = await sdkPage(ctx, app, { name: 'flow' });
    const ids = await syncIds(page);
    for (const k of ['promo', 'banner', 'session', 'retry']) check(ids.includes(C[k]), 'synced ' + k, ids);

    // promo (MOBILE_FEED, TotalCap 1): clicking the primary LINK opens the landing page in a new tab.
    check((await record(page, 'add_to_cart', { attributes: { sku: 'TR-200', category: 'trail-shoes' }, metrics: { price: 129 } })) === C.promo, 'promo shown');
    await dialog(page).waitFor();
    const [popup] = await Promise.all([ctx.waitForEvent('page'), page.locator('[data-inappd] .bt.p').click()]);
    await popup.waitForLoadState();
    check(popup.url().endsWith('/landing.html'), 'LINK opened in a new tab', popup.url());
    await popup.close();
    await dialog(page).waitFor({ state: 'detached' });
    check((await dispatch(page, 'add_to_cart')) === null, 'promo: total cap 1 holds locally');

    // banner (TOP_BANNER, DailyCap 1): dismissed with its close button.
    check((await dispatch(page, 'view_item')) === C.banner, 'banner shown');
    await dialog(page).waitFor();
    await page.locator('[data-inappd] .x').click();
    await dialog(page).waitFor({ state: 'detached' });

    // session (BOTTOM_BANNER, SessionCap 1, TotalCap 5): two events in a row, one message.
    const two = await page.evaluate(() =>
      Promise.all([inappd.dispatchEvent({ name: 'checkout' }), inappd.dispatchEvent({ name: 'checkout' })]).then((ms) => ms.map((m) => m && m.id)),
    );
    check(two[0] === C.session && two[1] === null, 'two events in a row: one message under a cap of 1', two);
    await dialog(page).waitFor();
    await closeWithEscape(page);

    await page.evaluate(() => inappd.flushEvents());
    await drained(page);
    // The server counted the displays: its answer leaves out the capped campaigns.
    const after = await syncIds(page);
    check(!after.includes(C.promo), 'server: promo left out after its total cap', after);
    check(!after.includes(C.banner), 'server: banner left out after its daily cap', after);
    check(after.includes(C.session), 'server: session campaign still live (client-side session cap)', after);
    const sessionId = await page.evaluate(() => inappd.getClient().session.id);

    // A reload: same session, caps hold.
    await page.reload();
    await page.waitForFunction(() => window.__ready === true);
    check((await page.evaluate(() => inappd.getClient().session.id)) === sessionId, 'the session survives a reload');
    check((await dispatch(page, 'checkout')) === null, 'session cap holds across a reload');
    check((await dispatch(page, 'add_to_cart')) === null, 'total cap holds across a reload');
    check((await dispatch(page, 'view_item')) === null, 'daily cap holds across a reload');

    // Another tab shares the session and the counts.
    const tab2 = await sdkPage(ctx, app, { name: 'flow-tab2' });
    check((await tab2.evaluate(() => inappd.getClient().session.id)) === sessionId, 'tabs share the session');
    check((await dispatch(tab2, 'checkout')) === null, 'session cap holds in another tab');
    await tab2.evaluate(() => window.dispatchEvent(new Event('visibilitychange')));
    check((await dispatch(tab2, 'checkout')) === null, 'switching tabs does not start a session (unlike Amplify)');
    await tab2.close();

    // A new session: the session cap starts again.
    await page.evaluate(async () => {
      inappd.stopSession();
      inappd.startSession();
      await inappd.syncMessages();
    });
    check((await page.evaluate(() => inappd.getClient().session.id)) !== sessionId, 'a new session');
    check((await dispatch(page, 'checkout')) === C.session, 'session cap reset by the new session');
    await dialog(page).waitFor();
    await page.locator('[data-inappd] .bt.s').click(); // secondary: CLOSE
    await dialog(page).waitFor({ state: 'detached' });
    await page.evaluate(() => inappd.flushEvents());
    await drained(page);
    const log = await page.evaluate(() => window.__log.map((l) => l.type + ':' + l.id));
    check(log.filter((l) => l === 'Displayed:' + C.session).length === 1, 'session campaign displayed again (this page load)', log);
    result.endpoints.flow = await endpointOf(page);
    await ctx.close();
  },

  /** Events recorded offline stay queued and arrive once when the network returns; a lost answer is retried without double counting. */
  async offline(browser) {
    const app = cfg.apps.flow;
    const ctx = await browser.newContext({ viewport: { width: 1024, height: 700 }, reducedMotion: 'reduce' });
    const page = await sdkPage(ctx, app, { name: 'offline' });
    await syncIds(page);
    await drained(page);
    const sent = [];
    page.on('request', (r) => r.url().endsWith('/events') && r.method() === 'POST' && sent.push(Date.now()));

    await ctx.setOffline(true);
    check((await page.evaluate(() => navigator.onLine)) === false, 'offline');
    for (const n of ['1', '2', '3']) await record(page, 'offline_event', { attributes: { n } });
    await page.evaluate(() => inappd.flushEvents());
    await sleep(1200);
    check((await queued(page)) === 3, 'offline: the events wait in the queue', await queued(page));
    check(sent.length === 0, 'offline: nothing was sent', sent.length);
    const stored = await page.evaluate((k) => JSON.parse(localStorage.getItem(k)).length, `inappd:${app.appId}:queue`);
    check(stored === 3, 'the queue is in localStorage', stored);
    await ctx.setOffline(false);
    await drained(page, 10000);
    check(sent.length === 1, 'online again: one request sends them', sent.length);
    say('offline: sent after the network came back');

    // The first PutEvents reaches the server but its answer is lost.
    let calls = 0;
    await page.route('**/v1/apps/*/events', async (route) => {
      if (calls++ === 0) {
        await route.fetch(); // the server stores the events…
        await route.abort('connectionreset'); // …and the page never hears back
      } else await route.continue();
    });
    await record(page, 'retry_event', { attributes: { kind: 'lost-answer' } });
    check((await dispatch(page, 'show_retry')) === cfg.campaigns.retry, 'retry campaign shown');
    await dialog(page).waitFor();
    await closeWithEscape(page);
    await page.evaluate(() => inappd.flushEvents());
    await drained(page, 10000);
    check(calls >= 2, 'the batch was sent again', calls);
    await page.unroute('**/v1/apps/*/events');

    // The last-chance send as a page is hidden (fetch keepalive, cross-origin with a preflight).
    await record(page, 'keepalive_event');
    await page.evaluate(() => inappd.getClient().flush(true));
    await drained(page, 5000);
    result.endpoints.offline = await endpointOf(page);
    await ctx.close();
  },

  /** CORS: the allowed origin gets the headers; another origin is refused by the browser. */
  async cors(browser) {
    const app = cfg.apps.flow;
    const ctx = await browser.newContext();
    const page = await sdkPage(ctx, app, { name: 'cors', options: { autoSession: false } });
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/inappmessages')),
      page.evaluate(() => inappd.syncMessages()),
    ]);
    check(resp.headers()['access-control-allow-origin'] === cfg.origin, 'allowed origin echoed', resp.headers());
    const exposed = (resp.headers()['access-control-expose-headers'] || '').toLowerCase();
    check(exposed.includes('x-amzn-requestid') && exposed.includes('date'), 'request id and date exposed', exposed);

    const other = await sdkPage(ctx, app, { name: 'cors-other', origin: cfg.altOrigin, options: { autoSession: false }, allowCORS: true });
    const err = await other.evaluate(() => inappd.syncMessages().then(() => 'resolved', (e) => e.name));
    check(err === 'NetworkError', 'a page from an origin not configured is refused', err);
    say('cors: allowed', cfg.origin, 'refused', cfg.altOrigin);
    await ctx.close();
  },

  /** The demo shop of examples/web. */
  async demo(browser) {
    const app = cfg.apps.demo;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const page = await ctx.newPage();
    watch(page, 'demo');
    const q = new URLSearchParams({ endpoint: cfg.inappd, appId: app.appId, keyId: app.keyId, secret: app.secret });
    await page.goto(`${cfg.origin}/examples/web/?${q}`);
    // The welcome banner comes with the session start.
    await dialog(page).waitFor({ timeout: 10000 });
    check((await inspect(page)).label === 'Welcome to Acme Outdoor', 'welcome banner');
    await page.screenshot({ path: join(shots, 'demo-welcome.png') });
    await closeWithEscape(page);
    // A $289 tent: the big-cart coupon (priority 1) with its custom data.
    await page.locator('button.add[data-sku="TN-2P"]').click();
    await dialog(page).waitFor();
    check((await inspect(page)).label === "Here's 15% off your order", 'big-cart coupon');
    await page.screenshot({ path: join(shots, 'demo-coupon.png') });
    await page.locator('[data-inappd] .bt.s').click();
    check((await page.locator('#status').textContent()).includes('TRAIL15'), 'custom data used by the app');
    // Trail shoes: the bottom banner (attribute CONTAINS).
    await page.locator('button.add[data-sku="TR-200"]').click();
    await dialog(page).waitFor();
    check((await inspect(page)).label === 'Complete the look', 'trail shoes banner');
    await page.screenshot({ path: join(shots, 'demo-shoes.png') });
    await closeWithEscape(page);
    await page.locator('#checkout').click();
    await dialog(page).waitFor();
    await page.screenshot({ path: join(shots, 'demo-checkout-carousel.png') });
    await closeWithEscape(page);
    await page.locator('nav a[href="#sale"]').click();
    await dialog(page).waitFor();
    await page.screenshot({ path: join(shots, 'demo-sale.png') });
    await closeWithEscape(page);
    await page.evaluate(() => inappd.flushEvents());
    await drained(page);
    result.endpoints.demo = await endpointOf(page);
    await ctx.close();
  },

  /** The real aws-amplify client, unchanged, against inappd. */
  async amplify(browser) {
    const app = cfg.apps.amplify;
    await esbuild.build({
      entryPoints: [join(here, 'amplify-page.js')],
      outfile: join(cfg.genDir, 'amplify.js'),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      minify: true,
      logLevel: 'warning',
    });
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    watch(page, 'amplify');
    const c = { endpoint: cfg.inappd, region: cfg.region, appId: app.appId, keyId: app.keyId, secret: app.secret };
    await page.goto(`${cfg.origin}/sdk/web/e2e/pages/amplify.html?cfg=${encodeURIComponent(JSON.stringify(c))}`);
    await page.waitForFunction(() => window.__ready === true);

    await page.evaluate(() =>
      window.__amp.identifyUser({ userId: 'amp-user-1', userProfile: { email: 'amp@example.com', customProperties: { plan: ['gold'] } } }),
    );
    await page.evaluate(() => window.__amp.syncMessages());
    await page.evaluate(() => window.__amp.dispatchEvent({ name: 'amp_purchase', attributes: { sku: 'A1' }, metrics: { price: 30 } }));
    const received = await page.evaluate(() => window.__amp.received.map((m) => ({ id: m.id, layout: m.layout, header: m.content[0]?.header?.content })));
    check(received.length === 1 && received[0].id === cfg.campaigns.amplify, 'onMessageReceived got the campaign', received);
    check(received[0].layout === 'MODAL' && received[0].header === 'Amplify, meet inappd', 'normalized by Amplify', received[0]);
    // What Amplify's UI would report: displayed, a click, a dismissal.
    const flushed = page.waitForResponse((r) => r.url().endsWith('/events') && r.request().method() === 'POST', { timeout: 20000 });
    await page.evaluate(() => {
      const m = window.__amp.received[0];
      for (const type of ['messageDisplayed', 'messageActionTaken', 'messageDismissed']) window.__amp.notifyMessageInteraction({ type, message: m });
    });
    const put = await flushed;
    check(put.status() === 202, 'PutEvents accepted', put.status());
    const body = await put.json();
    const codes = Object.values(body.Results).flatMap((r) => Object.values(r.EventsItemResponse).map((e) => e.StatusCode));
    check(codes.length >= 3 && codes.every((s) => s === 202), 'every event accepted', codes);
    await page.evaluate(() => window.__amp.dispatchEvent({ name: 'amp_purchase', attributes: { sku: 'A1' }, metrics: { price: 30 } }));
    check((await page.evaluate(() => window.__amp.received.length)) === 1, 'Amplify counted the display (TotalCap 1)');
    const [sync] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/inappmessages')),
      page.evaluate(() => window.__amp.syncMessages()),
    ]);
    const left = (await sync.json()).InAppMessageCampaigns.map((x) => x.CampaignId);
    check(!left.includes(cfg.campaigns.amplify), 'the server counted the display too', left);
    const reqs = await page.evaluate(() => window.__requests);
    check(reqs.some((r) => r.startsWith('PUT ')) && reqs.some((r) => r.startsWith('GET ')) && reqs.some((r) => r.startsWith('POST ')), 'UpdateEndpoint, GetInAppMessages, PutEvents', reqs);
    result.endpoints.amplify = await page.evaluate(
      (k) => JSON.parse(localStorage.getItem(k)).data,
      `aws-amplify-cacheInAppMessaging:pinpoint:${app.appId}`,
    );
    say('amplify: requests', JSON.stringify(reqs));
    await ctx.close();
  },
};

async function carousel(page) {
  const cur = () =>
    page.evaluate(() => {
      const r = document.querySelector('[data-inappd]').shadowRoot;
      return [...r.querySelectorAll('.dt')].findIndex((d) => d.getAttribute('aria-current') === 'true');
    });
  const visibleHeader = () =>
    page.evaluate(() => {
      const r = document.querySelector('[data-inappd]').shadowRoot;
      return [...r.querySelectorAll('.sl')].find((s) => !s.inert)?.querySelector('.hd')?.textContent;
    });
  check((await cur()) === 0, 'carousel starts at card 1');
  await page.keyboard.press('ArrowRight');
  check((await cur()) === 1, 'ArrowRight: card 2', await cur());
  check((await visibleHeader()) === 'Best sellers', 'card 2 is the one not inert');
  await page.screenshot({ path: join(shots, 'layout-carousel-2.png') });
  await page.locator('[data-inappd] .nx').click();
  check((await cur()) === 2, 'next arrow: card 3', await cur());
  check(await page.locator('[data-inappd] .nx').isDisabled(), 'no next after the last card');
  await page.locator('[data-inappd] .pv').click();
  check((await cur()) === 1, 'previous arrow: card 2');
  await page.locator('[data-inappd] .dt').first().click();
  check((await cur()) === 0, 'dot 1: card 1');
  // Swipe left with the pointer.
  const box = await page.locator('[data-inappd] .trk').boundingBox();
  await page.mouse.move(box.x + box.width * 0.8, box.y + 100);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + 100, { steps: 5 });
  await page.mouse.up();
  check((await cur()) === 1, 'swipe: card 2', await cur());
  await page.locator('[data-inappd] [role=dialog]').focus();
  await page.keyboard.press('ArrowLeft');
  check((await cur()) === 0, 'ArrowLeft: card 1');
  say('carousel: keyboard, arrows, dots and swipe ok');
}

// ---- main ----

const browser = await chromium.launch({
  executablePath: cfg.chromium || '/usr/bin/chromium',
  headless: true,
  // playwright-core gives every launch a fresh temporary profile (--user-data-dir).
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  for (const [name, fn] of Object.entries(scenarios)) {
    if (only.length && !only.includes(name)) continue;
    const s = Date.now();
    try {
      await fn(browser);
      say(`PASS ${name} (${((Date.now() - s) / 1000).toFixed(1)}s)`);
    } catch (e) {
      failed = true;
      say(`FAIL ${name}: ${e.stack || e}`);
    }
  }
} finally {
  await browser.close();
}
for (const p of problems) say('PROBLEM', p);
console.log('E2E_RESULT ' + JSON.stringify({ ...result, failed, problems }));
process.exit(failed || problems.length ? 1 : 0);
