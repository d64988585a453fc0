// Apps: the list of the account's apps and creating one. (Settings and
// deleting an app live on the app's Settings page.)

import { call, listAll } from '../api.js';
import { h, replace, pageHeader, table, formatDate, field, input, button, errorBox, emptyState, toast, copyButton } from '../ui.js';

async function renderApps(el, ctx) {
  const apps = await listAll('/v1/apps', (r) => r);
  apps.sort((a, b) => (b.CreationDate || '').localeCompare(a.CreationDate || ''));

  const formSlot = h('div');
  const openForm = () => {
    if (formSlot.firstChild) {
      formSlot.querySelector('input')?.focus();
      return;
    }
    replace(formSlot, createForm(ctx, () => replace(formSlot)));
    formSlot.querySelector('input')?.focus();
  };

  const list = table([
    { label: 'Name', render: (a) => h('a', { href: '#/apps/' + encodeURIComponent(a.Id) }, a.Name || '(no name)') },
    { label: 'App ID', render: (a) => h('span', { class: 'row' }, h('code', { text: a.Id }), copyButton(a.Id, 'Copy', { class: 'btn btn-ghost btn-sm', 'aria-label': 'Copy the ID of ' + (a.Name || a.Id) })) },
    { label: 'Created', render: (a) => formatDate(a.CreationDate) },
    { label: 'Actions', class: 'actions', render: (a) => h('span', { class: 'row row-end' },
      h('a', { class: 'btn btn-sm', href: '#/apps/' + encodeURIComponent(a.Id) + '/templates', 'aria-label': 'Templates of ' + (a.Name || a.Id) }, 'Templates'),
      h('a', { class: 'btn btn-sm', href: '#/apps/' + encodeURIComponent(a.Id) + '/settings', 'aria-label': 'Settings of ' + (a.Name || a.Id) }, 'Settings')) },
  ], apps, { caption: 'Apps' });

  replace(el,
    pageHeader('Apps', button('Create app', openForm, { kind: 'primary' })),
    formSlot,
    apps.length ? list : emptyState('You have no apps yet. An app holds its endpoints (devices), segments and campaigns; templates are shared by all apps.', button('Create your first app', openForm, { kind: 'primary' })));
  if (ctx.query.create) openForm();
}

function createForm(ctx, onCancel) {
  const name = input({ name: 'app-name', required: true, maxlength: '128', autocomplete: 'off', placeholder: 'e.g. Web shop' });
  const msg = h('div');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create');
  const form = h('form', {
    class: 'card',
    'aria-label': 'Create an app',
    on: {
      submit: async (e) => {
        e.preventDefault();
        replace(msg);
        if (!name.value.trim()) {
          name.setAttribute('aria-invalid', 'true');
          replace(msg, errorBox(new Error('Give the app a name.')));
          name.focus();
          return;
        }
        submit.disabled = true;
        try {
          const app = await call('POST', '/v1/apps', { body: { Name: name.value.trim() } });
          toast('App ' + app.Name + ' created', 'ok');
          await ctx.appsChanged?.();
          ctx.navigate('/apps/' + encodeURIComponent(app.Id));
        } catch (err) {
          replace(msg, errorBox(err));
        } finally {
          submit.disabled = false;
        }
      },
    },
  },
    h('h2', { class: 'card-title', text: 'Create an app' }),
    field('App name', name, 'Shown in the console only; your code uses the app ID.'),
    msg,
    h('div', { class: 'row' }, submit, button('Cancel', onCancel, { kind: 'ghost' })));
  return form;
}

export const routes = [{ path: '/apps', title: 'Apps', nav: 'apps', render: renderApps }];

