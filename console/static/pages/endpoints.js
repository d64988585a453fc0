// Endpoints: look one up by endpoint ID (GetEndpoint) or user ID
// (GetUserEndpoints); see everything stored about it, its recent events,
// why each campaign would or would not show for it (the explain
// extension), and send it a campaign as a test (the test-sends extension).

import { call, listAll, ApiError } from '../api.js';
import { h, replace, field, input, select, button, table, pageHeader, card, badge, emptyState, spinner, errorBox, toast, formatDate, formatNumber } from '../ui.js';
import { stateBadge } from './campaigns.js';

const enc = encodeURIComponent;

/** Whether GetInAppMessages would answer anything for this endpoint, and if not why. */
export function reachability(e) {
  if (e.ChannelType && e.ChannelType !== 'IN_APP') return [false, `Its channel is ${e.ChannelType}: only IN_APP endpoints get in-app messages.`];
  if (e.OptOut === 'ALL') return [false, 'It opted out of everything (OptOut ALL).'];
  if (e.EndpointStatus === 'INACTIVE') return [false, 'It is INACTIVE (another endpoint took its address, or it was deactivated).'];
  return [true, 'It can receive in-app messages.'];
}

function kv(obj, format = (v) => v) {
  const entries = Object.entries(obj || {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (!entries.length) return h('p', { class: 'muted', text: 'None.' });
  return h('dl', { class: 'kv' }, entries.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: format(v) })]));
}
const joinValues = (v) => (Array.isArray(v) ? v.join(', ') : String(v));

// ---------------------------------------------------------------------------
// Lookup

function lookupForm(ctx, { by = 'endpoint', value = '' } = {}) {
  const kind = select([['endpoint', 'Endpoint ID'], ['user', 'User ID']], by);
  const box = input({ value, autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. 5b0c…, or the user ID your app sets' });
  const form = h('form', { class: 'lookup-form', role: 'search', 'aria-label': 'Look up an endpoint', on: { submit: (e) => {
    e.preventDefault();
    const v = box.value.trim();
    if (!v) return box.focus();
    if (kind.value === 'user') ctx.navigate(`/apps/${ctx.appId}/endpoints?user=${enc(v)}`);
    else ctx.navigate(`/apps/${ctx.appId}/endpoints/${enc(v)}`);
  } } },
    h('div', { class: 'lookup-kind' }, field('Look up by', kind)),
    h('div', { class: 'lookup-value' }, field('Endpoint ID or user ID', box)),
    h('button', { type: 'submit', class: 'btn btn-primary lookup-submit' }, 'Look up'));
  return form;
}

async function renderLookup(el, ctx) {
  const user = ctx.query.user || '';
  const parts = [
    pageHeader('Endpoints'),
    card(null,
      h('p', { class: 'muted', text: 'An endpoint is one installation of your app (a browser, a phone). Find one by its endpoint ID, or all of a user’s by their user ID.' }),
      lookupForm(ctx, { by: user ? 'user' : 'endpoint', value: user })),
  ];
  if (user) {
    try {
      const r = await call('GET', `/v1/apps/${enc(ctx.appId)}/users/${enc(user)}`);
      const items = (r && r.Item) || [];
      parts.push(card(`Endpoints of user “${user}”`, table([
        { label: 'Endpoint', render: (e) => h('a', { href: `#/apps/${ctx.appId}/endpoints/${enc(e.Id)}`, text: e.Id }) },
        { label: 'Channel', render: (e) => e.ChannelType || '—' },
        { label: 'Receives in-app', render: (e) => (reachability(e)[0] ? badge('Yes', 'ok') : badge('No', 'warn')) },
        { label: 'Platform', render: (e) => [e.Demographic && e.Demographic.Platform, e.Demographic && e.Demographic.Make].filter(Boolean).join(' · ') || '—' },
        { label: 'Last active', render: (e) => formatDate(e.EffectiveDate) },
      ], items, { empty: 'This user has no endpoints.', caption: `Endpoints of user ${user}` })));
    } catch (err) {
      parts.push(err instanceof ApiError && err.status === 404 ? emptyState(`No endpoints for the user ID “${user}” in this app.`) : errorBox(err));
    }
  }
  replace(el, parts);
}

// ---------------------------------------------------------------------------
// One endpoint

const CHECKS = {
  endpoint: 'Endpoint can receive',
  state: 'Campaign state',
  schedule: 'Schedule',
  segment: 'Segment',
  treatment: 'Treatment',
  caps: 'Caps',
  priority: 'Priority',
  test: 'Test send',
};

function reasonItem(r) {
  const label = CHECKS[r.Check] || r.Check;
  // The server's messages may start with the check's own name ("Caps: …"): say it once.
  const msg = String(r.Message || '').replace(new RegExp('^' + String(r.Check || '').replace(/[^a-z]/gi, '') + '\\s*:\\s*', 'i'), '');
  return h('li', { class: ['reason', r.Passed ? 'reason-pass' : 'reason-fail'] },
    h('span', { class: 'reason-icon', 'aria-hidden': 'true', text: r.Passed ? '✓' : '✗' }),
    h('span', { class: 'sr-only', text: r.Passed ? 'Passed: ' : 'Failed: ' }),
    h('strong', { class: 'reason-check', text: label + ': ' }),
    h('span', { text: msg }));
}

function explainBlock(ctx, c, total) {
  const failed = (c.Reasons || []).filter((r) => !r.Passed);
  const verdict = c.Shown
    ? `Would show${c.Rank ? ` (rank ${c.Rank}${total > 1 ? ' of ' + total : ''})` : ''}`
    : 'Would not show';
  return h('article', { class: ['explain', c.Shown ? 'explain-shown' : 'explain-hidden'], 'aria-label': `${c.Name || c.CampaignId}: ${verdict}` },
    h('div', { class: 'explain-head' },
      h('a', { href: `#/apps/${ctx.appId}/campaigns/${c.CampaignId}`, class: 'explain-name', text: c.Name || c.CampaignId }),
      c.State ? stateBadge({ State: { CampaignStatus: c.State } }) : null,
      c.Shown ? badge('✓ ' + verdict, 'ok') : badge('✗ ' + verdict, 'error'),
      c.TreatmentId !== undefined && c.TreatmentId !== null && c.TreatmentId !== '' ? h('span', { class: 'muted', text: String(c.TreatmentId) === '0' ? 'main treatment' : `treatment ${c.TreatmentId}` }) : null),
    !c.Shown && failed.length ? h('p', { class: 'explain-why', text: 'Why not: ' + failed.map((r) => r.Message).join(' ') }) : null,
    h('ul', { class: 'reasons' }, (c.Reasons || []).map(reasonItem)));
}

async function renderEndpoint(el, ctx) {
  const { appId } = ctx;
  const id = ctx.params.endpointId;
  const base = `/v1/apps/${enc(appId)}/endpoints/${enc(id)}`;
  const ext = `/inappd/v1/apps/${enc(appId)}/endpoints/${enc(id)}`;
  let e;
  let camps = [];
  try {
    [e, camps] = await Promise.all([
      call('GET', base),
      listAll(`/v1/apps/${enc(appId)}/campaigns`, (p) => p).catch(() => []),
    ]);
  } catch (err) {
    replace(el,
      h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: `#/apps/${appId}/endpoints`, text: 'Endpoints' }), ' / ', h('span', { text: id })),
      pageHeader('Endpoint'),
      card(null, lookupForm(ctx, { value: id })),
      err instanceof ApiError && err.status === 404 ? emptyState(`No endpoint “${id}” in this app.`) : errorBox(err));
    return;
  }
  camps.sort((a, b) => String(a.Name).localeCompare(String(b.Name)));
  const [ok, why] = reachability(e);
  const user = e.User || {};

  // Recent events.
  const eventsSlot = h('div', {}, spinner('Loading events…'));
  const campName = new Map(camps.map((c) => [c.Id, c.Name]));
  const loadEvents = async () => {
    try {
      const r = await call('GET', `${ext}/events`, { query: { limit: '50' } });
      const evs = (r && r.Events) || [];
      replace(eventsSlot, table([
        { label: 'When', render: (x) => h('span', { class: 'nowrap', text: formatDate(x.Timestamp) }) },
        { label: 'Event', render: (x) => h('code', { text: x.EventType }) },
        { label: 'Attributes', render: (x) => attrText(x.Attributes) },
        { label: 'Metrics', render: (x) => Object.entries(x.Metrics || {}).map(([k, v]) => `${k}=${v}`).join(', ') || '' },
      ], evs, { empty: 'No events from this endpoint yet.', caption: 'Recent events, newest first' }));
    } catch (err) {
      replace(eventsSlot, missing(err) ? h('p', { class: 'muted', text: 'This server has no events extension yet.' }) : errorBox(err));
    }
  };
  const attrText = (a) => {
    const entries = Object.entries(a || {});
    if (!entries.length) return '';
    return h('span', { class: 'attr-list' }, entries.map(([k, v]) => {
      if (k === 'campaign_id' && campName.has(v)) return h('span', { class: 'attr' }, `${k}=`, h('a', { href: `#/apps/${appId}/campaigns/${v}`, text: campName.get(v) }));
      return h('span', { class: 'attr', text: `${k}=${v}` });
    }));
  };

  // Explain.
  const explainSlot = h('div', { 'aria-live': 'polite' });
  const campOptions = [['', 'All campaigns'], ...camps.map((c) => [c.Id, c.Name || c.Id])];
  const explainPick = select(campOptions, '');
  const explain = async () => {
    replace(explainSlot, spinner('Evaluating…'));
    try {
      const r = await call('GET', `${ext}/explain`, { query: { 'campaign-id': explainPick.value || undefined } });
      const cs = (r && r.Campaigns) || [];
      const shown = cs.filter((c) => c.Shown).length;
      replace(explainSlot,
        h('p', { class: 'explain-summary' },
          cs.length ? `${shown} of ${cs.length} campaign${cs.length === 1 ? '' : 's'} would be sent to this endpoint now` : 'No campaigns to evaluate.',
          r && r.EvaluatedAt ? h('span', { class: 'muted', text: ` (evaluated ${formatDate(r.EvaluatedAt)}).` }) : '.'),
        cs.map((c) => explainBlock(ctx, c, shown)));
    } catch (err) {
      replace(explainSlot, missing(err) ? h('p', { class: 'muted', text: 'This server has no explain extension yet.' }) : errorBox(err));
    }
  };

  // Test send.
  const testPick = select(camps.length ? camps.map((c) => [c.Id, c.Name || c.Id]) : [['', 'No campaigns in this app']], camps.length ? camps[0].Id : '');
  const testBtn = button('Send as a test', async () => {
    if (!testPick.value) return;
    testBtn.disabled = true;
    try {
      const r = await call('POST', `/inappd/v1/apps/${enc(appId)}/campaigns/${enc(testPick.value)}/test-sends`, { body: { EndpointId: id } });
      toast(`Until ${formatDate(r.ExpiresAt)} this endpoint gets “${campName.get(testPick.value) || testPick.value}” first on its next sync.`, 'ok');
      explain();
    } catch (err) {
      toast(err.message, 'error');
    } finally {
      testBtn.disabled = false;
    }
  }, { class: 'btn' });

  const loc = e.Location || {};
  replace(el,
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
      h('a', { href: `#/apps/${appId}/endpoints`, text: 'Endpoints' }), ' / ',
      user.UserId ? [h('a', { href: `#/apps/${appId}/endpoints?user=${enc(user.UserId)}`, text: `user ${user.UserId}` }), ' / '] : null,
      h('span', { 'aria-current': 'page', text: id })),
    pageHeader(`Endpoint ${id}`, button('Refresh', () => ctx.navigate(`/apps/${appId}/endpoints/${enc(id)}`), { class: 'btn' })),
    h('p', { class: 'state-line' }, ok ? badge('Receives in-app messages', 'ok') : badge('Gets no in-app messages', 'warn'), ' ', h('span', { class: 'muted', text: why })),
    h('div', { class: 'detail-grid' },
      card('Endpoint', kv({
        'Endpoint ID': e.Id,
        'User ID': user.UserId,
        Channel: e.ChannelType,
        Address: e.Address,
        Status: e.EndpointStatus || 'ACTIVE',
        'Opt-out': e.OptOut || 'NONE',
        Created: e.CreationDate && formatDate(e.CreationDate),
        'Last active': e.EffectiveDate && formatDate(e.EffectiveDate),
        Cohort: e.CohortId,
      })),
      card('Demographic', kv(e.Demographic), Object.keys(loc).length ? [h('h3', { class: 'card-sub', text: 'Location' }), kv(loc)] : null)),
    h('div', { class: 'detail-grid' },
      card('Attributes', kv(e.Attributes, joinValues)),
      card('User attributes', kv(user.UserAttributes, joinValues))),
    card('Metrics', kv(e.Metrics, (v) => formatNumber(v))),
    card('Why would a campaign show, or not?',
      h('p', { class: 'muted', text: 'Evaluates each campaign for this endpoint right now, the way GetInAppMessages does: state, schedule, segment, treatment, caps and priority.' }),
      h('div', { class: 'inline-form' }, field('Campaign', explainPick), button('Explain', explain, { kind: 'primary' })),
      explainSlot),
    card('Send a campaign to this endpoint as a test',
      h('p', { class: 'muted', text: 'For one hour, its GetInAppMessages answer starts with the campaign, whatever its segment, schedule, state and caps.' }),
      h('div', { class: 'inline-form' }, field('Campaign to test', testPick), testBtn)),
    card('Recent events', eventsSlot));
  loadEvents();
  explain();
}

function missing(err) {
  return err instanceof ApiError && (err.status === 404 || err.status === 405) && !/endpoint|campaign|application/i.test(err.message);
}

export const routes = [
  { path: '/apps/:appId/endpoints', title: 'Endpoints', nav: 'endpoints', render: renderLookup },
  { path: '/apps/:appId/endpoints/:endpointId', title: 'Endpoint', nav: 'endpoints', render: renderEndpoint },
];
