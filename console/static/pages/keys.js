// Client keys: SigV4 keys that may only call the device operations of one
// app (UpdateEndpoint, GetInAppMessages, PutEvents…), safe to ship in the
// app. Create (the secret is shown once), list, revoke, and a ready-to-paste
// SDK snippet.

import { call } from '../api.js';
import { h, replace, pageHeader, card, field, input, button, errorBox, toast, confirmDialog, formatDate, table, copyButton, select } from '../ui.js';

// Secrets created in this page view, so the snippet can use them until
// the user leaves the page (never stored).
const fresh = new Map();

async function renderKeys(el, ctx) {
  fresh.clear();
  const base = '/inappd/v1/apps/' + encodeURIComponent(ctx.appId) + '/keys';
  const listSlot = h('div');
  const secretSlot = h('div');
  const snippetSlot = h('div');
  let keys = [];

  async function reload() {
    const r = await call('GET', base);
    keys = (r.Item || []).sort((a, b) => (b.CreationDate || '').localeCompare(a.CreationDate || ''));
    drawList();
    drawSnippet();
  }

  function drawList() {
    replace(listSlot, table([
      { label: 'Access key ID', render: (k) => h('code', { text: k.AccessKeyId }) },
      { label: 'Description', render: (k) => k.Description || h('span', { class: 'muted', text: '—' }) },
      { label: 'Created', render: (k) => formatDate(k.CreationDate) },
      { label: 'Actions', class: 'actions', render: (k) => button('Revoke', () => revoke(k), { kind: 'danger-outline', class: 'btn btn-sm btn-danger-outline', 'aria-label': 'Revoke key ' + k.AccessKeyId }) },
    ], keys, { empty: 'No client keys yet. Create one for each app build or website that shows in-app messages.', caption: 'Client keys' }));
  }

  async function revoke(k) {
    const ok = await confirmDialog('Revoke key ' + k.AccessKeyId + '?',
      'Apps using this key stop getting messages and can no longer record events or update their endpoints, at once. This cannot be undone.', 'Revoke key');
    if (!ok) return;
    try {
      await call('DELETE', '/inappd/v1/keys/' + encodeURIComponent(k.AccessKeyId));
      fresh.delete(k.AccessKeyId);
      replace(secretSlot);
      toast('Key ' + k.AccessKeyId + ' revoked', 'ok');
      await reload();
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  const desc = input({ name: 'key-description', maxlength: '256', autocomplete: 'off', placeholder: 'e.g. Web shop production' });
  const msg = h('div');
  const create = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create key');
  const form = h('form', {
    'aria-label': 'Create a client key',
    on: {
      submit: async (e) => {
        e.preventDefault();
        replace(msg);
        create.disabled = true;
        try {
          const k = await call('POST', base, { body: { Description: desc.value.trim() } });
          fresh.set(k.AccessKeyId, k.SecretAccessKey);
          desc.value = '';
          showSecret(k);
          await reload();
          snippetKey = k.AccessKeyId;
          drawSnippet();
        } catch (err) {
          replace(msg, errorBox(err));
        } finally {
          create.disabled = false;
        }
      },
    },
  },
    field('Description', desc, 'Where the key is used, so you know which one to revoke later.'),
    msg,
    create);

  function showSecret(k) {
    const secret = h('div', { class: 'secret-value', id: 'new-secret', text: k.SecretAccessKey });
    replace(secretSlot,
      h('div', { class: 'secret-box', role: 'region', 'aria-label': 'New client key' },
        h('strong', { text: 'Copy the secret now: it is shown only this once.' }),
        h('div', { class: 'field-label', text: 'Access key ID' }),
        h('div', { class: 'row' }, h('div', { class: 'secret-value', text: k.AccessKeyId }), copyButton(k.AccessKeyId, 'Copy key ID', { class: 'btn btn-sm' })),
        h('div', { class: 'field-label', text: 'Secret access key' }),
        h('div', { class: 'row' }, secret, copyButton(k.SecretAccessKey, 'Copy secret', { class: 'btn btn-sm btn-primary' })),
        h('div', { class: 'row' }, button('I have copied it', () => replace(secretSlot), { kind: 'ghost', class: 'btn btn-sm btn-ghost' }))));
    secretSlot.querySelector('.btn-primary')?.focus();
  }

  let snippetKey = '';
  let snippetKind = 'script';
  function drawSnippet() {
    if (!keys.length) {
      replace(snippetSlot, h('p', { class: 'muted', text: 'Create a client key first; the snippet uses it.' }));
      return;
    }
    if (!keys.some((k) => k.AccessKeyId === snippetKey)) snippetKey = keys[0].AccessKeyId;
    const picker = select(keys.map((k) => [k.AccessKeyId, k.AccessKeyId + (k.Description ? ' · ' + k.Description : '')]), snippetKey, {
      on: { change: () => { snippetKey = picker.value; drawSnippet(); } },
    });
    const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Snippet kind' },
      [['script', 'Script tag'], ['esm', 'npm / bundler']].map(([k, label]) => h('button', {
        type: 'button', role: 'tab', class: 'tab', id: 'snippet-tab-' + k, 'aria-selected': String(k === snippetKind), 'aria-controls': 'snippet-panel',
        tabindex: k === snippetKind ? '0' : '-1',
        on: { click: () => { snippetKind = k; drawSnippet(); snippetSlot.querySelector('#snippet-tab-' + k)?.focus(); },
          keydown: (e) => { if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') { snippetKind = snippetKind === 'script' ? 'esm' : 'script'; drawSnippet(); snippetSlot.querySelector('#snippet-tab-' + snippetKind)?.focus(); } } },
      }, label)));
    const code = snippet(snippetKind, ctx.appId, snippetKey, fresh.get(snippetKey));
    replace(snippetSlot,
      field('Key for the snippet', picker, fresh.has(snippetKey) ? 'The secret of this new key is filled in.' : 'The secret is not shown again: paste it where the snippet says.'),
      tabs,
      h('div', { id: 'snippet-panel', role: 'tabpanel', 'aria-labelledby': 'snippet-tab-' + snippetKind },
        h('pre', { class: 'code', tabindex: '0', 'aria-label': 'SDK snippet' }, h('code', { text: code })),
        h('div', { class: 'row' }, copyButton(code, 'Copy snippet', { class: 'btn btn-sm' }))),
      h('p', { class: 'muted small' },
        'The page that loads the SDK needs its origin in inappd\'s ', h('code', { text: '--cors-origins' }),
        ' (unless it is served from ' + location.origin + '), and a secure context: https, or http://localhost while developing.'));
  }

  replace(el,
    pageHeader('Client keys'),
    h('p', { class: 'muted', text: 'A client key may only update endpoints, fetch in-app messages and record events for this app: it is meant to be shipped inside your web or mobile app. Manage everything else with the root key.' }),
    card('Create a client key', form, secretSlot),
    card('Keys', listSlot),
    card('Add the SDK to your web app', snippetSlot));
  await reload();
}

const q = (s) => "'" + String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";

function snippet(kind, appId, keyId, secret) {
  const origin = location.origin;
  const conf = [
    '  appId: ' + q(appId) + ',',
    "  region: 'us-east-1',",
    '  endpoint: ' + q(origin) + ',',
    '  credentials: {',
    '    accessKeyId: ' + q(keyId) + ',',
    '    secretAccessKey: ' + q(secret || '<the secret shown when the key was created>') + ',',
    '  },',
  ];
  if (kind === 'esm') {
    return [
      '// npm install /path/to/inappd/sdk/web  (after `npm run build` there)',
      "import { init, identifyUser, record } from '@inappd/web';",
      '',
      'init({',
      ...conf,
      '});',
      '',
      "await identifyUser({ userId: 'user-123' });",
      "record({ name: 'app_opened' });",
    ].join('\n');
  }
  return [
    '<script type="module">',
    '  import { init, identifyUser, record } from ' + q(origin + '/console/vendor/inappd.mjs') + ';',
    '',
    '  init({',
    ...conf.map((l) => '  ' + l),
    '  });',
    '',
    "  await identifyUser({ userId: 'user-123' });",
    "  record({ name: 'app_opened' });",
    '</script>',
  ].join('\n');
}

export const routes = [{ path: '/apps/:appId/keys', title: 'Client keys', nav: 'keys', render: renderKeys }];
