// Campaigns: the list, the six-step wizard that writes a
// WriteCampaignRequest (segment → message and A/B treatments → trigger
// event → schedule → caps and priority → review and launch), and a
// campaign's page (pause/resume, edit, versions and what changed, delete,
// send to a test endpoint, analytics).
//
// The wizard keeps a draft in the console's own terms and turns it into
// the Pinpoint request only at the end (buildRequest), so that what the
// review step shows is exactly what is sent.

import { call, listAll, ApiError } from '../api.js';
import {
  h, replace, uid, toast, confirmDialog, field, input, select, checkbox, button, debounce,
  table, pageHeader, card, badge, emptyState, spinner, errorBox, formatNumber, formatDate, previewFrame, deviceSwitch,
} from '../ui.js';

// ---------------------------------------------------------------------------
// Vocabulary

const STATES = {
  EXECUTING: ['Executing', 'ok', 'Live: endpoints in its segment get it on its trigger event.'],
  SCHEDULED: ['Scheduled', 'info', 'Waiting for its start time.'],
  PAUSED: ['Paused', 'warn', 'Paused: nobody gets it until it is resumed.'],
  COMPLETED: ['Completed', 'neutral', 'Its end time has passed.'],
  PENDING_NEXT_RUN: ['Pending next run', 'info', 'Waiting for its next run.'],
  DELETED: ['Segment deleted', 'error', 'Its segment was deleted: it delivers to nobody.'],
  INVALID: ['Invalid', 'error', 'It cannot be delivered as it is.'],
};

/** The campaign's status: PAUSED when IsPaused, else the server's State. */
export function stateOf(c) {
  if (c.IsPaused) return 'PAUSED';
  return (c.State && c.State.CampaignStatus) || (c.DefaultState && c.DefaultState.CampaignStatus) || 'UNKNOWN';
}

/** A badge for the campaign's status, its raw Pinpoint name in the tooltip. */
export function stateBadge(c) {
  const s = stateOf(c);
  const [label, kind, help] = STATES[s] || [s, 'neutral', ''];
  const b = badge(label, kind);
  b.title = `${s}${help ? ': ' + help : ''}`;
  return b;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A treatment's display name: its TreatmentName, else "Main (A)", "Treatment B"… */
export function treatmentLabel(camp, id) {
  if (String(id) === '0') return camp.TreatmentName || 'Main (A)';
  const t = (camp.AdditionalTreatments || []).find((x) => String(x.Id) === String(id));
  return (t && t.TreatmentName) || `Treatment ${LETTERS[Number(id)] || id}`;
}

const LAYOUTS = [
  ['MIDDLE_BANNER', 'Middle banner'],
  ['TOP_BANNER', 'Top banner'],
  ['BOTTOM_BANNER', 'Bottom banner'],
  ['MOBILE_FEED', 'Modal (MOBILE_FEED)'],
  ['OVERLAYS', 'Full screen (OVERLAYS)'],
  ['CAROUSEL', 'Carousel (up to 5 cards)'],
];
const layoutName = (l) => (LAYOUTS.find(([v]) => v === l) || [l, l || 'no layout'])[1].replace(/ \(.*\)$/, '').toLowerCase();

const ACTIONS = [
  ['CLOSE', 'Close the message'],
  ['LINK', 'Open a web link'],
  ['DEEP_LINK', 'Open a deep link in the app'],
];
const ALIGN = [['LEFT', 'Left'], ['CENTER', 'Centre'], ['RIGHT', 'Right']];

const ATTR_TYPES = [
  ['INCLUSIVE', 'is one of'],
  ['EXCLUSIVE', 'is none of'],
  ['CONTAINS', 'contains'],
  ['BEFORE', 'is before'],
  ['AFTER', 'is after'],
  ['ON', 'is on the day'],
  ['BETWEEN', 'is between'],
];
const METRIC_OPS = [
  ['GREATER_THAN', 'is more than'],
  ['GREATER_THAN_OR_EQUAL', 'is at least'],
  ['EQUAL', 'equals'],
  ['LESS_THAN_OR_EQUAL', 'is at most'],
  ['LESS_THAN', 'is less than'],
];
const SUGGESTED_EVENTS = ['_session.start', '_session.stop', '_userauth.sign_in', '_userauth.sign_up', '_monetization.purchase', 'add_to_cart', 'view_item', 'checkout'];

const ZONES = ['UTC', 'UTC+01', 'UTC+02', 'UTC+03', 'UTC+03:30', 'UTC+04', 'UTC+04:30', 'UTC+05', 'UTC+05:30', 'UTC+05:45', 'UTC+06',
  'UTC+06:30', 'UTC+07', 'UTC+08', 'UTC+09', 'UTC+09:30', 'UTC+10', 'UTC+10:30', 'UTC+11', 'UTC+12', 'UTC+13', 'UTC-02', 'UTC-03',
  'UTC-04', 'UTC-05', 'UTC-06', 'UTC-07', 'UTC-08', 'UTC-09', 'UTC-10', 'UTC-11'];

const PRIORITIES = [
  [1, '1 – highest'],
  [2, '2 – high'],
  [3, '3 – medium'],
  [4, '4 – low'],
  [5, '5 – lowest'],
];

const clone = (x) => (x === undefined ? undefined : JSON.parse(JSON.stringify(x)));
const enc = encodeURIComponent;
const list = (s) => String(s || '').split(',').map((x) => x.trim()).filter(Boolean);
const quoteList = (vs) => vs.map((v) => `“${v}”`).join(' or ');

// ---------------------------------------------------------------------------
// Time: datetime-local values ("2026-11-21T10:00") in a campaign time zone
// ("UTC+05:30") ⇄ ISO 8601 with that offset.

function zoneOffset(zone) {
  const m = /^UTC(?:([+-])(\d{2})(?::(\d{2}))?)?$/.exec(zone || 'UTC');
  if (!m || !m[1]) return { text: 'Z', minutes: 0 };
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] || 0));
  return { text: `${m[1]}${m[2]}:${m[3] || '00'}`, minutes };
}

export function localToISO(value, zone) {
  if (!value) return '';
  const v = value.length === 16 ? value + ':00' : value;
  return v + zoneOffset(zone).text;
}

export function isoToLocal(iso, zone) {
  if (!iso || iso === 'IMMEDIATE') return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const shifted = new Date(d.getTime() + zoneOffset(zone).minutes * 60000);
  return shifted.toISOString().slice(0, 16);
}

function inAnHour(zone) {
  const d = new Date(Date.now() + 3600000);
  d.setUTCMinutes(0, 0, 0);
  return isoToLocal(d.toISOString(), zone);
}

// ---------------------------------------------------------------------------
// The draft and the request

function emptyCard() {
  return {
    BackgroundColor: '#FFFFFF',
    HeaderConfig: { Alignment: 'CENTER', Header: '', TextColor: '#000000' },
    BodyConfig: { Alignment: 'CENTER', Body: '', TextColor: '#333333' },
    ImageUrl: '',
    PrimaryBtn: { DefaultConfig: { ButtonAction: 'CLOSE', Text: 'OK', BackgroundColor: '#2563EB', TextColor: '#FFFFFF', BorderRadius: 8 } },
  };
}

function emptyMessage() {
  return { Layout: 'MIDDLE_BANNER', Content: [emptyCard()], CustomConfig: {} };
}

function treatmentDraft(msgConf, tplConf, extra = {}) {
  const tpl = tplConf && tplConf.InAppTemplate;
  const inline = msgConf && msgConf.InAppMessage;
  const message = inline && inline.Content && inline.Content.length ? clone(inline) : emptyMessage();
  message.Content = message.Content.map((c) => ({ ...emptyCard(), PrimaryBtn: undefined, ...c, HeaderConfig: c.HeaderConfig || { ...emptyCard().HeaderConfig }, BodyConfig: c.BodyConfig || { ...emptyCard().BodyConfig } }));
  message.CustomConfig = message.CustomConfig || {};
  return {
    key: uid('t'),
    source: tpl && tpl.Name ? 'template' : 'inline',
    template: (tpl && tpl.Name) || '',
    templateVersion: (tpl && tpl.Version) || '',
    message,
    ...extra,
  };
}

/** A new campaign's draft. */
function newDraft() {
  const zone = 'UTC';
  return {
    Name: '',
    Description: '',
    SegmentId: '',
    main: treatmentDraft(null, null, { name: '', description: '' }),
    treatments: [],
    HoldoutPercent: 0,
    trigger: { FilterType: 'ENDPOINT', events: '', DimensionType: 'INCLUSIVE', attributes: [], metrics: [] },
    schedule: { start: 'IMMEDIATE', startAt: inAnHour(zone), endAt: '', Timezone: zone, IsLocalTime: false, quietStart: '', quietEnd: '' },
    limits: { Daily: '', Session: '', Total: '' },
    Priority: 3,
    IsPaused: false,
  };
}

/** An existing campaign as a draft (the wizard's edit mode). */
export function draftFromCampaign(c) {
  const s = c.Schedule || {};
  const zone = s.Timezone || 'UTC';
  const f = s.EventFilter || {};
  const d = f.Dimensions || {};
  return {
    Name: c.Name || '',
    Description: c.Description || '',
    SegmentId: c.SegmentId || '',
    main: treatmentDraft(c.MessageConfiguration, c.TemplateConfiguration, { name: c.TreatmentName || '', description: c.TreatmentDescription || '' }),
    treatments: (c.AdditionalTreatments || []).map((t) => {
      const hasOwn = (t.MessageConfiguration && t.MessageConfiguration.InAppMessage) || (t.TemplateConfiguration && t.TemplateConfiguration.InAppTemplate);
      return treatmentDraft(hasOwn ? t.MessageConfiguration : c.MessageConfiguration, hasOwn ? t.TemplateConfiguration : c.TemplateConfiguration,
        { name: t.TreatmentName || '', description: t.TreatmentDescription || '', size: t.SizePercent || 0 });
    }),
    HoldoutPercent: c.HoldoutPercent || 0,
    trigger: {
      FilterType: f.FilterType || 'ENDPOINT',
      events: ((d.EventType && d.EventType.Values) || []).join(', '),
      DimensionType: (d.EventType && d.EventType.DimensionType) || 'INCLUSIVE',
      attributes: Object.entries(d.Attributes || {}).map(([name, a]) => ({ key: uid('a'), name, type: a.AttributeType || 'INCLUSIVE', values: (a.Values || []).join(', ') })),
      metrics: Object.entries(d.Metrics || {}).map(([name, m]) => ({ key: uid('m'), name, op: m.ComparisonOperator, value: String(m.Value) })),
    },
    schedule: {
      start: !s.StartTime || s.StartTime === 'IMMEDIATE' ? 'IMMEDIATE' : 'AT',
      startAt: s.StartTime && s.StartTime !== 'IMMEDIATE' ? isoToLocal(s.StartTime, zone) : inAnHour(zone),
      endAt: isoToLocal(s.EndTime, zone),
      Timezone: zone,
      IsLocalTime: !!s.IsLocalTime,
      quietStart: (s.QuietTime && s.QuietTime.Start) || '',
      quietEnd: (s.QuietTime && s.QuietTime.End) || '',
      // The stored times as written, sent back as they were unless edited.
      orig: { zone, local: !!s.IsLocalTime, start: s.StartTime, end: s.EndTime || '', startAt: s.StartTime && s.StartTime !== 'IMMEDIATE' ? isoToLocal(s.StartTime, zone) : '', endAt: isoToLocal(s.EndTime, zone) },
    },
    limits: {
      Daily: c.Limits && c.Limits.Daily ? String(c.Limits.Daily) : '',
      Session: c.Limits && c.Limits.Session ? String(c.Limits.Session) : '',
      Total: c.Limits && c.Limits.Total ? String(c.Limits.Total) : '',
    },
    Priority: c.Priority || 0,
    IsPaused: !!c.IsPaused,
  };
}

/** Drops what the editor keeps but the wire must not get (empty texts, absent buttons). */
export function cleanMessage(m) {
  const out = { Layout: m.Layout, Content: [] };
  const cards = m.Layout === 'CAROUSEL' ? m.Content : m.Content.slice(0, 1);
  for (const c of cards) {
    const o = {};
    if (c.BackgroundColor) o.BackgroundColor = c.BackgroundColor;
    if (c.HeaderConfig && c.HeaderConfig.Header && c.HeaderConfig.Header.trim()) o.HeaderConfig = { ...c.HeaderConfig };
    if (c.BodyConfig && c.BodyConfig.Body && c.BodyConfig.Body.trim()) o.BodyConfig = { ...c.BodyConfig };
    if (c.ImageUrl && c.ImageUrl.trim()) o.ImageUrl = c.ImageUrl.trim();
    for (const b of ['PrimaryBtn', 'SecondaryBtn']) {
      const btn = c[b] && c[b].DefaultConfig;
      if (!btn) continue;
      const d = { ButtonAction: btn.ButtonAction, Text: btn.Text || '' };
      if (btn.Link && btn.ButtonAction !== 'CLOSE') d.Link = btn.Link;
      if (btn.BackgroundColor) d.BackgroundColor = btn.BackgroundColor;
      if (btn.TextColor) d.TextColor = btn.TextColor;
      if (btn.BorderRadius !== undefined && btn.BorderRadius !== '' && btn.BorderRadius !== null) d.BorderRadius = Number(btn.BorderRadius);
      const full = { DefaultConfig: d };
      for (const p of ['Web', 'IOS', 'Android']) if (c[b][p]) full[p] = c[b][p];
      o[b] = full;
    }
    out.Content.push(o);
  }
  const custom = Object.fromEntries(Object.entries(m.CustomConfig || {}).filter(([k]) => k.trim()));
  if (Object.keys(custom).length) out.CustomConfig = custom;
  return out;
}

function messageMembers(t) {
  if (t.source === 'template') {
    const ref = { Name: t.template };
    if (t.templateVersion) ref.Version = t.templateVersion;
    return { TemplateConfiguration: { InAppTemplate: ref } };
  }
  return { MessageConfiguration: { InAppMessage: cleanMessage(t.message) } };
}

function eventFilter(tr) {
  const dims = { EventType: { DimensionType: tr.DimensionType, Values: list(tr.events) } };
  const attrs = tr.attributes.filter((a) => a.name.trim());
  if (attrs.length) dims.Attributes = Object.fromEntries(attrs.map((a) => [a.name.trim(), { AttributeType: a.type, Values: list(a.values) }]));
  const mets = tr.metrics.filter((m) => m.name.trim());
  if (mets.length) dims.Metrics = Object.fromEntries(mets.map((m) => [m.name.trim(), { ComparisonOperator: m.op, Value: Number(m.value) }]));
  return { FilterType: tr.FilterType, Dimensions: dims };
}

/**
 * The WriteCampaignRequest for a draft. editing: members the campaign may
 * have had are sent even when empty, so that removing them takes effect.
 */
export function buildRequest(d, editing = false) {
  const r = { Name: d.Name.trim() };
  if (d.Description.trim() || editing) r.Description = d.Description.trim();
  if (d.SegmentId || editing) r.SegmentId = d.SegmentId;
  if (d.main.name.trim() || editing) r.TreatmentName = d.main.name.trim();
  Object.assign(r, messageMembers(d.main));
  if (d.treatments.length || editing) {
    r.AdditionalTreatments = d.treatments.map((t) => {
      const w = { SizePercent: Number(t.size) || 0, ...messageMembers(t) };
      if (t.name.trim()) w.TreatmentName = t.name.trim();
      return w;
    });
  }
  if (Number(d.HoldoutPercent) || editing) r.HoldoutPercent = Number(d.HoldoutPercent) || 0;
  const s = d.schedule;
  const o = s.orig;
  const same = o && o.zone === s.Timezone && o.local === !!s.IsLocalTime;
  const when = (local, origLocal, origISO) => (same && local === origLocal && origISO ? origISO : localToISO(local, s.Timezone));
  const sched = {
    StartTime: s.start === 'IMMEDIATE' ? 'IMMEDIATE' : when(s.startAt, o && o.startAt, o && o.start !== 'IMMEDIATE' ? o.start : ''),
    Frequency: 'IN_APP_EVENT',
    EventFilter: eventFilter(d.trigger),
  };
  if (s.endAt) sched.EndTime = when(s.endAt, o && o.endAt, o && o.end);
  if (s.Timezone && s.Timezone !== 'UTC') sched.Timezone = s.Timezone;
  else if (editing || s.IsLocalTime) sched.Timezone = 'UTC';
  if (s.IsLocalTime) sched.IsLocalTime = true;
  if (s.quietStart || s.quietEnd) sched.QuietTime = { Start: s.quietStart, End: s.quietEnd };
  r.Schedule = sched;
  const limits = {};
  for (const k of ['Daily', 'Session', 'Total']) if (String(d.limits[k]).trim() !== '') limits[k] = Number(d.limits[k]);
  if (Object.keys(limits).length || editing) r.Limits = limits;
  r.Priority = Number(d.Priority) || 0;
  if (d.IsPaused || editing) r.IsPaused = !!d.IsPaused;
  return r;
}

// ---------------------------------------------------------------------------
// Plain-words descriptions (review step, detail page, versions)

/** The trigger as a sentence. */
export function describeTrigger(f) {
  if (!f || !f.Dimensions) return 'No trigger event: the app shows it only when it asks by itself.';
  const d = f.Dimensions;
  const ev = (d.EventType && d.EventType.Values) || [];
  let s = d.EventType && d.EventType.DimensionType === 'EXCLUSIVE'
    ? `When the app records any event except ${quoteList(ev)}`
    : `When the app records ${quoteList(ev) || 'an event'}`;
  const conds = [];
  for (const [name, a] of Object.entries(d.Attributes || {})) {
    const t = (ATTR_TYPES.find(([v]) => v === (a.AttributeType || 'INCLUSIVE')) || [0, 'is'])[1];
    conds.push(`attribute “${name}” ${t} ${a.AttributeType === 'BETWEEN' ? (a.Values || []).join(' and ') : quoteList(a.Values || [])}`);
  }
  for (const [name, m] of Object.entries(d.Metrics || {})) {
    const t = (METRIC_OPS.find(([v]) => v === m.ComparisonOperator) || [0, m.ComparisonOperator])[1];
    conds.push(`metric “${name}” ${t} ${m.Value}`);
  }
  if (conds.length) s += ' where ' + conds.join(' and ');
  s += f.FilterType === 'SYSTEM' ? ' (system events).' : '.';
  return s;
}

export function describeSchedule(s) {
  if (!s) return '—';
  const zone = s.Timezone || 'UTC';
  const when = (iso) => `${isoToLocal(iso, zone).replace('T', ' ')} ${s.IsLocalTime ? "in each user's local time" : zone}`;
  const parts = [];
  parts.push(!s.StartTime || s.StartTime === 'IMMEDIATE' ? 'Starts as soon as it is launched' : `Starts ${when(s.StartTime)}`);
  parts.push(s.EndTime ? `ends ${when(s.EndTime)}` : 'never ends');
  let out = parts.join(', ') + '.';
  if (s.QuietTime && s.QuietTime.Start) out += ` Quiet time: no messages from ${s.QuietTime.Start} to ${s.QuietTime.End} (the device's local time).`;
  return out;
}

export function describeLimits(l) {
  const parts = [];
  if (l && l.Daily) parts.push(`${l.Daily} a day`);
  if (l && l.Session) parts.push(`${l.Session} per session`);
  if (l && l.Total) parts.push(`${l.Total} in total`);
  return parts.length ? `At most ${parts.join(', ')} per endpoint.` : "The app's default caps (Settings), else no cap.";
}

export function describePriority(p) {
  if (!p) return 'No priority: after every campaign that has one.';
  const name = (PRIORITIES.find(([v]) => v === p) || [0, String(p)])[1];
  return `${name}. When several campaigns match the same event, the lowest number wins.`;
}

function describeMessage(mc, tc) {
  const tpl = tc && tc.InAppTemplate;
  if (tpl && tpl.Name) return `Template “${tpl.Name}” (${tpl.Version ? 'version ' + tpl.Version : 'its active version'})`;
  const m = mc && mc.InAppMessage;
  if (!m) return 'The main treatment’s message';
  const first = (m.Content || [])[0] || {};
  const title = (first.HeaderConfig && first.HeaderConfig.Header) || (first.BodyConfig && first.BodyConfig.Body) || '(no text)';
  const cards = (m.Content || []).length;
  const btns = ['PrimaryBtn', 'SecondaryBtn'].map((b) => first[b] && first[b].DefaultConfig).filter(Boolean)
    .map((b) => `“${b.Text}” (${(ACTIONS.find(([v]) => v === b.ButtonAction) || [0, b.ButtonAction])[1].toLowerCase()}${b.Link ? ' ' + b.Link : ''})`);
  return `${layoutName(m.Layout)[0].toUpperCase() + layoutName(m.Layout).slice(1)}: “${title}”${cards > 1 ? `, ${cards} cards` : ''}${btns.length ? (btns.length > 1 ? '; buttons ' : '; button ') + btns.join(', ') : ''}`;
}

/** Split of the audience: main share, each treatment's, the holdout. */
function describeSplit(r) {
  const ts = r.AdditionalTreatments || [];
  if (!ts.length && !r.HoldoutPercent) return null;
  const main = 100 - (r.HoldoutPercent || 0) - ts.reduce((a, t) => a + (t.SizePercent || 0), 0);
  const parts = [`${r.TreatmentName || 'Main (A)'} ${main}%`];
  ts.forEach((t, i) => parts.push(`${t.TreatmentName || 'Treatment ' + LETTERS[i + 1]} ${t.SizePercent}%`));
  if (r.HoldoutPercent) parts.push(`holdout ${r.HoldoutPercent}% (sees nothing)`);
  return parts.join(', ');
}

/**
 * A campaign (request or response: same member names) as a definition
 * list in plain words. segments: Map id → segment; estimate: text or node.
 */
export function summaryList(r, { segments = new Map(), estimate = null } = {}) {
  const seg = r.SegmentId ? segments.get(r.SegmentId) : null;
  const rows = [
    ['Name', r.Name || '—'],
    r.Description ? ['Description', r.Description] : null,
    ['Segment', r.SegmentId ? h('span', {}, seg ? seg.Name || r.SegmentId : r.SegmentId, estimate ? h('span', { class: 'muted' }, ' · ', estimate) : null) : 'Every endpoint of the app (no segment)'],
    [(r.AdditionalTreatments || []).length ? `${r.TreatmentName || 'Main (A)'}` : 'Message', describeMessage(r.MessageConfiguration, r.TemplateConfiguration)],
    ...(r.AdditionalTreatments || []).map((t, i) => [`${t.TreatmentName || 'Treatment ' + LETTERS[i + 1]}`, describeMessage(
      t.MessageConfiguration && t.MessageConfiguration.InAppMessage ? t.MessageConfiguration : t.TemplateConfiguration ? null : r.MessageConfiguration,
      t.TemplateConfiguration || (t.MessageConfiguration ? null : r.TemplateConfiguration))]),
    describeSplit(r) ? ['A/B split', describeSplit(r)] : null,
    ['Trigger', describeTrigger(r.Schedule && r.Schedule.EventFilter)],
    ['Schedule', describeSchedule(r.Schedule)],
    ['Caps', describeLimits(r.Limits)],
    ['Priority', describePriority(r.Priority)],
    r.IsPaused ? ['Paused', 'Yes: it is saved but not delivered until resumed.'] : null,
  ].filter(Boolean);
  return h('dl', { class: 'kv summary-list' }, rows.map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
}

/** What changed between two versions of a campaign, in plain words. */
export function versionChanges(prev, cur) {
  if (!prev) return ['Created'];
  const out = [];
  const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const sameTime = (a, b) => (a || '') === (b || '') || (!!a && !!b && Date.parse(a) === Date.parse(b));
  // A treatment's State follows the campaign's (paused…): not an edit.
  const treatments = (c) => (c.AdditionalTreatments || []).map(({ State, ...t }) => t);
  if (!!prev.IsPaused !== !!cur.IsPaused) out.push(cur.IsPaused ? 'Paused' : 'Resumed');
  if (prev.Name !== cur.Name) out.push(`Renamed “${prev.Name}” → “${cur.Name}”`);
  if ((prev.Description || '') !== (cur.Description || '')) out.push('Description edited');
  if ((prev.SegmentId || '') !== (cur.SegmentId || '')) out.push('Segment changed');
  else if (prev.SegmentVersion !== cur.SegmentVersion && prev.SegmentVersion && cur.SegmentVersion) out.push(`Segment version ${prev.SegmentVersion} → ${cur.SegmentVersion}`);
  if (!same(prev.MessageConfiguration, cur.MessageConfiguration) || !same(prev.TemplateConfiguration, cur.TemplateConfiguration)) out.push('Message edited');
  if (!same(treatments(prev), treatments(cur)) || (prev.HoldoutPercent || 0) !== (cur.HoldoutPercent || 0)) {
    const n = (c) => (c.AdditionalTreatments || []).length;
    out.push(n(prev) !== n(cur) ? `A/B treatments ${n(prev)} → ${n(cur)}` : 'A/B treatments or split edited');
  }
  const ps = prev.Schedule || {};
  const cs = cur.Schedule || {};
  if (!same(ps.EventFilter, cs.EventFilter)) out.push('Trigger: ' + describeTrigger(cs.EventFilter).replace(/\.$/, ''));
  if (!sameTime(ps.StartTime, cs.StartTime)) out.push(`Start ${ps.StartTime || '—'} → ${cs.StartTime || '—'}`);
  if (!sameTime(ps.EndTime, cs.EndTime)) out.push(cs.EndTime ? `End ${ps.EndTime || 'none'} → ${cs.EndTime}` : 'End removed');
  if ((ps.Timezone || 'UTC') !== (cs.Timezone || 'UTC') || !!ps.IsLocalTime !== !!cs.IsLocalTime) out.push('Time zone settings changed');
  if (!same(ps.QuietTime, cs.QuietTime)) out.push('Quiet time changed');
  for (const k of ['Daily', 'Session', 'Total']) {
    const a = (prev.Limits || {})[k] || 0;
    const b = (cur.Limits || {})[k] || 0;
    if (a !== b) out.push(`${k} cap ${a || 'default'} → ${b || 'default'}`);
  }
  if ((prev.Priority || 0) !== (cur.Priority || 0)) out.push(`Priority ${prev.Priority || 'none'} → ${cur.Priority || 'none'}`);
  return out.length ? out : ['No visible change'];
}

// ---------------------------------------------------------------------------
// Data the pages share

async function loadSegments(appId) {
  try {
    return await listAll(`/v1/apps/${enc(appId)}/segments`, (p) => p);
  } catch {
    return [];
  }
}

async function loadTemplates() {
  const items = await listAll('/v1/templates', (p) => p, { 'template-type': 'INAPP' }, 'next-token');
  return items.filter((t) => !t.TemplateType || t.TemplateType === 'INAPP');
}

const templateCache = new Map();
function getTemplate(name, version) {
  const key = name + '@' + (version || '');
  if (!templateCache.has(key)) {
    const p = call('GET', `/v1/templates/${enc(name)}/inapp`, { query: version ? { version } : undefined });
    p.catch(() => templateCache.delete(key));
    templateCache.set(key, p);
  }
  return templateCache.get(key);
}

/** The size of a segment (or of the whole app): { n, inApp, text }. */
async function estimate0(appId, segmentId) {
  const path = `/inappd/v1/apps/${enc(appId)}/segments/estimate`;
  const r = segmentId ? await call('POST', path, { query: { 'segment-id': segmentId } }) : await call('POST', path, { body: {} });
  const n = r.Estimate ?? 0;
  const inApp = r.InAppEstimate ?? n;
  return { n, inApp, text: `${formatNumber(n)} endpoint${n === 1 ? '' : 's'}, ${formatNumber(inApp)} of them can receive in-app messages` };
}

async function estimateText(appId, segmentId) {
  return (await estimate0(appId, segmentId)).text;
}

// ---------------------------------------------------------------------------
// The list

async function renderList(el, ctx) {
  const { appId } = ctx;
  const newBtn = h('a', { class: 'btn btn-primary', href: `#/apps/${appId}/campaigns/new` }, 'Create campaign');
  const body = h('div', {}, spinner('Loading campaigns…'));
  replace(el, pageHeader('Campaigns', newBtn), body);
  let camps;
  let segments;
  try {
    [camps, segments] = await Promise.all([listAll(`/v1/apps/${enc(appId)}/campaigns`, (p) => p), loadSegments(appId)]);
  } catch (err) {
    replace(body, errorBox(err));
    return;
  }
  const segs = new Map(segments.map((s) => [s.Id, s]));
  camps.sort((a, b) => String(b.CreationDate).localeCompare(String(a.CreationDate)));
  if (!camps.length) {
    replace(body, card(null, emptyState('No campaigns yet. A campaign shows a message to a segment when the app records an event.',
      h('a', { class: 'btn btn-primary', href: `#/apps/${appId}/campaigns/new` }, 'Create your first campaign'))));
    return;
  }
  replace(body, card(null, table([
    { label: 'Name', render: (c) => h('a', { href: `#/apps/${appId}/campaigns/${c.Id}`, text: c.Name || c.Id }) },
    { label: 'State', render: (c) => stateBadge(c) },
    { label: 'Priority', class: 'num', render: (c) => (c.Priority ? String(c.Priority) : '—') },
    { label: 'Segment', render: (c) => (c.SegmentId ? (segs.get(c.SegmentId) || {}).Name || c.SegmentId : 'Everyone') },
    { label: 'A/B', render: (c) => ((c.AdditionalTreatments || []).length ? `${(c.AdditionalTreatments || []).length + 1} treatments` : '—') },
    { label: 'Starts', class: 'nowrap', render: (c) => (!c.Schedule || c.Schedule.StartTime === 'IMMEDIATE' ? formatDate(c.CreationDate) : formatDate(c.Schedule.StartTime)) },
    { label: 'Ends', class: 'nowrap', render: (c) => (c.Schedule && c.Schedule.EndTime ? formatDate(c.Schedule.EndTime) : 'No end') },
    { label: 'Modified', class: 'nowrap', render: (c) => formatDate(c.LastModifiedDate) },
  ], camps, { caption: 'Campaigns' })));
}

// ---------------------------------------------------------------------------
// The wizard

const STEPS = ['Segment', 'Message', 'Trigger', 'Schedule', 'Caps', 'Review'];

function numberInput(value, attrs, onValue) {
  return input({ type: 'number', inputmode: 'numeric', value: value === undefined || value === null ? '' : String(value), ...attrs, on: { input: (e) => onValue(e.target.value) } });
}

function colorField(label, value, onValue) {
  const text = input({ value: value || '', class: 'input input-color-text', maxlength: 7, pattern: '#[0-9A-Fa-f]{6}', placeholder: '#RRGGBB' });
  const picker = h('input', { type: 'color', class: 'input-color', value: /^#[0-9a-f]{6}$/i.test(value || '') ? value : '#ffffff', 'aria-label': label + ' (picker)', tabindex: '-1' });
  text.addEventListener('input', () => {
    if (/^#[0-9a-f]{6}$/i.test(text.value)) picker.value = text.value;
    onValue(text.value.trim());
  });
  picker.addEventListener('input', () => {
    text.value = picker.value.toUpperCase();
    onValue(text.value);
  });
  const row = field(label, text);
  row.classList.add('field-color');
  row.append(picker);
  return row;
}

/** The inline message editor for one treatment; onChange() after each edit, rebuild() after a structural one. */
function messageEditor(t, onChange, rebuild, prefix) {
  const m = t.message;
  const layout = select(LAYOUTS, m.Layout, { on: { change: (e) => {
    m.Layout = e.target.value;
    if (m.Layout !== 'CAROUSEL') m.Content = m.Content.slice(0, 1);
    rebuild();
  } } });
  const cards = (m.Layout === 'CAROUSEL' ? m.Content : m.Content.slice(0, 1)).map((c, i) => cardEditor(c, i, m, onChange, rebuild, prefix));
  const custom = Object.entries(m.CustomConfig || {});
  const customRows = h('div', { class: 'kv-rows' });
  const writeCustom = () => {
    m.CustomConfig = {};
    for (const row of customRows.querySelectorAll('.kv-row')) {
      const [k, v] = row.querySelectorAll('input');
      if (k.value.trim()) m.CustomConfig[k.value.trim()] = v.value;
    }
    onChange();
  };
  const addCustomRow = (k = '', v = '') => {
    const row = h('div', { class: 'kv-row' },
      input({ value: k, 'aria-label': `${prefix} custom data key`, placeholder: 'key', on: { input: writeCustom } }),
      input({ value: v, 'aria-label': `${prefix} custom data value`, placeholder: 'value', on: { input: writeCustom } }),
      button('Remove', () => {
        row.remove();
        writeCustom();
      }, { kind: 'ghost', 'aria-label': `Remove custom data ${k || 'row'}` }));
    customRows.append(row);
  };
  custom.forEach(([k, v]) => addCustomRow(k, v));
  return h('div', { class: 'message-editor' },
    field('Layout', layout),
    cards,
    m.Layout === 'CAROUSEL' && m.Content.length < 5
      ? button('Add a card', () => {
        m.Content.push(emptyCard());
        rebuild();
      }, { class: 'btn btn-sm add-card' })
      : null,
    h('fieldset', { class: 'fieldset' },
      h('legend', { text: 'Custom data (CustomConfig)' }),
      h('p', { class: 'field-help', text: 'Key–value pairs the app receives with the message (metadata.customData), e.g. a coupon code.' }),
      customRows,
      button('Add custom data', () => addCustomRow(), { class: 'btn btn-sm' })));
}

function cardEditor(c, i, m, onChange, rebuild, prefix) {
  const set = (obj, key) => (v) => {
    obj[key] = v;
    onChange();
  };
  const text = (label, obj, key, attrs = {}) => field(label, input({ value: obj[key] || '', ...attrs, on: { input: (e) => set(obj, key)(e.target.value) } }));
  const area = (label, obj, key) => field(label, h('textarea', { class: 'input', rows: 3, on: { input: (e) => set(obj, key)(e.target.value) } }, obj[key] || ''));
  c.HeaderConfig = c.HeaderConfig || { Alignment: 'CENTER', Header: '', TextColor: '#000000' };
  c.BodyConfig = c.BodyConfig || { Alignment: 'CENTER', Body: '', TextColor: '#333333' };
  const many = m.Layout === 'CAROUSEL';
  const btn = (which, label) => {
    const present = !!(c[which] && c[which].DefaultConfig);
    const box = checkbox(label, present, { on: { change: (e) => {
      if (e.target.checked) c[which] = { DefaultConfig: { ButtonAction: 'CLOSE', Text: which === 'PrimaryBtn' ? 'OK' : 'Not now', BorderRadius: 8 } };
      else delete c[which];
      rebuild();
    } } });
    if (!present) return h('div', { class: 'button-editor' }, box.el);
    const d = c[which].DefaultConfig;
    const link = text('Link', d, 'Link', { placeholder: d.ButtonAction === 'DEEP_LINK' ? 'myapp://offers' : 'https://example.com/sale', type: 'url' });
    link.hidden = d.ButtonAction === 'CLOSE';
    return h('fieldset', { class: 'fieldset button-editor' },
      h('legend', { class: 'sr-only', text: label }),
      box.el,
      h('div', { class: 'grid-2' },
        text('Button text', d, 'Text'),
        field('Button action', select(ACTIONS, d.ButtonAction, { on: { change: (e) => {
          d.ButtonAction = e.target.value;
          link.hidden = d.ButtonAction === 'CLOSE';
          onChange();
        } } })),
        link,
        colorField('Button colour', d.BackgroundColor, set(d, 'BackgroundColor')),
        colorField('Button text colour', d.TextColor, set(d, 'TextColor'))));
  };
  return h('fieldset', { class: 'fieldset card-editor' },
    h('legend', { text: many ? `Card ${i + 1}` : 'Content' }),
    many && m.Content.length > 1
      ? h('div', { class: 'row row-end' }, button(`Remove card ${i + 1}`, () => {
        m.Content.splice(i, 1);
        rebuild();
      }, { class: 'btn btn-sm btn-danger-outline' }))
      : null,
    h('div', { class: 'grid-2' },
      text('Header', c.HeaderConfig, 'Header', { maxlength: 64 }),
      colorField('Header colour', c.HeaderConfig.TextColor, set(c.HeaderConfig, 'TextColor'))),
    area('Body', c.BodyConfig, 'Body'),
    h('div', { class: 'grid-2' },
      colorField('Body colour', c.BodyConfig.TextColor, set(c.BodyConfig, 'TextColor')),
      colorField('Background colour', c.BackgroundColor, set(c, 'BackgroundColor'))),
    h('div', { class: 'grid-2' },
      field('Header alignment', select(ALIGN, c.HeaderConfig.Alignment, { on: { change: (e) => set(c.HeaderConfig, 'Alignment')(e.target.value) } })),
      field('Body alignment', select(ALIGN, c.BodyConfig.Alignment, { on: { change: (e) => set(c.BodyConfig, 'Alignment')(e.target.value) } }))),
    text('Image URL', c, 'ImageUrl', { type: 'url', placeholder: 'https://…' }),
    btn('PrimaryBtn', 'Primary button'),
    btn('SecondaryBtn', 'Secondary button'));
}

async function renderWizard(el, ctx) {
  const { appId } = ctx;
  const campaignId = ctx.params.campaignId;
  const editing = !!campaignId;
  replace(el, spinner(editing ? 'Loading the campaign…' : 'Loading…'));

  let original = null;
  let segments = [];
  let templates = [];
  let templatesError = null;
  try {
    const tasks = [loadSegments(appId), loadTemplates().catch((e) => {
      templatesError = e;
      return [];
    })];
    if (editing) tasks.push(call('GET', `/v1/apps/${enc(appId)}/campaigns/${enc(campaignId)}`));
    [segments, templates, original] = await Promise.all(tasks);
  } catch (err) {
    replace(el, pageHeader(editing ? 'Edit campaign' : 'Create campaign'), errorBox(err));
    return;
  }
  const draft = editing ? draftFromCampaign(original) : newDraft();
  const segs = new Map(segments.map((s) => [s.Id, s]));
  let step = 0;
  let reached = editing ? STEPS.length - 1 : 0;
  let estimate = null; // text of the current segment's estimate
  let previewKey = draft.main.key;

  // ---- layout: steps list, the step's form, the preview aside ----
  const title = editing ? `Edit campaign: ${original.Name || original.Id}` : 'Create campaign';
  const stepList = h('ol', { class: 'wizard-steps' });
  const stepBody = h('div', { class: 'wizard-body' });
  const errorSlot = h('div', { class: 'wizard-error', 'aria-live': 'assertive' });
  const back = button('Back', () => go(step - 1), { class: 'btn' });
  const next = button('Next', () => go(step + 1), { kind: 'primary' });
  const nav = h('div', { class: 'wizard-nav' }, back, next);
  const frame = previewFrame('phone');
  const previewPick = select([], '', { on: { change: (e) => {
    previewKey = e.target.value;
    updatePreview();
  } } });
  const previewAside = h('aside', { class: 'wizard-preview card', 'aria-label': 'Live preview' },
    h('h2', { class: 'card-title', text: 'Preview' }),
    h('div', { class: 'preview-toolbar' }, deviceSwitch(frame)),
    field('Show', previewPick),
    frame.el,
    h('p', { class: 'muted small preview-note', text: 'Drawn by the web SDK’s own renderer, as users will see it.' }));
  const side = h('div', { class: 'split-sticky' }, previewAside);
  const form = h('form', { class: 'wizard-form', novalidate: true, on: { submit: (e) => e.preventDefault() } }, errorSlot, stepBody, nav);
  replace(el,
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
      h('a', { href: `#/apps/${appId}/campaigns`, text: 'Campaigns' }), ' / ',
      editing ? [h('a', { href: `#/apps/${appId}/campaigns/${campaignId}`, text: original.Name || campaignId }), ' / '] : null,
      h('span', { 'aria-current': 'page', text: editing ? 'Edit' : 'New' })),
    pageHeader(title, h('a', { class: 'btn btn-ghost', href: editing ? `#/apps/${appId}/campaigns/${campaignId}` : `#/apps/${appId}/campaigns` }, 'Cancel')),
    h('nav', { 'aria-label': 'Wizard steps' }, stepList),
    h('div', { class: 'wizard' }, form, side));

  const allTreatments = () => [draft.main, ...draft.treatments];
  const treatmentTitle = (t) => (t === draft.main ? (t.name.trim() || 'Main treatment (A)') : t.name.trim() || `Treatment ${LETTERS[draft.treatments.indexOf(t) + 1]}`);

  const updatePreview = debounce(async () => {
    const ts = allTreatments();
    const t = ts.find((x) => x.key === previewKey) || draft.main;
    replace(previewPick, ts.map((x) => h('option', { value: x.key, text: treatmentTitle(x) })));
    previewPick.value = t.key;
    if (t.source === 'template') {
      if (!t.template) return frame.show({ Layout: 'MIDDLE_BANNER', Content: [{ BackgroundColor: '#FFFFFF', BodyConfig: { Alignment: 'CENTER', Body: 'Pick a template to see it here.', TextColor: '#6B7280' } }] });
      try {
        frame.show(await getTemplate(t.template, t.templateVersion));
      } catch (err) {
        frame.show({ Layout: 'MIDDLE_BANNER', Content: [{ BackgroundColor: '#FFFFFF', BodyConfig: { Alignment: 'CENTER', Body: 'Template not found: ' + err.message, TextColor: '#B91C1C' } }] });
      }
    } else {
      frame.show(cleanMessage(t.message));
    }
  }, 150);

  function showError(msg) {
    replace(errorSlot, msg ? (msg instanceof Error ? errorBox(msg) : h('div', { class: 'error-box', role: 'alert' }, h('p', { class: 'error-message', text: msg }))) : null);
  }

  // ---- validation, per step; returns an error text or '' ----
  function check(i) {
    if (i === 0) {
      if (!draft.Name.trim()) return 'Give the campaign a name.';
    }
    if (i === 1) {
      for (const t of allTreatments()) {
        const n = treatmentTitle(t);
        if (t.source === 'template' && !t.template) return `${n}: pick a template, or write the message.`;
        if (t.source === 'inline') {
          const cards = cleanMessage(t.message).Content;
          if (!cards.length || cards.some((c) => !c.HeaderConfig && !c.BodyConfig)) return `${n}: write a header or a body${cards.length > 1 ? ' on every card' : ''}.`;
          for (const c of cards) for (const b of ['PrimaryBtn', 'SecondaryBtn']) {
            const d = c[b] && c[b].DefaultConfig;
            if (d && !d.Text.trim()) return `${n}: give the ${b === 'PrimaryBtn' ? 'primary' : 'secondary'} button a text.`;
            if (d && d.ButtonAction !== 'CLOSE' && !d.Link) return `${n}: the ${b === 'PrimaryBtn' ? 'primary' : 'secondary'} button opens a link: give the link.`;
          }
        }
      }
      for (const t of draft.treatments) if (!(Number(t.size) >= 1)) return `${treatmentTitle(t)}: give it a share of at least 1%.`;
      const total = draft.treatments.reduce((a, t) => a + (Number(t.size) || 0), 0) + (Number(draft.HoldoutPercent) || 0);
      if (total >= 100) return `The treatments and the holdout take ${total}%: leave some for the main treatment (at most 99% together).`;
    }
    if (i === 2) {
      if (!list(draft.trigger.events).length) return 'Name the event that shows the message (for example _session.start or add_to_cart).';
      for (const a of draft.trigger.attributes) if (a.name.trim() && !list(a.values).length) return `Attribute “${a.name}”: give at least one value.`;
      for (const m of draft.trigger.metrics) if (m.name.trim() && (m.value === '' || !isFinite(Number(m.value)))) return `Metric “${m.name}”: give a number.`;
    }
    if (i === 3) {
      const s = draft.schedule;
      if (s.start === 'AT' && !s.startAt) return 'Give the start date and time, or start immediately.';
      if (s.endAt && s.start === 'AT' && s.endAt <= s.startAt) return 'The end must come after the start.';
      if (s.endAt && s.start === 'IMMEDIATE' && new Date(localToISO(s.endAt, s.Timezone)) <= new Date()) return 'The end is in the past.';
      if (!!s.quietStart !== !!s.quietEnd) return 'Quiet time needs both a start and an end.';
    }
    if (i === 4) {
      for (const k of ['Daily', 'Session', 'Total']) {
        const v = String(draft.limits[k]).trim();
        if (v !== '' && !(Number.isInteger(Number(v)) && Number(v) >= 0)) return `${k} cap: a whole number, 0 or more (empty: the app's default).`;
      }
    }
    return '';
  }

  function go(i) {
    if (i < 0 || i >= STEPS.length) return;
    if (i > step) {
      for (let k = step; k < i; k++) {
        const err = check(k);
        if (err) {
          step = k;
          render();
          showError(err);
          return;
        }
      }
    }
    step = i;
    reached = Math.max(reached, i);
    render();
    showError('');
    const heading = stepBody.querySelector('h2');
    if (heading) heading.focus();
  }

  function renderSteps() {
    replace(stepList, STEPS.map((name, i) => h('li', { class: ['wizard-step', i === step && 'is-current', i < step && 'is-done'] },
      h('button', { type: 'button', class: 'wizard-step-btn', 'aria-current': i === step ? 'step' : null, disabled: i > reached, on: { click: () => go(i) } },
        h('span', { class: 'wizard-step-num', 'aria-hidden': 'true', text: String(i + 1) }),
        h('span', { class: 'sr-only', text: `Step ${i + 1}: ` }),
        h('span', { text: name }),
        i < step ? h('span', { class: 'sr-only', text: ' (done)' }) : null))));
  }

  function stepHeading(text, help) {
    return [h('h2', { class: 'wizard-title', tabindex: '-1', text: `${step + 1}. ${text}` }), help ? h('p', { class: 'muted', text: help }) : null];
  }

  // ---- step 1: segment ----
  function stepSegment() {
    const est = h('p', { class: 'estimate', 'aria-live': 'polite' });
    const refreshEstimate = async () => {
      replace(est, h('span', { class: 'muted', text: 'Estimating the audience…' }));
      try {
        const r = await estimate0(appId, draft.SegmentId);
        estimate = r.text;
        replace(est, h('span', { class: 'estimate-value', text: formatNumber(r.n) }), h('span', { text: `endpoint${r.n === 1 ? '' : 's'} in the audience, ${formatNumber(r.inApp)} of them can receive in-app messages` }));
      } catch (err) {
        estimate = null;
        replace(est, h('span', { class: 'muted', text: `No estimate: ${err.message}` }));
      }
    };
    const segSelect = select([['', 'Every endpoint of the app (no segment)'], ...segments.map((s) => [s.Id, `${s.Name || s.Id}${s.SegmentType === 'IMPORT' ? ' (imported)' : ''}`])], draft.SegmentId,
      { on: { change: (e) => {
        draft.SegmentId = e.target.value;
        refreshEstimate();
      } } });
    refreshEstimate();
    return [
      ...stepHeading('Who: name the campaign and pick its segment'),
      field('Campaign name', input({ value: draft.Name, required: true, maxlength: 64, on: { input: (e) => (draft.Name = e.target.value) } })),
      field('Description', input({ value: draft.Description, on: { input: (e) => (draft.Description = e.target.value) } }), 'Optional: what the campaign is for.'),
      field('Segment', segSelect, h('span', {}, 'The endpoints that may get the message. ', h('a', { href: `#/apps/${appId}/segments`, text: 'Build a segment' }))),
      est,
    ];
  }

  // ---- step 2: message and treatments ----
  function treatmentBlock(t, isMain) {
    const title = treatmentTitle(t);
    const rebuild = () => {
      render();
      previewKey = t.key;
      updatePreview();
    };
    const onChange = () => {
      previewKey = t.key;
      updatePreview();
    };
    const srcName = uid('src');
    const source = h('div', { class: 'radio-row', role: 'radiogroup', 'aria-label': `${title}: message source` },
      [['inline', 'Write the message'], ['template', 'Use a template']].map(([v, l]) => {
        const id = uid('r');
        return h('span', { class: 'radio' },
          h('input', { type: 'radio', id, name: srcName, value: v, checked: t.source === v, on: { change: () => {
            t.source = v;
            rebuild();
          } } }),
          h('label', { for: id, text: l }));
      }));
    let content;
    if (t.source === 'template') {
      const opts = [['', templates.length ? 'Choose a template…' : 'No in-app templates yet'], ...templates.map((x) => [x.TemplateName, x.TemplateName + (x.TemplateDescription ? ' – ' + x.TemplateDescription : '')])];
      if (t.template && !templates.some((x) => x.TemplateName === t.template)) opts.push([t.template, t.template + ' (not found)']);
      content = h('div', {},
        field('Template', select(opts, t.template, { on: { change: (e) => {
          t.template = e.target.value;
          t.templateVersion = '';
          onChange();
        } } }), h('span', {}, t.templateVersion ? `Pinned to version ${t.templateVersion}. ` : 'The campaign uses the template’s active version. ', h('a', { href: `#/apps/${appId}/templates`, text: 'Templates' }))),
        templatesError ? errorBox(templatesError) : null);
    } else {
      content = messageEditor(t, onChange, rebuild, title);
    }
    const block = h('fieldset', { class: 'treatment', 'data-treatment': t.key, on: { focusin: () => {
      if (previewKey !== t.key) {
        previewKey = t.key;
        updatePreview();
      }
    } } },
      h('legend', { class: 'treatment-legend', text: title }),
      h('div', { class: 'grid-2' },
        field('Treatment name', input({ value: t.name, placeholder: isMain ? 'Main (A)' : `Treatment ${LETTERS[draft.treatments.indexOf(t) + 1]}`, on: { input: (e) => {
          t.name = e.target.value;
          block.querySelector('legend').textContent = treatmentTitle(t);
        } } })),
        isMain
          ? h('div', { class: 'field' }, h('span', { class: 'field-label', text: 'Share' }), h('p', { class: 'share-main', text: shareText() }))
          : field('Share (%)', numberInput(t.size, { min: 1, max: 99 }, (v) => {
            t.size = v;
            for (const p of stepBody.querySelectorAll('.share-main')) p.textContent = shareText();
          }), 'SizePercent: the part of the segment that gets this treatment.')),
      source,
      content,
      isMain ? null : button(`Remove ${title}`, () => {
        draft.treatments.splice(draft.treatments.indexOf(t), 1);
        previewKey = draft.main.key;
        rebuild();
      }, { kind: 'danger-outline', class: 'btn btn-sm btn-danger-outline' }));
    return block;
  }
  const shareText = () => (draft.treatments.length || Number(draft.HoldoutPercent) ? `${mainShareOf()}%, what the others leave` : '100% of the segment');
  const mainShareOf = () => 100 - (Number(draft.HoldoutPercent) || 0) - draft.treatments.reduce((a, t) => a + (Number(t.size) || 0), 0);

  function stepMessage() {
    return [
      ...stepHeading('What: the message', 'Write it here or use a template. Add treatments to A/B test other messages on part of the segment.'),
      treatmentBlock(draft.main, true),
      draft.treatments.map((t) => treatmentBlock(t, false)),
      h('div', { class: 'ab-controls' },
        draft.treatments.length < 4
          ? button('Add an A/B treatment', () => {
            const t = treatmentDraft(null, null, { name: '', description: '', size: Math.max(1, Math.floor(mainShareOf() / 2)) });
            t.message = clone(draft.main.message);
            t.source = draft.main.source;
            t.template = draft.main.template;
            draft.treatments.push(t);
            previewKey = t.key;
            render();
            updatePreview();
          }, { class: 'btn' })
          : null,
        field('Holdout (%)', numberInput(draft.HoldoutPercent, { min: 0, max: 99 }, (v) => {
          draft.HoldoutPercent = v;
          for (const p of stepBody.querySelectorAll('.share-main')) p.textContent = shareText();
        }), 'HoldoutPercent: the part of the segment that gets no message, to measure against.')),
    ];
  }

  // ---- step 3: trigger ----
  function stepTrigger() {
    const tr = draft.trigger;
    const sentence = h('p', { class: 'sentence', 'aria-live': 'polite' });
    const say = () => (sentence.textContent = describeTrigger(eventFilter(tr)));
    const listId = uid('events');
    const attrRows = h('div', { class: 'cond-rows' });
    const metricRows = h('div', { class: 'cond-rows' });
    const attrRow = (a) => {
      const row = h('div', { class: 'cond-row' },
        input({ value: a.name, 'aria-label': 'Attribute name', placeholder: 'attribute, e.g. sku', on: { input: (e) => {
          a.name = e.target.value;
          say();
        } } }),
        select(ATTR_TYPES, a.type, { 'aria-label': 'Attribute condition', on: { change: (e) => {
          a.type = e.target.value;
          say();
        } } }),
        input({ value: a.values, 'aria-label': 'Attribute values', placeholder: 'values, comma separated', on: { input: (e) => {
          a.values = e.target.value;
          say();
        } } }),
        button('Remove', () => {
          tr.attributes.splice(tr.attributes.indexOf(a), 1);
          row.remove();
          say();
        }, { kind: 'ghost', 'aria-label': `Remove attribute condition ${a.name}` }));
      attrRows.append(row);
    };
    const metricRow = (m) => {
      const row = h('div', { class: 'cond-row' },
        input({ value: m.name, 'aria-label': 'Metric name', placeholder: 'metric, e.g. price', on: { input: (e) => {
          m.name = e.target.value;
          say();
        } } }),
        select(METRIC_OPS, m.op, { 'aria-label': 'Metric comparison', on: { change: (e) => {
          m.op = e.target.value;
          say();
        } } }),
        input({ type: 'number', value: m.value, 'aria-label': 'Metric value', on: { input: (e) => {
          m.value = e.target.value;
          say();
        } } }),
        button('Remove', () => {
          tr.metrics.splice(tr.metrics.indexOf(m), 1);
          row.remove();
          say();
        }, { kind: 'ghost', 'aria-label': `Remove metric condition ${m.name}` }));
      metricRows.append(row);
    };
    tr.attributes.forEach(attrRow);
    tr.metrics.forEach(metricRow);
    say();
    return [
      ...stepHeading('When: the trigger event', 'The app shows the message when it records a matching event (the SDK checks it on the device).'),
      field('Event name', input({ value: tr.events, list: listId, autocomplete: 'off', placeholder: 'add_to_cart', on: { input: (e) => {
        tr.events = e.target.value;
        say();
      } } }), 'EventType: one or more event names, comma separated.'),
      h('datalist', { id: listId }, SUGGESTED_EVENTS.map((e) => h('option', { value: e }))),
      h('div', { class: 'grid-2' },
        field('Match', select([['INCLUSIVE', 'These events'], ['EXCLUSIVE', 'Any event except these']], tr.DimensionType, { on: { change: (e) => {
          tr.DimensionType = e.target.value;
          say();
        } } })),
        field('Event source', select([['ENDPOINT', 'Events of the endpoint (ENDPOINT)'], ['SYSTEM', 'System events (SYSTEM)']], tr.FilterType, { on: { change: (e) => {
          tr.FilterType = e.target.value;
          say();
        } } }), 'FilterType. In-app campaigns normally use ENDPOINT.')),
      h('fieldset', { class: 'fieldset' }, h('legend', { text: 'Attribute conditions' }),
        h('p', { class: 'field-help', text: 'The event’s attributes must match every condition.' }),
        attrRows,
        button('Add attribute condition', () => {
          const a = { key: uid('a'), name: '', type: 'INCLUSIVE', values: '' };
          tr.attributes.push(a);
          attrRow(a);
          attrRows.lastChild.querySelector('input').focus();
        }, { class: 'btn btn-sm' })),
      h('fieldset', { class: 'fieldset' }, h('legend', { text: 'Metric conditions' }),
        metricRows,
        button('Add metric condition', () => {
          const m = { key: uid('m'), name: '', op: 'GREATER_THAN', value: '' };
          tr.metrics.push(m);
          metricRow(m);
          metricRows.lastChild.querySelector('input').focus();
        }, { class: 'btn btn-sm' })),
      sentence,
    ];
  }

  // ---- step 4: schedule ----
  function stepSchedule() {
    const s = draft.schedule;
    const sentence = h('p', { class: 'sentence', 'aria-live': 'polite' });
    const say = () => (sentence.textContent = describeSchedule(buildRequest(draft).Schedule));
    const startAt = input({ type: 'datetime-local', value: s.startAt, on: { input: (e) => {
      s.startAt = e.target.value;
      say();
    } } });
    const startAtRow = field('Start date and time', startAt);
    startAtRow.hidden = s.start !== 'AT';
    const name = uid('start');
    const startGroup = h('div', { class: 'radio-row', role: 'radiogroup', 'aria-label': 'Start' },
      [['IMMEDIATE', 'Immediately'], ['AT', 'At a date and time']].map(([v, l]) => {
        const id = uid('r');
        return h('span', { class: 'radio' },
          h('input', { type: 'radio', id, name, value: v, checked: s.start === v, on: { change: () => {
            s.start = v;
            startAtRow.hidden = v !== 'AT';
            say();
          } } }),
          h('label', { for: id, text: l }));
      }));
    const local = checkbox("Use each endpoint's local time", s.IsLocalTime, { on: { change: (e) => {
      s.IsLocalTime = e.target.checked;
      say();
    } } });
    say();
    return [
      ...stepHeading('How long: the schedule'),
      h('div', { class: 'field' }, h('span', { class: 'field-label', text: 'Start' }), startGroup),
      startAtRow,
      field('End date and time (optional)', input({ type: 'datetime-local', value: s.endAt, on: { input: (e) => {
        s.endAt = e.target.value;
        say();
      } } }), 'Leave empty for a campaign that runs until you pause or delete it.'),
      h('div', { class: 'grid-2' },
        field('Time zone', select(ZONES, s.Timezone, { on: { change: (e) => {
          const before = s.Timezone;
          s.Timezone = e.target.value;
          // Keep the instants: re-express the dates in the new zone.
          if (!s.IsLocalTime) {
            s.startAt = isoToLocal(localToISO(s.startAt, before), s.Timezone);
            s.endAt = isoToLocal(localToISO(s.endAt, before), s.Timezone);
          }
          render();
        } } }), 'Timezone: the zone the dates above are in.'),
        h('div', { class: 'field' }, local.el, h('p', { class: 'field-help', text: 'IsLocalTime: the dates are wall-clock times wherever each user is.' }))),
      h('fieldset', { class: 'fieldset' }, h('legend', { text: 'Quiet time (optional)' }),
        h('p', { class: 'field-help', text: 'No messages between these times, in the device’s local time.' }),
        h('div', { class: 'grid-2' },
          field('Quiet from', input({ type: 'time', value: s.quietStart, on: { input: (e) => {
            s.quietStart = e.target.value;
            say();
          } } })),
          field('Quiet until', input({ type: 'time', value: s.quietEnd, on: { input: (e) => {
            s.quietEnd = e.target.value;
            say();
          } } })))),
      sentence,
    ];
  }

  // ---- step 5: caps and priority ----
  function stepCaps() {
    const opts = PRIORITIES.map(([v, l]) => [String(v), l]);
    if (draft.Priority && !PRIORITIES.some(([v]) => v === Number(draft.Priority))) opts.push([String(draft.Priority), String(draft.Priority)]);
    if (!draft.Priority) opts.push(['0', 'No priority']);
    const cap = (k, label, help) => field(label, numberInput(draft.limits[k], { min: 0, placeholder: "app's default" }, (v) => (draft.limits[k] = v)), help);
    return [
      ...stepHeading('How often: caps and priority', 'Caps count per endpoint. Empty means the app’s default (Settings), else no cap.'),
      h('div', { class: 'grid-3' },
        cap('Daily', 'Daily cap', 'Limits.Daily: times a day one endpoint may see it.'),
        cap('Session', 'Session cap', 'Limits.Session: times per app session.'),
        cap('Total', 'Total cap', 'Limits.Total: times ever, per endpoint.')),
      field('Priority', select(opts, String(draft.Priority), { on: { change: (e) => (draft.Priority = Number(e.target.value)) } }),
        'When several campaigns match the same event, the lowest number wins.'),
    ];
  }

  // ---- step 6: review ----
  function stepReview() {
    const req = buildRequest(draft, editing);
    const launch = button(editing ? 'Save changes' : 'Launch campaign', async () => {
      const err = [0, 1, 2, 3, 4].map(check).find(Boolean);
      if (err) return showError(err);
      launch.disabled = true;
      showError('');
      try {
        const body = buildRequest(draft, editing);
        const res = editing
          ? await call('PUT', `/v1/apps/${enc(appId)}/campaigns/${enc(campaignId)}`, { body })
          : await call('POST', `/v1/apps/${enc(appId)}/campaigns`, { body });
        toast(editing ? `Saved: version ${res.Version}` : `Launched “${res.Name}”`, 'ok');
        ctx.navigate(`/apps/${appId}/campaigns/${res.Id}`);
      } catch (e) {
        launch.disabled = false;
        showError(e);
      }
    }, { kind: 'primary', class: 'btn btn-primary btn-launch' });
    const paused = checkbox(editing ? 'Paused' : 'Save it paused (launch later)', draft.IsPaused, { on: { change: (e) => {
      draft.IsPaused = e.target.checked;
      render();
    } } });
    const json = JSON.stringify(req, null, 2);
    return [
      ...stepHeading('Review and launch'),
      summaryList(req, { segments: segs, estimate }),
      h('details', { class: 'json-details', open: true },
        h('summary', { text: editing ? 'The UpdateCampaign request that will be sent' : 'The CreateCampaign request that will be sent' }),
        h('pre', { class: 'code json', tabindex: '0', 'aria-label': 'Request JSON' }, json)),
      h('div', { class: 'launch-row' }, paused.el, launch),
    ];
  }

  const builders = [stepSegment, stepMessage, stepTrigger, stepSchedule, stepCaps, stepReview];
  function render() {
    renderSteps();
    replace(stepBody, builders[step]());
    back.hidden = step === 0;
    next.hidden = step === STEPS.length - 1;
    side.hidden = step !== 1 && step !== STEPS.length - 1;
    el.querySelector('.wizard').classList.toggle('split', !side.hidden);
    updatePreview();
  }
  render();
}

// ---------------------------------------------------------------------------
// A campaign's page

async function renderDetail(el, ctx) {
  const { appId } = ctx;
  const id = ctx.params.campaignId;
  const base = `/v1/apps/${enc(appId)}/campaigns/${enc(id)}`;
  replace(el, spinner('Loading the campaign…'));
  let c;
  let segments;
  try {
    [c, segments] = await Promise.all([call('GET', base), loadSegments(appId)]);
  } catch (err) {
    replace(el, pageHeader('Campaign'), errorBox(err));
    return;
  }
  const segs = new Map(segments.map((s) => [s.Id, s]));

  const pauseBtn = button(c.IsPaused ? 'Resume' : 'Pause', async () => {
    pauseBtn.disabled = true;
    try {
      const res = await call('PUT', base, { body: { IsPaused: !c.IsPaused } });
      toast(res.IsPaused ? 'Paused: nobody gets it until you resume it.' : 'Resumed.', 'ok');
      renderDetail(el, ctx);
    } catch (err) {
      pauseBtn.disabled = false;
      toast(err.message, 'error');
    }
  }, { class: 'btn' });
  const delBtn = button('Delete', async () => {
    if (!(await confirmDialog(`Delete “${c.Name || c.Id}”?`, 'The campaign stops at once and cannot be restored. Its past analytics stay.', 'Delete campaign'))) return;
    try {
      await call('DELETE', base);
      toast('Campaign deleted.', 'ok');
      ctx.navigate(`/apps/${appId}/campaigns`);
    } catch (err) {
      toast(err.message, 'error');
    }
  }, { kind: 'danger-outline' });

  // Preview of each treatment.
  const frame = previewFrame('phone');
  const tIds = ['0', ...(c.AdditionalTreatments || []).map((t) => String(t.Id))];
  const showTreatment = async (tid) => {
    const t = tid === '0' ? c : (c.AdditionalTreatments || []).find((x) => String(x.Id) === tid) || c;
    const tpl = (t.TemplateConfiguration && t.TemplateConfiguration.InAppTemplate) || (!(t.MessageConfiguration && t.MessageConfiguration.InAppMessage) && c.TemplateConfiguration && c.TemplateConfiguration.InAppTemplate);
    try {
      if (tpl && tpl.Name) frame.show(await getTemplate(tpl.Name, tpl.Version));
      else frame.show(((t.MessageConfiguration && t.MessageConfiguration.InAppMessage) || (c.MessageConfiguration && c.MessageConfiguration.InAppMessage)));
    } catch (err) {
      frame.show({ Layout: 'MIDDLE_BANNER', Content: [{ BodyConfig: { Alignment: 'CENTER', Body: err.message, TextColor: '#B91C1C' } }] });
    }
  };
  const pick = tIds.length > 1 ? field('Treatment', select(tIds.map((t) => [t, treatmentLabel(c, t)]), '0', { on: { change: (e) => showTreatment(e.target.value) } })) : null;

  const estimateSlot = h('span', { text: 'estimating…' });
  estimateText(appId, c.SegmentId).then((t) => (estimateSlot.textContent = t), () => (estimateSlot.textContent = ''));

  // Test sends.
  const testList = h('div', { 'aria-live': 'polite' });
  const testInput = input({ placeholder: 'endpoint ID, e.g. the one in your test device', autocomplete: 'off' });
  const loadTests = async () => {
    try {
      const r = await call('GET', `/inappd/v1/apps/${enc(appId)}/campaigns/${enc(id)}/test-sends`);
      const items = (r && r.Item) || [];
      replace(testList, items.length ? table([
        { label: 'Endpoint', render: (x) => h('a', { href: `#/apps/${appId}/endpoints/${enc(x.EndpointId)}`, text: x.EndpointId }) },
        { label: 'Until', render: (x) => formatDate(x.ExpiresAt) },
        { label: '', render: (x) => button('Stop', async () => {
          try {
            await call('DELETE', `/inappd/v1/apps/${enc(appId)}/campaigns/${enc(id)}/test-sends/${enc(x.EndpointId)}`);
            loadTests();
          } catch (err) {
            toast(err.message, 'error');
          }
        }, { kind: 'ghost', 'aria-label': `Stop the test send to ${x.EndpointId}` }) },
      ], items, { caption: 'Active test sends' }) : null);
    } catch (err) {
      replace(testList, err instanceof ApiError && err.status === 404 && !/campaign/i.test(err.message) ? h('p', { class: 'muted', text: 'This server has no test-send extension yet.' }) : errorBox(err));
    }
  };
  const sendTest = button('Send to test endpoint', async () => {
    const ep = testInput.value.trim();
    if (!ep) {
      testInput.focus();
      return toast('Type the endpoint ID of your test device.', 'error');
    }
    sendTest.disabled = true;
    try {
      const r = await call('POST', `/inappd/v1/apps/${enc(appId)}/campaigns/${enc(id)}/test-sends`, { body: { EndpointId: ep } });
      toast(`Until ${formatDate(r.ExpiresAt)}, ${ep} gets this campaign first, whatever its segment, schedule and caps.`, 'ok');
      testInput.value = '';
      loadTests();
    } catch (err) {
      toast(err.message, 'error');
    } finally {
      sendTest.disabled = false;
    }
  }, { class: 'btn' });

  // Versions.
  const versionsSlot = h('div', {}, spinner('Loading versions…'));
  (async () => {
    try {
      const all = await listAll(`${base}/versions`, (p) => p);
      all.sort((a, b) => (a.Version || 0) - (b.Version || 0));
      const rows = all.map((v, i) => ({ v, changes: versionChanges(all[i - 1], v) })).reverse();
      replace(versionsSlot, table([
        { label: 'Version', class: 'nowrap', render: (r) => String(r.v.Version) + (r.v.Version === c.Version ? ' (current)' : '') },
        { label: 'What changed', render: (r) => h('ul', { class: 'changes' }, r.changes.map((x) => h('li', { text: x }))) },
        { label: 'Saved', render: (r) => h('span', { class: 'muted small', text: formatDate(r.v.LastModifiedDate) }) },
      ], rows, { caption: 'Versions of the campaign' }));
    } catch (err) {
      replace(versionsSlot, errorBox(err));
    }
  })();

  replace(el,
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
      h('a', { href: `#/apps/${appId}/campaigns`, text: 'Campaigns' }), ' / ', h('span', { 'aria-current': 'page', text: c.Name || c.Id })),
    pageHeader(c.Name || c.Id,
      h('a', { class: 'btn', href: `#/apps/${appId}/campaigns/${id}/analytics` }, 'Analytics'),
      h('a', { class: 'btn', href: `#/apps/${appId}/campaigns/${id}/edit` }, 'Edit'),
      pauseBtn,
      delBtn),
    h('p', { class: 'state-line' }, stateBadge(c), ' ', h('span', { class: 'muted', text: `${(STATES[stateOf(c)] || [0, 0, ''])[2]} Version ${c.Version} · created ${formatDate(c.CreationDate)} · ID ${c.Id}` })),
    h('div', { class: 'split' },
      h('div', { class: 'detail-main' },
        card('Summary', summaryList(c, { segments: segs, estimate: estimateSlot })),
        card('Send to a test endpoint',
          h('p', { class: 'muted', text: 'For the next hour the endpoint gets this campaign first on GetInAppMessages, even outside its segment, schedule or caps. Handy to check it on a real device.' }),
          h('div', { class: 'inline-form' }, field('Test endpoint ID', testInput), sendTest),
          testList),
        card('Versions', versionsSlot)),
      h('div', { class: 'split-sticky' },
        h('section', { class: 'card detail-preview', 'aria-label': 'Message preview' },
          h('h2', { class: 'card-title', text: 'Message' }),
          h('div', { class: 'preview-toolbar' }, deviceSwitch(frame)),
          pick, frame.el))));
  showTreatment('0');
  loadTests();
}

export const routes = [
  { path: '/apps/:appId/campaigns', title: 'Campaigns', nav: 'campaigns', render: renderList },
  { path: '/apps/:appId/campaigns/new', title: 'Create campaign', nav: 'campaigns', render: renderWizard },
  { path: '/apps/:appId/campaigns/:campaignId/edit', title: 'Edit campaign', nav: 'campaigns', render: renderWizard },
  { path: '/apps/:appId/campaigns/:campaignId', title: 'Campaign', nav: 'campaigns', render: renderDetail },
];
