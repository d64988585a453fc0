// An app's settings: its details, the default caps for in-app messages
// and quiet time (UpdateApplicationSettings), and deleting the app.

import { call } from '../api.js';
import { h, replace, pageHeader, card, field, input, button, errorBox, toast, confirmDialog, formatDate, copyButton } from '../ui.js';

const CAPS = [
  ['Daily', 'Per day', 'At most this many displays of one campaign per endpoint per day (the endpoint\'s local day). 1–100; empty: no cap.', 1, 100],
  ['Session', 'Per session', 'At most this many displays of one campaign per session (the SDK counts sessions). 1–100; empty: no cap.', 1, 100],
  ['Total', 'In total', 'At most this many displays of one campaign per endpoint, ever. 1–100; empty: no cap.', 1, 100],
];
const OTHER = [
  ['MaximumDuration', 'Maximum duration (seconds)', 'Kept for Pinpoint clients; in-app delivery does not use it. 60 or more; empty: none.', 60, 2147483647],
  ['MessagesPerSecond', 'Messages per second', 'Kept for Pinpoint clients; in-app delivery does not use it. 1–20000; empty: none.', 1, 20000],
];

async function renderSettings(el, ctx) {
  const path = '/v1/apps/' + encodeURIComponent(ctx.appId);
  const [app, settings] = await Promise.all([call('GET', path), call('GET', path + '/settings')]);
  const limits = settings.Limits || {};
  const quiet = settings.QuietTime || {};

  const num = (key, min, max) => input({ type: 'number', name: key, min: String(min), max: String(max), step: '1', inputmode: 'numeric', value: limits[key] ? String(limits[key]) : '', placeholder: 'No cap' });
  const capInputs = Object.fromEntries(CAPS.map(([k, , , lo, hi]) => [k, num(k, lo, hi)]));
  const otherInputs = Object.fromEntries(OTHER.map(([k, , , lo, hi]) => [k, num(k, lo, hi)]));
  const qStart = input({ type: 'time', name: 'quiet-start', value: quiet.Start || '' });
  const qEnd = input({ type: 'time', name: 'quiet-end', value: quiet.End || '' });
  const msg = h('div');
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save settings');

  const form = h('form', {
    'aria-label': 'App settings',
    on: {
      submit: async (e) => {
        e.preventDefault();
        replace(msg);
        const Limits = {};
        for (const [k, inp] of Object.entries({ ...capInputs, ...otherInputs })) {
          inp.removeAttribute('aria-invalid');
          if (inp.value.trim() === '') continue;
          const v = Number(inp.value);
          if (!Number.isInteger(v) || v < Number(inp.min) || v > Number(inp.max)) {
            inp.setAttribute('aria-invalid', 'true');
            replace(msg, errorBox(new Error(k + ' must be a whole number from ' + inp.min + ' to ' + inp.max + ', or empty.')));
            inp.focus();
            return;
          }
          Limits[k] = v;
        }
        if ((qStart.value === '') !== (qEnd.value === '')) {
          replace(msg, errorBox(new Error('Quiet time needs both a start and an end (or neither).')));
          (qStart.value ? qEnd : qStart).focus();
          return;
        }
        save.disabled = true;
        try {
          await call('PUT', path + '/settings', { body: { Limits, QuietTime: { Start: qStart.value.slice(0, 5), End: qEnd.value.slice(0, 5) } } });
          toast('Settings saved', 'ok');
        } catch (err) {
          replace(msg, errorBox(err));
        } finally {
          save.disabled = false;
        }
      },
    },
  },
    card('Default caps for in-app messages',
      h('p', { class: 'muted', text: 'Campaigns without caps of their own use these. Displays are counted from the _inapp.message_displayed events the SDK records.' }),
      h('div', { class: 'grid-3' }, CAPS.map(([k, label, help]) => field(label, capInputs[k], help)))),
    card('Quiet time',
      h('p', { class: 'muted', text: 'No in-app messages between these times, in each endpoint\'s own time zone (the SDK enforces it). Leave both empty for none.' }),
      h('div', { class: 'grid-2' }, field('Quiet time starts', qStart, '24-hour HH:MM'), field('Quiet time ends', qEnd, '24-hour HH:MM'))),
    card('Other limits',
      h('div', { class: 'grid-2' }, OTHER.map(([k, label, help]) => field(label, otherInputs[k], help)))),
    msg,
    h('div', { class: 'row' }, save, settings.LastModifiedDate ? h('span', { class: 'muted small', text: 'Last saved ' + formatDate(settings.LastModifiedDate) }) : null));

  const del = button('Delete app…', async () => {
    const ok = await confirmDialog('Delete ' + (app.Name || app.Id) + '?',
      'This deletes the app with all its endpoints, segments, campaigns, events and client keys. Templates are shared and stay. This cannot be undone.', 'Delete app');
    if (!ok) return;
    try {
      await call('DELETE', path);
      toast('App ' + (app.Name || app.Id) + ' deleted', 'ok');
      localStorage.removeItem('inappd.console.lastApp');
      await ctx.appsChanged?.();
      ctx.navigate('/apps');
    } catch (err) {
      toast(err.message, 'error');
    }
  }, { kind: 'danger-outline' });

  replace(el,
    pageHeader('Settings'),
    card('App',
      h('dl', { class: 'kv' },
        h('dt', null, 'Name'), h('dd', null, app.Name || '—'),
        h('dt', null, 'App ID'), h('dd', { class: 'row' }, h('code', { text: app.Id }), copyButton(app.Id, 'Copy', { class: 'btn btn-ghost btn-sm', 'aria-label': 'Copy app ID' })),
        h('dt', null, 'ARN'), h('dd', null, h('code', { text: app.Arn || '—' })),
        h('dt', null, 'Created'), h('dd', null, formatDate(app.CreationDate)))),
    form,
    h('hr', { class: 'divider' }),
    card('Danger zone',
      h('p', { class: 'muted', text: 'Deleting an app removes everything in it.' }),
      del));
}

export const routes = [{ path: '/apps/:appId/settings', title: 'Settings', nav: 'settings', render: renderSettings }];
