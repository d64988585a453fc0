// Analytics: the app overview (the dashboard a marketer lands on) and a
// campaign's numbers by day and by treatment, with the A/B comparison in
// plain words. Numbers come from the analytics extension
// (GET /inappd/v1/apps/{app}/analytics), which counts the
// _inapp.message_* events the SDKs report.

import { call, listAll, ApiError } from '../api.js';
import { h, replace, card, pageHeader, table, badge, emptyState, spinner, errorBox, formatNumber, formatPercent, formatDate } from '../ui.js';
import { lineChart, barChart, dayLabel } from '../chart.js';
import { stateBadge, treatmentLabel } from './campaigns.js';

const RANGES = [
  [7, 'Last 7 days'],
  [30, 'Last 30 days'],
  [90, 'Last 90 days'],
];

/** The time range of the last `days` days, today included (UTC days, as the server counts). */
export function rangeOf(days, now = new Date()) {
  const end = new Date(now);
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  return { start: start.toISOString().replace(/\.\d{3}Z$/, 'Z'), end: end.toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

/** Reads the analytics extension for the app (or one campaign). */
export async function loadAnalytics(appId, days, campaignId) {
  const { start, end } = rangeOf(days);
  return call('GET', `/inappd/v1/apps/${encodeURIComponent(appId)}/analytics`, {
    query: { 'campaign-id': campaignId || undefined, 'start-time': start, 'end-time': end },
  });
}

function daysFrom(ctx) {
  const d = Number(ctx.query && ctx.query.days);
  return RANGES.some(([n]) => n === d) ? d : 7;
}

/** 7 / 30 / 90 days, as a group of toggle buttons. */
function rangePicker(days, onPick) {
  const group = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Date range' });
  for (const [n, label] of RANGES) {
    group.append(
      h('button', { type: 'button', class: 'segmented-btn', 'aria-pressed': String(n === days), on: { click: () => onPick(n) } }, label),
    );
  }
  return group;
}

/** The counters every level shares, as tiles. */
export function statTiles(t) {
  const tile = (label, value, hint) =>
    h('div', { class: 'stat', role: 'group', 'aria-label': `${label}: ${value}` },
      h('span', { class: 'stat-label', text: label }),
      h('span', { class: 'stat-value', text: value }),
      hint ? h('span', { class: 'stat-hint', text: hint }) : null);
  t = t || {};
  return h('div', { class: 'stat-grid' },
    tile('Displayed', formatNumber(t.Displayed ?? 0), 'times a message was shown'),
    tile('Clicked', formatNumber(t.Clicked ?? 0), 'button clicks'),
    tile('Dismissed', formatNumber(t.Dismissed ?? 0), 'closed without a click'),
    tile('Unique endpoints', formatNumber(t.UniqueEndpoints ?? 0), 'devices that saw a message'),
    tile('Click-through rate', formatPercent(t.ClickThroughRate ?? 0), 'clickers ÷ endpoints reached'));
}

function dailyChart(title, days) {
  const d = days || [];
  return lineChart({
    title,
    labels: d.map((x) => dayLabel(x.Date)),
    series: [
      { name: 'Displayed', values: d.map((x) => x.Displayed || 0) },
      { name: 'Clicked', values: d.map((x) => x.Clicked || 0) },
      { name: 'Dismissed', values: d.map((x) => x.Dismissed || 0) },
    ],
  });
}

function missingExtension(err) {
  return err instanceof ApiError && (err.status === 404 || err.status === 405) && !/campaign|application/i.test(err.message);
}

const counterColumns = [
  { label: 'Displayed', class: 'num', render: (r) => formatNumber(r.Displayed ?? 0) },
  { label: 'Clicked', class: 'num', render: (r) => formatNumber(r.Clicked ?? 0) },
  { label: 'Dismissed', class: 'num', render: (r) => formatNumber(r.Dismissed ?? 0) },
  { label: 'Endpoints', class: 'num', render: (r) => formatNumber(r.UniqueEndpoints ?? 0) },
  { label: 'CTR', class: 'num', render: (r) => formatPercent(r.ClickThroughRate ?? 0) },
];

// ---------------------------------------------------------------------------
// The app overview

async function renderOverview(el, ctx) {
  const days = daysFrom(ctx);
  const appId = ctx.appId;
  const body = h('div', { class: 'flow-stack' }, spinner('Loading the numbers…'));
  const pick = (n) => ctx.navigate(`/apps/${appId}?days=${n}`);
  replace(el,
    pageHeader((ctx.app && ctx.app.Name ? ctx.app.Name + ': ' : '') + 'Overview',
      rangePicker(days, pick),
      h('a', { class: 'btn btn-primary', href: `#/apps/${appId}/campaigns/new` }, 'Create campaign')),
    body);

  const [stats, camps] = await Promise.allSettled([
    loadAnalytics(appId, days),
    listAll(`/v1/apps/${encodeURIComponent(appId)}/campaigns`, (p) => p),
  ]);
  const parts = [];
  let data = null;
  if (stats.status === 'fulfilled') {
    data = stats.value;
    parts.push(
      h('p', { class: 'muted range-note', text: `${RANGES.find(([n]) => n === days)[1]}: ${formatDate(data.StartTime)} – ${formatDate(data.EndTime)} (days in UTC).` }),
      statTiles(data.Totals),
      card(null, dailyChart(`Messages by day, last ${days} days`, data.Days)),
    );
  } else if (missingExtension(stats.reason)) {
    parts.push(h('div', { class: 'notice' }, 'This server does not answer the analytics extension yet (/inappd/v1/apps/{app}/analytics): no numbers to show.'));
  } else {
    parts.push(errorBox(stats.reason));
  }

  if (camps.status === 'rejected') {
    parts.push(card('Campaigns', errorBox(camps.reason)));
  } else {
    const byId = new Map(((data && data.Campaigns) || []).map((c) => [c.CampaignId, c]));
    const rows = camps.value.map((c) => ({ ...(byId.get(c.Id) || {}), campaign: c }));
    // Campaigns the analytics know but GetCampaigns no longer lists (deleted).
    for (const [id, c] of byId) if (!camps.value.some((x) => x.Id === id)) rows.push({ ...c, campaign: { Id: id, Name: c.Name, deleted: true } });
    rows.sort((a, b) => (b.Displayed || 0) - (a.Displayed || 0) || String(a.campaign.Name).localeCompare(String(b.campaign.Name)));
    parts.push(card('Campaigns',
      rows.length
        ? table([
          { label: 'Campaign', render: (r) => (r.campaign.deleted ? h('span', { text: (r.campaign.Name || r.campaign.Id) + ' (deleted)' }) : h('a', { href: `#/apps/${appId}/campaigns/${r.campaign.Id}/analytics?days=${days}`, text: r.campaign.Name || r.campaign.Id })) },
          { label: 'State', render: (r) => (r.campaign.deleted ? badge('DELETED', 'neutral') : stateBadge(r.campaign)) },
          ...counterColumns,
        ], rows, { caption: 'Campaigns and their numbers' })
        : emptyState('No campaigns in this app yet.', h('a', { class: 'btn btn-primary', href: `#/apps/${appId}/campaigns/new` }, 'Create your first campaign'))));
  }
  replace(body, parts);
}

// ---------------------------------------------------------------------------
// One campaign

function pointsText(diff) {
  if (typeof diff !== 'number' || !isFinite(diff)) return '—';
  const pts = diff * 100;
  return (pts > 0 ? '+' : pts < 0 ? '−' : '±') + Math.abs(pts).toLocaleString(undefined, { maximumFractionDigits: 1 }) + ' pts';
}

function comparisonBlock(comparisons, names) {
  if (!comparisons || comparisons.length === 0) return null;
  return h('div', { class: 'comparisons', 'aria-label': 'A/B comparison' },
    comparisons.map((c) => {
      const name = names.get(c.TreatmentId) || `Treatment ${c.TreatmentId}`;
      const base = names.get(c.BaselineTreatmentId) || 'the main treatment';
      return h('div', { class: ['comparison', c.Significant ? 'comparison-significant' : 'comparison-open'] },
        h('div', { class: 'comparison-head' },
          h('strong', { text: `${name} vs ${base}` }),
          c.Significant ? badge('Significant', 'ok') : badge('Not significant yet', 'neutral')),
        h('p', { class: 'comparison-text', text: c.Explanation || `${name} differs from ${base} by ${pointsText(c.Difference)} in click-through rate.` }),
        h('p', { class: 'muted comparison-meta', text: `Difference in click-through rate: ${pointsText(c.Difference)}` + (typeof c.PValue === 'number' ? ` · p-value ${c.PValue.toLocaleString(undefined, { maximumSignificantDigits: 2 })}` : '') }));
    }));
}

async function renderCampaignAnalytics(el, ctx) {
  const days = daysFrom(ctx);
  const { appId } = ctx;
  const campaignId = ctx.params.campaignId;
  const base = `/apps/${appId}/campaigns/${campaignId}`;
  const body = h('div', { class: 'flow-stack' }, spinner('Loading the numbers…'));
  const header = h('div');
  replace(el, header, body);
  replace(header, pageHeader('Campaign analytics'));

  let camp;
  try {
    camp = await call('GET', `/v1/apps/${encodeURIComponent(appId)}/campaigns/${encodeURIComponent(campaignId)}`);
  } catch (err) {
    replace(body, errorBox(err));
    return;
  }
  replace(header,
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
      h('a', { href: `#/apps/${appId}/campaigns`, text: 'Campaigns' }), ' / ',
      h('a', { href: `#${base}`, text: camp.Name || camp.Id }), ' / ',
      h('span', { 'aria-current': 'page', text: 'Analytics' })),
    pageHeader(`${camp.Name || camp.Id}: analytics`,
      rangePicker(days, (n) => ctx.navigate(`${base}/analytics?days=${n}`)),
      h('a', { class: 'btn', href: `#${base}` }, 'Campaign details')));

  let data;
  try {
    data = await loadAnalytics(appId, days, campaignId);
  } catch (err) {
    replace(body, missingExtension(err) ? h('div', { class: 'notice' }, 'This server does not answer the analytics extension yet: no numbers to show.') : errorBox(err));
    return;
  }
  const names = new Map([['0', treatmentLabel(camp, '0')]]);
  (camp.AdditionalTreatments || []).forEach((t) => names.set(String(t.Id), treatmentLabel(camp, String(t.Id))));
  const share = new Map([['0', mainShare(camp)]]);
  (camp.AdditionalTreatments || []).forEach((t) => share.set(String(t.Id), t.SizePercent));
  const treatments = (data.Treatments || []).map((t) => ({ ...t, name: names.get(String(t.TreatmentId)) || t.TreatmentName || `Treatment ${t.TreatmentId}` }));
  const diffs = new Map((data.Comparisons || []).map((c) => [String(c.TreatmentId), c]));

  const parts = [
    h('p', { class: 'muted range-note' }, stateBadge(camp), ` ${RANGES.find(([n]) => n === days)[1]}: ${formatDate(data.StartTime)} – ${formatDate(data.EndTime)} (days in UTC).`),
    statTiles(data.Totals),
  ];
  const cmp = comparisonBlock(data.Comparisons, names);
  if (cmp) parts.push(card('A/B result', cmp));
  parts.push(card(null, dailyChart(`Messages by day, last ${days} days`, data.Days)));
  if (treatments.length > 0) {
    parts.push(card('By treatment',
      treatments.length > 1
        ? barChart({
          title: 'Displayed, clicked and dismissed, by treatment',
          categories: treatments.map((t) => t.name),
          series: [
            { name: 'Displayed', values: treatments.map((t) => t.Displayed || 0) },
            { name: 'Clicked', values: treatments.map((t) => t.Clicked || 0) },
            { name: 'Dismissed', values: treatments.map((t) => t.Dismissed || 0) },
          ],
          tableHead: 'Treatment',
        })
        : null,
      table([
        { label: 'Treatment', render: (t) => t.name },
        { label: 'Share', class: 'num', render: (t) => (share.has(String(t.TreatmentId)) ? share.get(String(t.TreatmentId)) + '%' : '—') },
        ...counterColumns,
        { label: 'CTR vs main', class: 'num', render: (t) => (String(t.TreatmentId) === '0' ? 'baseline' : diffs.has(String(t.TreatmentId)) ? pointsText(diffs.get(String(t.TreatmentId)).Difference) : '—') },
        { label: 'Significant?', render: (t) => {
          const c = diffs.get(String(t.TreatmentId));
          if (String(t.TreatmentId) === '0' || !c) return '—';
          return c.Significant ? badge('Yes', 'ok') : badge('Not yet', 'neutral');
        } },
      ], treatments, { caption: 'Numbers by treatment' }),
      camp.HoldoutPercent ? h('p', { class: 'muted', text: `Holdout: ${camp.HoldoutPercent}% of the segment is kept out and sees no message.` }) : null));
  }
  replace(body, parts);
}

/** The main treatment's share: what the holdout and the other treatments leave. */
export function mainShare(camp) {
  return 100 - (camp.HoldoutPercent || 0) - (camp.AdditionalTreatments || []).reduce((a, t) => a + (t.SizePercent || 0), 0);
}

export const routes = [
  { path: '/apps/:appId', title: 'Overview', nav: 'overview', render: renderOverview },
  { path: '/apps/:appId/campaigns/:campaignId/analytics', title: 'Campaign analytics', nav: 'campaigns', render: renderCampaignAnalytics },
];
