// Segments: the list, a rule builder for every dimension kind and for
// segment groups, with a live size estimate (the estimate extension), and
// importing endpoints from a CSV/JSON file (the upload extension, then
// GetImportJob for progress).

import { call, listAll, upload, ApiError } from '../api.js';
import {
  h, replace, pageHeader, card, field, input, select, button, checkbox, errorBox, toast, confirmDialog,
  formatDate, formatNumber, table, badge, emptyState, debounce, spinner,
} from '../ui.js';

// ---- vocabulary ----

const DEMOGRAPHIC = [
  ['AppVersion', 'App version'],
  ['Channel', 'Channel'],
  ['DeviceType', 'Device type'],
  ['Make', 'Device make'],
  ['Model', 'Device model'],
  ['Platform', 'Platform'],
];
const KINDS = [
  ['demographic:AppVersion', 'App version'],
  ['demographic:Channel', 'Channel'],
  ['demographic:DeviceType', 'Device type'],
  ['demographic:Make', 'Device make'],
  ['demographic:Model', 'Device model'],
  ['demographic:Platform', 'Platform'],
  ['country', 'Country'],
  ['gps', 'Near a location (GPS)'],
  ['userattr', 'User attribute'],
  ['attr', 'Endpoint attribute'],
  ['metric', 'Endpoint metric'],
  ['recency', 'Activity (recency)'],
];
const SET_TYPES = [['INCLUSIVE', 'is one of'], ['EXCLUSIVE', 'is not one of']];
const ATTR_TYPES = [
  ['INCLUSIVE', 'is one of'],
  ['EXCLUSIVE', 'is not one of'],
  ['CONTAINS', 'contains'],
  ['BEFORE', 'is before (date)'],
  ['AFTER', 'is after (date)'],
  ['ON', 'is on (date)'],
  ['BETWEEN', 'is between (dates)'],
];
const METRIC_OPS = [
  ['GREATER_THAN', '>'],
  ['GREATER_THAN_OR_EQUAL', '≥'],
  ['LESS_THAN', '<'],
  ['LESS_THAN_OR_EQUAL', '≤'],
  ['EQUAL', '='],
];
const RECENCY = [['ACTIVE', 'was active'], ['INACTIVE', 'was not active']];
const DURATIONS = [['HR_24', 'in the last 24 hours'], ['DAY_7', 'in the last 7 days'], ['DAY_14', 'in the last 14 days'], ['DAY_30', 'in the last 30 days']];
const SET_OPS = [['ALL', 'all'], ['ANY', 'any'], ['NONE', 'none']];
const SUGGEST = {
  Channel: ['IN_APP', 'APNS', 'GCM', 'EMAIL', 'SMS', 'CUSTOM'],
  Platform: ['web', 'ios', 'android'],
  DeviceType: ['web', 'ios', 'android'],
};
const JOB_DONE = new Set(['COMPLETED', 'FAILED']);

const segPath = (appId, id) => '/v1/apps/' + encodeURIComponent(appId) + '/segments' + (id ? '/' + encodeURIComponent(id) : '');
const splitValues = (s) => s.split(',').map((v) => v.trim()).filter(Boolean);

// ---- rules ⇄ SegmentDimensions ----

function newRule(kind = 'userattr') {
  return { kind, op: kind === 'metric' ? 'GREATER_THAN' : 'INCLUSIVE', name: '', values: '', from: '', to: '', value: '', lat: '', lon: '', range: '', recency: 'ACTIVE', duration: 'DAY_7' };
}

/** One SegmentDimensions → a list of rules (one per criterion). */
function rulesFrom(d) {
  const out = [];
  if (!d) return out;
  for (const [k] of DEMOGRAPHIC) {
    const s = d.Demographic && d.Demographic[k];
    if (s) out.push({ ...newRule('demographic:' + k), op: s.DimensionType || 'INCLUSIVE', values: (s.Values || []).join(', ') });
  }
  if (d.Location?.Country) out.push({ ...newRule('country'), op: d.Location.Country.DimensionType || 'INCLUSIVE', values: (d.Location.Country.Values || []).join(', ') });
  if (d.Location?.GPSPoint) {
    const g = d.Location.GPSPoint;
    out.push({ ...newRule('gps'), lat: String(g.Coordinates?.Latitude ?? ''), lon: String(g.Coordinates?.Longitude ?? ''), range: g.RangeInKilometers != null ? String(g.RangeInKilometers) : '' });
  }
  for (const [kind, map] of [['userattr', d.UserAttributes], ['attr', d.Attributes]]) {
    for (const [name, a] of Object.entries(map || {})) {
      const r = { ...newRule(kind), name, op: a.AttributeType || 'INCLUSIVE' };
      if (r.op === 'BETWEEN') [r.from = '', r.to = ''] = a.Values || [];
      else r.values = (a.Values || []).join(', ');
      out.push(r);
    }
  }
  for (const [name, m] of Object.entries(d.Metrics || {})) out.push({ ...newRule('metric'), name, op: m.ComparisonOperator, value: String(m.Value ?? '') });
  if (d.Behavior?.Recency) out.push({ ...newRule('recency'), recency: d.Behavior.Recency.RecencyType, duration: d.Behavior.Recency.Duration });
  return out;
}

/** A list of rules → one SegmentDimensions; problems collects what is wrong. */
function dimsFrom(rules, where, problems) {
  const d = {};
  const seen = new Set();
  const once = (key, label) => {
    if (seen.has(key)) problems.push(where + ': two ' + label + ' rules; put all their values in one rule.');
    seen.add(key);
  };
  rules.forEach((r, i) => {
    const at = where + ', rule ' + (i + 1);
    if (r.kind.startsWith('demographic:')) {
      const k = r.kind.split(':')[1];
      once(r.kind, KINDS.find((x) => x[0] === r.kind)[1]);
      const values = splitValues(r.values);
      if (!values.length) problems.push(at + ': give at least one value.');
      (d.Demographic ||= {})[k] = { DimensionType: r.op, Values: values };
    } else if (r.kind === 'country') {
      once('country', 'Country');
      const values = splitValues(r.values).map((v) => v.toUpperCase());
      if (!values.length) problems.push(at + ': give at least one country code (ISO 3166-1 alpha-2, e.g. US, DE).');
      (d.Location ||= {}).Country = { DimensionType: r.op, Values: values };
    } else if (r.kind === 'gps') {
      once('gps', 'GPS');
      const lat = Number(r.lat), lon = Number(r.lon);
      if (r.lat === '' || r.lon === '' || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) problems.push(at + ': latitude must be from -90 to 90 and longitude from -180 to 180.');
      const g = { Coordinates: { Latitude: lat, Longitude: lon } };
      if (r.range !== '') {
        if (!(Number(r.range) > 0)) problems.push(at + ': the range must be a positive number of kilometres.');
        g.RangeInKilometers = Number(r.range);
      }
      (d.Location ||= {}).GPSPoint = g;
    } else if (r.kind === 'userattr' || r.kind === 'attr') {
      const map = r.kind === 'userattr' ? 'UserAttributes' : 'Attributes';
      if (!r.name.trim()) problems.push(at + ': name the attribute.');
      once(map + ':' + r.name.trim(), (r.kind === 'userattr' ? 'user attribute ' : 'endpoint attribute ') + '"' + r.name.trim() + '"');
      let values;
      if (r.op === 'BETWEEN') {
        values = [r.from.trim(), r.to.trim()];
        if (!values[0] || !values[1]) problems.push(at + ': give both dates of the range.');
      } else {
        values = splitValues(r.values);
        if (!values.length) problems.push(at + ': give at least one value.');
      }
      (d[map] ||= {})[r.name.trim()] = { AttributeType: r.op, Values: values };
    } else if (r.kind === 'metric') {
      if (!r.name.trim()) problems.push(at + ': name the metric.');
      once('metric:' + r.name.trim(), 'metric "' + r.name.trim() + '"');
      if (r.value === '' || isNaN(Number(r.value))) problems.push(at + ': the metric value must be a number.');
      (d.Metrics ||= {})[r.name.trim()] = { ComparisonOperator: r.op, Value: Number(r.value) };
    } else if (r.kind === 'recency') {
      once('recency', 'activity');
      d.Behavior = { Recency: { RecencyType: r.recency, Duration: r.duration } };
    }
  });
  return d;
}

/** Editor state → WriteSegmentRequest (without Name) and the problems found. */
function toRequest(s) {
  const problems = [];
  if (s.mode === 'rules') return { req: { Dimensions: dimsFrom(s.rules, 'Rules', problems) }, problems };
  const group = {
    Type: s.group.type,
    SourceType: s.group.sourceType,
    Dimensions: s.group.sets.map((set, i) => dimsFrom(set, 'Rule set ' + (i + 1), problems)),
    SourceSegments: s.group.sources.filter((x) => x.id).map((x) => (x.version ? { Id: x.id, Version: Number(x.version) } : { Id: x.id })),
  };
  if (!group.Dimensions.length) delete group.Dimensions;
  if (!group.SourceSegments.length) delete group.SourceSegments;
  return { req: { SegmentGroups: { Include: s.include, Groups: [group] } }, problems };
}

// ---- rule editor ----

let ruleSeq = 0;

/** Labels a control for assistive tech with the rule it belongs to ("Rule 2 values"). */
function named(control, prefix, label) {
  control.setAttribute('aria-label', prefix + ' ' + label.toLowerCase());
  return field(label, control);
}

function ruleEditor(r, prefix, onChange, onRemove, redraw) {
  const bind = (el, key, ev = 'input') => {
    el.value = r[key] ?? '';
    el.addEventListener(ev, () => {
      r[key] = el.value;
      onChange();
    });
    return el;
  };
  const kind = select(KINDS, r.kind);
  kind.addEventListener('change', () => {
    const fresh = newRule(kind.value);
    fresh.name = r.name;
    Object.assign(r, fresh);
    redraw();
    onChange();
  });
  const parts = [named(kind, prefix, 'Dimension')];
  if (r.kind.startsWith('demographic:') || r.kind === 'country') {
    const k = r.kind.split(':')[1];
    const listId = SUGGEST[k] ? 'suggest-' + k : null;
    const values = bind(input({ autocomplete: 'off', spellcheck: 'false', list: listId, placeholder: r.kind === 'country' ? 'US, DE' : k === 'AppVersion' ? '1.2.0, 1.3.0' : 'comma separated' }), 'values');
    parts.push(named(bind(select(SET_TYPES, r.op), 'op', 'change'), prefix, 'Operator'), named(values, prefix, 'Values'));
    if (listId) parts.push(h('datalist', { id: listId }, SUGGEST[k].map((v) => h('option', { value: v }))));
  } else if (r.kind === 'gps') {
    parts.push(
      named(bind(input({ type: 'number', step: 'any', min: '-90', max: '90', placeholder: '52.52' }), 'lat'), prefix, 'Latitude'),
      named(bind(input({ type: 'number', step: 'any', min: '-180', max: '180', placeholder: '13.40' }), 'lon'), prefix, 'Longitude'),
      named(bind(input({ type: 'number', step: 'any', min: '0', placeholder: '100' }), 'range'), prefix, 'Range (km)'));
  } else if (r.kind === 'userattr' || r.kind === 'attr') {
    const op = bind(select(ATTR_TYPES, r.op), 'op', 'change');
    op.addEventListener('change', () => redraw());
    parts.push(named(bind(input({ autocomplete: 'off', spellcheck: 'false', placeholder: r.kind === 'userattr' ? 'e.g. plan' : 'e.g. interests' }), 'name'), prefix, 'Attribute name'), named(op, prefix, 'Operator'));
    const date = ['BEFORE', 'AFTER', 'ON'].includes(r.op);
    if (r.op === 'BETWEEN') {
      parts.push(
        named(bind(input({ autocomplete: 'off', placeholder: '2026-01-01' }), 'from'), prefix, 'From'),
        named(bind(input({ autocomplete: 'off', placeholder: '2026-01-31' }), 'to'), prefix, 'To'));
    } else {
      parts.push(named(bind(input({ autocomplete: 'off', placeholder: date ? '2026-01-31 or 2026-01-31T12:00:00Z' : 'comma separated' }), 'values'), prefix, date ? 'Date' : 'Values'));
    }
  } else if (r.kind === 'metric') {
    parts.push(
      named(bind(input({ autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. purchases' }), 'name'), prefix, 'Metric name'),
      named(bind(select(METRIC_OPS.map(([v, l]) => [v, l + ' ' + v.toLowerCase().replace(/_/g, ' ')]), r.op), 'op', 'change'), prefix, 'Comparison'),
      named(bind(input({ type: 'number', step: 'any' }), 'value'), prefix, 'Value'));
  } else if (r.kind === 'recency') {
    parts.push(
      named(bind(select(RECENCY, r.recency), 'recency', 'change'), prefix, 'Activity'),
      named(bind(select(DURATIONS, r.duration), 'duration', 'change'), prefix, 'Period'));
  }
  return h('fieldset', { class: 'rule', 'aria-label': prefix },
    h('div', { class: 'rule-head' },
      h('span', { class: 'rule-title', text: prefix }),
      button('Remove', onRemove, { class: 'btn btn-sm btn-ghost', 'aria-label': 'Remove ' + prefix.toLowerCase() })),
    h('div', { class: 'rule-grid' }, parts));
}

/** A list of rules (one SegmentDimensions) with Add/Remove. */
function rulesEditor(rules, prefixOf, onChange, emptyText, addLabel = 'Add rule') {
  const box = h('div');
  const draw = () => {
    replace(box,
      rules.length ? null : h('p', { class: 'muted', text: emptyText }),
      rules.map((r, i) => {
        const slot = h('div');
        const drawRule = () => replace(slot, ruleEditor(r, prefixOf(i), onChange, () => {
          rules.splice(i, 1);
          draw();
          onChange();
        }, drawRule));
        drawRule();
        return slot;
      }),
      button('Add rule', () => {
        rules.push(newRule());
        draw();
        onChange();
        [...box.querySelectorAll('.rule')].pop()?.querySelector('select')?.focus();
      }, { class: 'btn btn-sm', 'aria-label': addLabel }));
  };
  draw();
  return box;
}

// ---- list ----

async function renderList(el, ctx) {
  const segs = await listAll(segPath(ctx.appId), (r) => r.SegmentsResponse || r);
  segs.sort((a, b) => (b.LastModifiedDate || b.CreationDate || '').localeCompare(a.LastModifiedDate || a.CreationDate || ''));
  const base = '#/apps/' + encodeURIComponent(ctx.appId) + '/segments/';
  const sizes = new Map();
  const sizeCell = (s) => {
    const c = h('span', { class: 'muted', text: '…' });
    sizes.set(s.Id, c);
    return c;
  };
  const listSlot = h('div');
  const draw = () => replace(listSlot, segs.length
    ? table([
      { label: 'Name', render: (s) => h('a', { href: base + encodeURIComponent(s.Id) }, s.Name || '(no name)') },
      { label: 'Type', render: (s) => badge(s.SegmentType === 'IMPORT' ? 'Imported' : 'Rules', s.SegmentType === 'IMPORT' ? 'info' : 'neutral') },
      { label: 'Endpoints', class: 'num', render: sizeCell },
      { label: 'Version', class: 'num', render: (s) => String(s.Version ?? '—') },
      { label: 'Last modified', render: (s) => formatDate(s.LastModifiedDate || s.CreationDate) },
      { label: 'Actions', class: 'actions', render: (s) => button('Delete', async () => {
        const ok = await confirmDialog('Delete segment ' + (s.Name || s.Id) + '?', 'Campaigns that target it stop delivering. This cannot be undone.', 'Delete segment');
        if (!ok) return;
        try {
          await call('DELETE', segPath(ctx.appId, s.Id));
          toast('Segment ' + (s.Name || s.Id) + ' deleted', 'ok');
          segs.splice(segs.indexOf(s), 1);
          draw();
        } catch (err) {
          toast(err.message, 'error');
        }
      }, { class: 'btn btn-sm btn-danger-outline', 'aria-label': 'Delete segment ' + (s.Name || s.Id) }) },
    ], segs, { caption: 'Segments' })
    : emptyState('No segments yet. A segment picks the endpoints a campaign shows its message to; without one a campaign reaches every endpoint of the app.',
      h('a', { class: 'btn btn-primary', href: base + 'new' }, 'Create your first segment')));
  draw();
  replace(el,
    pageHeader('Segments',
      h('a', { class: 'btn', href: base + 'import' }, 'Import endpoints'),
      h('a', { class: 'btn btn-primary', href: base + 'new' }, 'New segment')),
    listSlot);
  // Sizes, one estimate at a time (cheap on small apps, gentle on big ones).
  (async () => {
    for (const s of segs.slice(0, 25)) {
      if (!ctx.active) return;
      const c = sizes.get(s.Id);
      try {
        const r = await call('POST', '/inappd/v1/apps/' + encodeURIComponent(ctx.appId) + '/segments/estimate', { query: { 'segment-id': s.Id } });
        c.textContent = formatNumber(r.Estimate);
        c.className = '';
      } catch {
        c.textContent = '—';
      }
    }
  })();
}

// ---- editor ----

async function renderEditor(el, ctx) {
  const isNew = !ctx.params.segmentId;
  const appPath = '/apps/' + encodeURIComponent(ctx.appId) + '/segments';
  let seg = null;
  if (!isNew) {
    try {
      seg = await call('GET', segPath(ctx.appId, ctx.params.segmentId));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        replace(el, pageHeader('Segment not found'), emptyState('There is no segment with the ID ' + ctx.params.segmentId + ' in this app.', h('a', { class: 'btn btn-primary', href: '#' + appPath }, 'Back to segments')));
        return;
      }
      throw err;
    }
  }
  const others = (await listAll(segPath(ctx.appId), (r) => r.SegmentsResponse || r)).filter((s) => !seg || s.Id !== seg.Id);
  const imported = seg && seg.SegmentType === 'IMPORT';

  const g0 = seg?.SegmentGroups?.Groups?.[0];
  const state = {
    name: seg?.Name || '',
    mode: seg?.SegmentGroups ? 'groups' : 'rules',
    rules: rulesFrom(seg?.Dimensions),
    include: seg?.SegmentGroups?.Include || 'ALL',
    group: {
      type: g0?.Type || 'ALL',
      sourceType: g0?.SourceType || 'ANY',
      sets: (g0?.Dimensions || []).map(rulesFrom),
      sources: (g0?.SourceSegments || []).map((x) => ({ id: x.Id, version: x.Version ? String(x.Version) : '' })),
    },
  };
  if (isNew && !state.rules.length) state.rules.push(newRule('userattr'));
  if (!state.group.sets.length) state.group.sets.push([]);

  // Estimate
  const estValue = h('span', { class: 'estimate-value', text: '—' });
  const estDetail = h('span', { class: 'muted' });
  const estNote = h('div', { class: 'small' });
  const estimateBox = h('div', { 'aria-live': 'polite', 'aria-atomic': 'true' },
    h('div', { class: 'estimate' }, estValue, h('span', { text: 'endpoints' })), estDetail, estNote);
  let estSeq = 0;
  const estimate = debounce(async () => {
    const seq = ++estSeq;
    const { req, problems } = toRequest(state);
    if (problems.length) {
      estValue.classList.add('estimate-stale');
      replace(estNote, h('p', { class: 'muted', text: 'Finish the rules to see the size: ' + problems[0] }));
      return;
    }
    estValue.classList.add('estimate-stale');
    try {
      const r = imported && !dirty
        ? await call('POST', '/inappd/v1/apps/' + encodeURIComponent(ctx.appId) + '/segments/estimate', { query: { 'segment-id': seg.Id } })
        : await call('POST', '/inappd/v1/apps/' + encodeURIComponent(ctx.appId) + '/segments/estimate', { body: req });
      if (seq !== estSeq) return;
      estValue.textContent = formatNumber(r.Estimate);
      estValue.classList.remove('estimate-stale');
      estDetail.textContent = formatNumber(r.InAppEstimate) + ' can get in-app messages · ' + formatNumber(r.EndpointsScanned) + ' endpoints checked in ' + formatNumber(r.Milliseconds) + ' ms';
      replace(estNote);
    } catch (err) {
      if (seq !== estSeq) return;
      replace(estNote, h('p', { class: 'field-error', text: 'Cannot estimate: ' + err.message }));
    }
  }, 450);
  let dirty = false;
  const onChange = () => {
    dirty = true;
    estimate();
  };

  // Name
  const name = input({ name: 'segment-name', autocomplete: 'off', maxlength: '64', value: state.name, placeholder: 'e.g. Gold members on iOS' });
  name.addEventListener('input', () => (state.name = name.value));

  // Mode
  const modeBox = h('div');
  const modeSwitch = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Segment kind' });
  const drawMode = () => {
    modeSwitch.replaceChildren(...[['rules', 'Rules'], ['groups', 'Segment group']].map(([m, l]) => h('button', {
      type: 'button', class: 'segmented-btn', role: 'radio', 'aria-checked': String(state.mode === m), tabindex: state.mode === m ? '0' : '-1',
      on: {
        click: () => {
          switchMode(m);
          drawMode();
          onChange();
          modeSwitch.querySelector('[aria-checked="true"]')?.focus();
        },
        keydown: (e) => {
          if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
            switchMode(state.mode === 'rules' ? 'groups' : 'rules');
            drawMode();
            onChange();
            modeSwitch.querySelector('[aria-checked="true"]')?.focus();
          }
        },
      },
    }, l)));
    replace(modeBox, state.mode === 'rules' ? rulesCard() : groupCard());
  };

  // Carry the rules across when the marketer switches how to build the
  // segment, rather than starting over.
  function switchMode(m) {
    const copy = (rules) => rules.map((r) => ({ ...r }));
    const g = state.group;
    if (m === 'groups' && state.mode === 'rules' && g.sets.every((x) => !x.length) && !g.sources.length && state.rules.length) g.sets = [copy(state.rules)];
    if (m === 'rules' && state.mode === 'groups' && !state.rules.length && g.sets.length === 1 && !g.sources.length) state.rules = copy(g.sets[0]);
    state.mode = m;
  }

  function rulesCard() {
    return card('Rules',
      h('p', { class: 'muted', text: 'An endpoint is in the segment when it matches every rule. No rules: every endpoint of the app.' }),
      rulesEditor(state.rules, (i) => 'Rule ' + (i + 1), onChange, 'No rules: the segment holds every endpoint.'));
  }

  function groupCard() {
    const g = state.group;
    const include = select([['ALL', 'match the group (ALL)'], ['ANY', 'match the group (ANY)'], ['NONE', 'do not match the group (NONE)']], state.include);
    include.addEventListener('change', () => { state.include = include.value; onChange(); });
    const type = select(SET_OPS.map(([v, l]) => [v, l + ' of the rule sets']), g.type);
    type.addEventListener('change', () => { g.type = type.value; onChange(); });
    const sourceType = select(SET_OPS.map(([v, l]) => [v, 'in ' + l + ' of these segments']), g.sourceType);
    sourceType.addEventListener('change', () => { g.sourceType = sourceType.value; onChange(); });

    const sourcesBox = h('div');
    const drawSources = () => {
      replace(sourcesBox,
        g.sources.length ? null : h('p', { class: 'muted', text: 'No source segments: the group starts from every endpoint.' }),
        g.sources.map((src, i) => {
          const pick = select([['', 'Choose a segment…'], ...others.map((s) => [s.Id, (s.Name || s.Id) + (s.SegmentType === 'IMPORT' ? ' (imported)' : '')])], src.id);
          pick.addEventListener('change', () => { src.id = pick.value; onChange(); });
          const ver = input({ type: 'number', min: '1', step: '1', placeholder: 'Latest', value: src.version });
          ver.addEventListener('input', () => { src.version = ver.value; onChange(); });
          return h('div', { class: 'kv-row' },
            named(pick, 'Source segment ' + (i + 1), 'Segment'),
            named(ver, 'Source segment ' + (i + 1), 'Version'),
            h('div', { class: 'field' }, button('Remove', () => { g.sources.splice(i, 1); drawSources(); onChange(); }, { class: 'btn btn-ghost', 'aria-label': 'Remove source segment ' + (i + 1) })));
        }),
        others.length
          ? button('Add source segment', () => { g.sources.push({ id: '', version: '' }); drawSources(); onChange(); }, { class: 'btn btn-sm' })
          : h('p', { class: 'muted small', text: 'This app has no other segments to build on.' }));
    };
    drawSources();

    const setsBox = h('div');
    const drawSets = () => {
      replace(setsBox,
        g.sets.map((set, si) => h('div', { class: 'group' },
          h('div', { class: 'group-head' },
            h('span', { class: 'group-title', text: 'Rule set ' + (si + 1) + ' (every rule must match)' }),
            g.sets.length > 1 ? button('Remove rule set', () => { g.sets.splice(si, 1); drawSets(); onChange(); }, { class: 'btn btn-sm btn-ghost', 'aria-label': 'Remove rule set ' + (si + 1) }) : null),
          rulesEditor(set, (i) => 'Set ' + (si + 1) + ' rule ' + (i + 1), onChange, 'No rules in this set: it matches every endpoint.', 'Add rule to set ' + (si + 1)))),
        button('Add rule set', () => { g.sets.push([newRule()]); drawSets(); onChange(); }, { class: 'btn btn-sm' }));
    };
    drawSets();

    return card('Segment group',
      h('p', { class: 'muted', text: 'A group combines other segments and sets of rules. An endpoint must pass both parts: the source segments and the rule sets (an empty part passes).' }),
      field('The segment holds endpoints that', include, 'Include. A segment has one group, so ALL and ANY mean the same; NONE takes everyone outside the group.'),
      h('h3', { class: 'card-sub', text: 'Source segments' }),
      field('Endpoints that are', sourceType, 'SourceType: all = in every segment listed; any = in at least one; none = in none of them.'),
      sourcesBox,
      h('h3', { class: 'card-sub', text: 'Rule sets' }),
      field('Endpoints that match', type, 'Type: how the rule sets combine. Within a set, every rule must match.'),
      setsBox);
  }

  const msg = h('div');
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, isNew ? 'Create segment' : 'Save segment');
  const form = h('form', {
    'aria-label': isNew ? 'New segment' : 'Edit segment',
    novalidate: true,
    on: {
      submit: async (e) => {
        e.preventDefault();
        replace(msg);
        const { req, problems } = imported && !dirty ? { req: {}, problems: [] } : toRequest(state);
        if (!state.name.trim()) problems.unshift('Give the segment a name.');
        if (problems.length) {
          replace(msg, h('div', { class: 'notice notice-warn', role: 'alert' }, h('strong', { text: 'Before saving:' }), h('ul', null, problems.map((p) => h('li', { text: p })))));
          return;
        }
        req.Name = state.name.trim();
        save.disabled = true;
        try {
          const r = isNew ? await call('POST', segPath(ctx.appId), { body: req }) : await call('PUT', segPath(ctx.appId, seg.Id), { body: req });
          toast('Segment ' + req.Name + (isNew ? ' created' : ' saved (version ' + r.Version + ')'), 'ok');
          ctx.navigate(appPath + '/' + encodeURIComponent(r.Id) + (isNew ? '' : '?v=' + r.Version));
        } catch (err) {
          replace(msg, errorBox(err));
        } finally {
          save.disabled = false;
        }
      },
    },
  },
    card('Segment', field('Segment name', name), imported ? null : h('div', { class: 'row' }, h('span', { class: 'field-label', text: 'Build with' }), modeSwitch)),
    imported ? importedCard(ctx, seg) : modeBox,
    msg,
    h('div', { class: 'row' }, save, h('a', { class: 'btn btn-ghost', href: '#' + appPath }, 'Cancel')));

  if (!imported) drawMode();

  const actions = [];
  if (!isNew) {
    actions.push(button('Delete segment…', async () => {
      const ok = await confirmDialog('Delete segment ' + (seg.Name || seg.Id) + '?', 'Campaigns that target it stop delivering. This cannot be undone.', 'Delete segment');
      if (!ok) return;
      try {
        await call('DELETE', segPath(ctx.appId, seg.Id));
        toast('Segment deleted', 'ok');
        ctx.navigate(appPath);
      } catch (err) {
        toast(err.message, 'error');
      }
    }, { kind: 'danger-outline' }));
  }

  replace(el,
    h('div', { class: 'breadcrumb' }, h('a', { href: '#' + appPath }, 'Segments'), ' / ', isNew ? 'New' : seg.Name || seg.Id),
    pageHeader(isNew ? 'New segment' : seg.Name || 'Segment', ...actions),
    seg ? h('p', { class: 'muted' }, 'Version ' + seg.Version + ' · ', imported ? badge('Imported', 'info') : badge('Rules', 'neutral'), ' · ID ', h('code', { text: seg.Id })) : null,
    h('div', { class: 'split' },
      form,
      h('div', { class: 'split-sticky' },
        card('Size estimate', estimateBox,
          h('p', { class: 'muted small', text: 'Counted now over the app\'s endpoints; activity is judged on each endpoint\'s last update.' })))));
  estimate();
  if (isNew) name.focus();
}

function importedCard(ctx, seg) {
  const def = seg.ImportDefinition || {};
  return card('Imported endpoints',
    h('p', { class: 'muted', text: 'This segment holds the endpoints of its import jobs.' }),
    h('dl', { class: 'kv' },
      h('dt', null, 'Format'), h('dd', null, def.Format || '—'),
      h('dt', null, 'Size at import'), h('dd', null, formatNumber(def.Size)),
      h('dt', null, 'Source'), h('dd', null, h('code', { text: def.S3Url || '—' }))),
    h('a', { class: 'btn', href: '#/apps/' + encodeURIComponent(ctx.appId) + '/segments/import?segment-id=' + encodeURIComponent(seg.Id) }, 'Import more endpoints into it'));
}

// ---- import ----

async function renderImport(el, ctx) {
  const appId = ctx.appId;
  const segs = (await listAll(segPath(appId), (r) => r.SegmentsResponse || r)).filter((s) => s.SegmentType === 'IMPORT');
  const file = h('input', { type: 'file', class: 'input', accept: '.csv,.json,.jsonl,.ndjson,text/csv,application/json', required: true });
  const format = select([['CSV', 'CSV'], ['JSON', 'JSON (one endpoint per line)']], 'CSV');
  file.addEventListener('change', () => {
    const f = file.files[0];
    if (f && /\.(json|jsonl|ndjson)$/i.test(f.name)) format.value = 'JSON';
    else if (f && /\.csv$/i.test(f.name)) format.value = 'CSV';
    if (f && !segName.value && target.value === '__new') segName.value = f.name.replace(/\.[^.]+$/, '');
  });
  const target = select([['__new', 'A new segment'], ['__none', 'No segment (only update endpoints)'], ...segs.map((s) => [s.Id, 'Add to ' + (s.Name || s.Id)])], ctx.query['segment-id'] || '__new');
  const segName = input({ autocomplete: 'off', maxlength: '64', placeholder: 'e.g. VIP customers' });
  const nameRow = field('New segment name', segName);
  const register = checkbox('Create or update the endpoints', true);
  const drawTarget = () => { nameRow.hidden = target.value !== '__new'; };
  target.addEventListener('change', drawTarget);
  drawTarget();

  const jobSlot = h('div');
  const msg = h('div');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Upload and import');
  const form = h('form', {
    'aria-label': 'Import endpoints',
    on: {
      submit: async (e) => {
        e.preventDefault();
        replace(msg);
        const f = file.files[0];
        if (!f) {
          replace(msg, errorBox(new Error('Choose a file to import.')));
          file.focus();
          return;
        }
        if (f.size > 200 * 1024 * 1024) {
          replace(msg, errorBox(new Error('This file is over 200 MB, more than the console sends. Upload it with curl or create the import job from a URL (see README: Import jobs).')));
          return;
        }
        const query = { format: format.value };
        if (target.value === '__new') {
          if (!segName.value.trim()) {
            replace(msg, errorBox(new Error('Name the new segment (or choose another target).')));
            segName.focus();
            return;
          }
          query['segment-name'] = segName.value.trim();
        } else if (target.value !== '__none') query['segment-id'] = target.value;
        if (!register.input.checked) query['register-endpoints'] = 'false';
        submit.disabled = true;
        try {
          const job = await upload('/inappd/v1/apps/' + encodeURIComponent(appId) + '/imports', f, query);
          toast('File uploaded; importing', 'ok');
          watchJob(ctx, job, jobSlot, () => drawJobs());
        } catch (err) {
          replace(msg, errorBox(err));
        } finally {
          submit.disabled = false;
        }
      },
    },
  },
    field('File to import', file, 'CSV with a header row (Id, ChannelType, Address, User.UserId, Attributes.<name>, User.UserAttributes.<name>, Metrics.<name>, Demographic.*, Location.*), or newline-delimited JSON shaped like UpdateEndpointsBatch items.'),
    h('div', { class: 'grid-2' }, field('Format', format), field('Put the endpoints into', target)),
    nameRow,
    register.el,
    h('p', { class: 'muted small', text: 'Without "create or update", only the endpoint IDs go into the segment.' }),
    msg,
    submit);

  const jobsSlot = h('div');
  async function drawJobs() {
    try {
      const r = await call('GET', '/v1/apps/' + encodeURIComponent(appId) + '/jobs/import', { query: { 'page-size': '20' } });
      const jobs = ((r.ImportJobsResponse || r).Item || []).sort((a, b) => (b.CreationDate || '').localeCompare(a.CreationDate || ''));
      replace(jobsSlot, table([
        { label: 'Started', render: (j) => formatDate(j.CreationDate) },
        { label: 'Status', render: (j) => jobBadge(j.JobStatus) },
        { label: 'Segment', render: (j) => j.Definition?.SegmentId ? h('a', { href: '#/apps/' + encodeURIComponent(appId) + '/segments/' + encodeURIComponent(j.Definition.SegmentId) }, j.Definition.SegmentName || j.Definition.SegmentId) : '—' },
        { label: 'Processed', class: 'num', render: (j) => formatNumber(j.TotalProcessed ?? 0) },
        { label: 'Failures', class: 'num', render: (j) => formatNumber(j.TotalFailures ?? 0) },
        { label: 'Actions', class: 'actions', render: (j) => button('Details', () => watchJob(ctx, j, jobSlot, () => drawJobs()), { class: 'btn btn-sm', 'aria-label': 'Details of import job ' + j.Id }) },
      ], jobs, { empty: 'No import jobs yet.', caption: 'Import jobs' }));
    } catch (err) {
      replace(jobsSlot, errorBox(err));
    }
  }

  replace(el,
    h('div', { class: 'breadcrumb' }, h('a', { href: '#/apps/' + encodeURIComponent(appId) + '/segments' }, 'Segments'), ' / Import'),
    pageHeader('Import endpoints'),
    h('div', { class: 'grid-2' }, card('Upload a file', form), jobSlot),
    card('Recent imports', jobsSlot));
  drawJobs();
}

function jobBadge(status) {
  const kind = status === 'COMPLETED' ? 'ok' : status === 'FAILED' || status === 'FAILING' ? 'error' : 'info';
  return badge(status || '—', kind);
}

/** Shows a job's progress in slot, polling GetImportJob until it ends. */
async function watchJob(ctx, job, slot, onDone) {
  const bar = h('div', { class: 'progress-bar' });
  const progress = h('div', { class: 'progress', role: 'progressbar', 'aria-label': 'Import progress', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' }, bar);
  const status = h('div', { class: 'row' });
  const numbers = h('p', { class: 'muted' });
  const failures = h('div');
  const token = (slot._watch = {});
  replace(slot, card('Import job', h('p', { class: 'small muted' }, 'Job ', h('code', { text: job.Id })), status, progress, numbers, failures));
  const draw = (j) => {
    const total = j.TotalPieces || 0;
    const done = j.CompletedPieces || 0;
    const pct = JOB_DONE.has(j.JobStatus) ? 100 : total ? Math.round((100 * done) / total) : 0;
    bar.style.width = pct + '%';
    progress.setAttribute('aria-valuenow', String(pct));
    progress.classList.toggle('progress-done', j.JobStatus === 'COMPLETED');
    progress.classList.toggle('progress-failed', j.JobStatus === 'FAILED');
    replace(status, jobBadge(j.JobStatus), h('span', { class: 'muted', text: pct + '%' }));
    const n = (v, one, many) => formatNumber(v) + ' ' + (v === 1 ? one : many);
    numbers.textContent = n(j.TotalProcessed ?? 0, 'row', 'rows') + ' processed · ' + formatNumber(done) + ' of ' + n(total, 'piece', 'pieces') + ' · ' + n(j.TotalFailures ?? 0, 'failure', 'failures');
    const list = j.Failures || [];
    replace(failures, list.length
      ? h('details', { open: true }, h('summary', { text: 'Rows that were skipped (' + formatNumber(j.TotalFailures ?? list.length) + ')' }),
        h('ul', { class: 'failures' }, list.map((f) => h('li', null, h('code', { text: f })))),
        (j.TotalFailures || 0) > list.length ? h('p', { class: 'muted small', text: 'The first ' + list.length + ' are listed.' }) : null)
      : null,
    j.JobStatus === 'COMPLETED' && j.Definition?.SegmentId
      ? h('a', { class: 'btn btn-sm', href: '#/apps/' + encodeURIComponent(ctx.appId) + '/segments/' + encodeURIComponent(j.Definition.SegmentId) }, 'Open the segment')
      : null);
  };
  draw(job);
  let j = job;
  while (!JOB_DONE.has(j.JobStatus) && ctx.active && slot._watch === token) {
    await new Promise((r) => setTimeout(r, 1000));
    if (!ctx.active || slot._watch !== token) return;
    try {
      j = await call('GET', '/v1/apps/' + encodeURIComponent(ctx.appId) + '/jobs/import/' + encodeURIComponent(job.Id));
      draw(j);
    } catch (err) {
      replace(failures, errorBox(err));
      return;
    }
  }
  if (JOB_DONE.has(j.JobStatus) && j !== job) {
    toast(j.JobStatus === 'COMPLETED' ? 'Import finished: ' + formatNumber(j.TotalProcessed ?? 0) + ' rows' : 'Import failed', j.JobStatus === 'COMPLETED' ? 'ok' : 'error');
    onDone?.();
  }
}

export const routes = [
  { path: '/apps/:appId/segments', title: 'Segments', nav: 'segments', render: renderList },
  { path: '/apps/:appId/segments/new', title: 'New segment', nav: 'segments', render: renderEditor },
  { path: '/apps/:appId/segments/import', title: 'Import endpoints', nav: 'segments', render: renderImport },
  { path: '/apps/:appId/segments/:segmentId', title: 'Segment', nav: 'segments', render: renderEditor },
];
