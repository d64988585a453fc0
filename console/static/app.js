// The console's shell: hash router, layout (top bar with the app picker,
// sidebar, main), the sign-in screen and the 404 page. Pages are modules
// under ./pages/ that export `routes` (see notes/console-contract.md).

import { call, listAll, signedIn, signIn, signOut, keyId, onSignOut, ApiError } from './api.js';
import { h, replace, field, input, button, spinner, errorBox, emptyState, pageHeader, toast } from './ui.js';

const PAGE_MODULES = ['apps', 'settings', 'keys', 'templates', 'segments', 'campaigns', 'endpoints', 'analytics'];
const LAST_APP = 'inappd.console.lastApp';

// Sidebar of an app: [nav key, label, path under /apps/:appId].
const NAV = [
  ['overview', 'Overview', ''],
  ['campaigns', 'Campaigns', '/campaigns'],
  ['templates', 'Templates', '/templates'],
  ['segments', 'Segments', '/segments'],
  ['endpoints', 'Endpoints', '/endpoints'],
  ['keys', 'Client keys', '/keys'],
  ['settings', 'Settings', '/settings'],
];

const root = document.getElementById('root');
let routes = [];
const brokenModules = [];
let apps = null; // [{Id, Name, …}] once loaded
let renderToken = 0;

// ---- routing ----

function compile(route) {
  const parts = route.path.split('/').filter(Boolean);
  // More static segments first, so /templates/new wins over /templates/:name.
  const score = parts.map((p) => (p.startsWith(':') ? 1 : 2));
  return { ...route, parts, score };
}

function byScore(a, b) {
  for (let i = 0; i < Math.max(a.score.length, b.score.length); i++) {
    const d = (b.score[i] || 0) - (a.score[i] || 0);
    if (d) return d;
  }
  return 0;
}

function match(path) {
  const segs = path.split('/').filter(Boolean);
  for (const r of routes) {
    if (r.parts.length !== segs.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < segs.length; i++) {
      const p = r.parts[i];
      if (p.startsWith(':')) {
        try {
          params[p.slice(1)] = decodeURIComponent(segs[i]);
        } catch {
          ok = false;
        }
      } else if (p !== segs[i]) ok = false;
      if (!ok) break;
    }
    if (ok) return { route: r, params };
  }
  return null;
}

/** The current hash route: { path, query }. */
function current() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [path, qs = ''] = raw.split('?');
  return { path: path || '/', query: Object.fromEntries(new URLSearchParams(qs)) };
}

export function navigate(hashPath) {
  const target = '#' + (hashPath.startsWith('/') ? hashPath : '/' + hashPath);
  if (location.hash === target) render();
  else location.hash = target;
}

// ---- apps ----

async function loadApps(force = false) {
  if (apps && !force) return apps;
  apps = await listAll('/v1/apps', (r) => r);
  apps.sort((a, b) => (a.Name || '').localeCompare(b.Name || '') || a.Id.localeCompare(b.Id));
  return apps;
}

/** Forgets the cached app list (after a create or delete) and redraws the picker. */
export async function appsChanged() {
  apps = null;
  await loadApps(true).catch(() => null);
}

// ---- layout ----

function signInScreen(after) {
  document.title = 'Sign in · inappd console';
  const id = input({ name: 'access-key-id', autocomplete: 'username', spellcheck: 'false', autocapitalize: 'off', required: true, placeholder: 'AKIA…' });
  const secret = input({ name: 'secret-access-key', type: 'password', autocomplete: 'current-password', spellcheck: 'false', required: true });
  const msg = h('div', { class: 'signin-error', 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in');
  const form = h('form', {
    class: 'signin-form',
    'aria-labelledby': 'signin-title',
    on: {
      submit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        submit.textContent = 'Checking the key…';
        replace(msg);
        try {
          await signIn(id.value, secret.value);
          secret.value = '';
          after();
        } catch (err) {
          replace(msg, errorBox(err));
          secret.focus();
        } finally {
          submit.disabled = false;
          submit.textContent = 'Sign in';
        }
      },
    },
  },
    field('Access key ID', id),
    field('Secret access key', secret, 'The root key: INAPPD_ROOT_ACCESS_KEY_ID / INAPPD_ROOT_SECRET_ACCESS_KEY, or the key inappd printed on its first start. It stays in this tab only.'),
    msg,
    submit);
  replace(root,
    h('main', { id: 'main', class: 'signin', tabindex: '-1' },
      h('div', { class: 'signin-card' },
        h('div', { class: 'brand brand-large' }, logo(), h('span', { text: 'inappd' })),
        h('h1', { id: 'signin-title', class: 'signin-title', text: 'Sign in to the console' }),
        h('p', { class: 'muted', text: 'Requests are signed in your browser with SigV4, exactly like the AWS SDKs do.' }),
        form)));
  id.focus();
}

function logo() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 32 32');
  svg.setAttribute('class', 'logo');
  svg.setAttribute('aria-hidden', 'true');
  const parts = [
    ['rect', { width: 32, height: 32, rx: 8, class: 'logo-bg' }],
    ['rect', { x: 7, y: 9, width: 18, height: 14, rx: 3, class: 'logo-fg' }],
    ['rect', { x: 10, y: 17, width: 12, height: 3, rx: 1.5, class: 'logo-bg' }],
  ];
  for (const [tag, attrs] of parts) {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    svg.append(e);
  }
  return svg;
}

let shell = null;

function buildShell() {
  const picker = h('select', { id: 'app-picker', class: 'input app-picker', 'aria-label': 'App', on: { change: () => {
    const v = picker.value;
    if (v === '__new') navigate('/apps?create=1');
    else if (v === '__all') navigate('/apps');
    else if (v) navigate('/apps/' + encodeURIComponent(v) + appSubpath());
  } } });
  const menu = h('button', { type: 'button', class: 'btn btn-ghost btn-icon menu-btn', 'aria-label': 'Menu', 'aria-expanded': 'false', 'aria-controls': 'sidebar', on: { click: () => toggleNav() } }, '☰');
  const nav = h('nav', { id: 'sidebar', class: 'sidebar', 'aria-label': 'Sections' });
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const scrim = h('div', { class: 'scrim', on: { click: () => toggleNav(false) } });
  const who = h('span', { class: 'who', title: 'Signed in with this access key' });
  const top = h('header', { class: 'topbar' },
    menu,
    h('a', { class: 'brand', href: '#/apps' }, logo(), h('span', { text: 'inappd' })),
    h('div', { class: 'picker-wrap' }, h('label', { for: 'app-picker', class: 'picker-label', text: 'App' }), picker),
    h('div', { class: 'topbar-spacer' }),
    who,
    h('button', { type: 'button', class: 'btn btn-ghost', on: { click: () => doSignOut() } }, 'Sign out'));
  replace(root, top, h('div', { class: 'body' }, nav, scrim, main));
  shell = { picker, nav, main, menu, who };
  return shell;
}

function toggleNav(open) {
  const isOpen = open ?? !document.body.classList.contains('nav-open');
  document.body.classList.toggle('nav-open', isOpen);
  shell?.menu.setAttribute('aria-expanded', String(isOpen));
  if (isOpen) shell?.nav.querySelector('a')?.focus();
}

/** The part of the route after /apps/:appId, kept when switching apps (not for one object's page). */
function appSubpath() {
  const m = current().path.match(/^\/apps\/[^/]+(\/(campaigns|templates|segments|endpoints|keys|settings))?/);
  return m && m[1] ? m[1] : '';
}

function drawPicker(appId) {
  const p = shell.picker;
  const opts = [h('option', { value: '', text: apps && apps.length ? 'Choose an app…' : 'No apps yet', disabled: true })];
  for (const a of apps || []) opts.push(h('option', { value: a.Id, text: (a.Name || '(no name)') + ' · ' + a.Id.slice(0, 8) }));
  opts.push(h('option', { value: '__all', text: 'All apps' }), h('option', { value: '__new', text: '+ Create an app' }));
  p.replaceChildren(...opts);
  p.value = appId && (apps || []).some((a) => a.Id === appId) ? appId : '';
}

function drawNav(appId, active) {
  if (!appId) {
    replace(shell.nav,
      h('ul', { class: 'nav-list' },
        h('li', null, h('a', { href: '#/apps', class: 'nav-link', 'aria-current': active === 'apps' ? 'page' : null }, 'Apps'))),
      h('p', { class: 'nav-hint', text: 'Choose or create an app to see its campaigns, templates and segments.' }));
    return;
  }
  const base = '#/apps/' + encodeURIComponent(appId);
  replace(shell.nav,
    h('ul', { class: 'nav-list' },
      NAV.map(([key, label, sub]) => h('li', null,
        h('a', { href: base + sub, class: 'nav-link', 'aria-current': key === active ? 'page' : null, on: { click: () => toggleNav(false) } }, label)))),
    h('ul', { class: 'nav-list nav-secondary' },
      h('li', null, h('a', { href: '#/apps', class: 'nav-link', on: { click: () => toggleNav(false) } }, 'All apps'))));
}

function doSignOut() {
  signOut();
}

onSignOut(() => {
  apps = null;
  shell = null;
  document.body.classList.remove('nav-open');
  signInScreen(() => render());
});

// ---- rendering ----

function notFound(el, what = 'This page does not exist.') {
  replace(el,
    pageHeader('Not found'),
    emptyState(what, h('a', { class: 'btn btn-primary', href: '#/apps' }, 'Go to your apps')));
}

async function render() {
  const token = ++renderToken;
  if (!signedIn()) {
    shell = null;
    signInScreen(() => render());
    return;
  }
  const { path, query } = current();
  if (path === '/') {
    const last = localStorage.getItem(LAST_APP);
    await loadApps().catch(() => null);
    if (token !== renderToken) return;
    if (last && apps?.some((a) => a.Id === last)) navigate('/apps/' + encodeURIComponent(last));
    else if (apps?.length === 1) navigate('/apps/' + encodeURIComponent(apps[0].Id));
    else navigate('/apps');
    return;
  }
  if (!shell) buildShell();
  shell.who.textContent = keyId();
  const m = match(path);
  const appId = m?.params.appId || '';
  const main = shell.main;
  main.setAttribute('aria-busy', 'true');
  replace(main, spinner());

  try {
    await loadApps();
  } catch (err) {
    if (token !== renderToken) return;
    main.removeAttribute('aria-busy');
    replace(main, pageHeader('Cannot load your apps'), errorBox(err));
    return;
  }
  if (token !== renderToken) return;

  let app = null;
  if (appId) {
    app = apps.find((a) => a.Id === appId) || null;
    if (!app) {
      try {
        app = await call('GET', '/v1/apps/' + encodeURIComponent(appId));
        apps = null;
        await loadApps();
      } catch (err) {
        if (token !== renderToken) return;
        drawPicker('');
        drawNav('', '');
        main.removeAttribute('aria-busy');
        if (err instanceof ApiError && err.status === 404) notFound(main, 'There is no app with the ID ' + appId + '. It may have been deleted.');
        else replace(main, pageHeader('Cannot load the app'), errorBox(err));
        return;
      }
    }
    localStorage.setItem(LAST_APP, appId);
  }
  if (token !== renderToken) return;
  drawPicker(appId);
  drawNav(appId, m?.route.nav || '');

  if (!m) {
    main.removeAttribute('aria-busy');
    notFound(main, brokenModules.length ? 'This page does not exist (or its module failed to load: ' + brokenModules.join(', ') + ').' : 'This page does not exist.');
    focusMain(main);
    return;
  }

  const ctx = {
    appId,
    app,
    params: m.params,
    query,
    navigate,
    refreshApp: async () => {
      await appsChanged();
      ctx.app = apps?.find((a) => a.Id === appId) || ctx.app;
      if (shell) drawPicker(appId);
      return ctx.app;
    },
    appsChanged: async () => {
      await appsChanged();
      if (shell) drawPicker(appId);
    },
    /** False once the user navigated elsewhere: long-running pages stop polling. */
    get active() {
      return token === renderToken;
    },
  };
  document.title = (m.route.title || 'inappd') + (app ? ' · ' + (app.Name || app.Id) : '') + ' · inappd console';
  const el = h('div', { class: 'page' });
  try {
    await m.route.render(el, ctx);
  } catch (err) {
    if (token !== renderToken) return;
    console.error(err);
    replace(el, pageHeader(m.route.title || 'Error'), errorBox(err));
  }
  if (token !== renderToken) return;
  main.removeAttribute('aria-busy');
  replace(main, el);
  focusMain(main);
}

let lastFocusedPath = '';
function focusMain(main) {
  // Move focus to the new page's heading on navigation (not on redraws of the
  // same page), so keyboard and screen reader users land on the content.
  const path = current().path;
  if (path === lastFocusedPath) return;
  lastFocusedPath = path;
  const h1 = main.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: true });
  }
  main.scrollTop = 0;
  window.scrollTo(0, 0);
}

async function start() {
  for (const name of PAGE_MODULES) {
    try {
      const mod = await import('./pages/' + name + '.js');
      for (const r of mod.routes || []) routes.push(compile(r));
    } catch (err) {
      // One broken page must not take the whole console down.
      console.error('console: page module ' + name + ' failed to load', err);
      brokenModules.push(name);
    }
  }
  routes.sort(byScore);
  if (brokenModules.length) toast('Some pages failed to load: ' + brokenModules.join(', '), 'error');
  window.addEventListener('hashchange', () => render());
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a.skip-link');
    if (a) {
      e.preventDefault();
      const main = document.getElementById('main');
      main?.focus();
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && document.body.classList.contains('nav-open')) toggleNav(false);
  });
  render();
}

start();
