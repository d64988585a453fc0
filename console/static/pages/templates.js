// In-app templates (account-wide, as in Pinpoint): the list, and an editor
// for every member of InAppTemplateRequest with a live preview drawn by the
// SDK's own renderer, versions and the active version.

import { call, listAll, ApiError } from '../api.js';
import {
  h, replace, pageHeader, card, field, input, select, button, checkbox, errorBox, toast, confirmDialog,
  formatDate, table, badge, emptyState, previewFrame, deviceSwitch, debounce, uid,
} from '../ui.js';

export const LAYOUTS = [
  ['BOTTOM_BANNER', 'Bottom banner'],
  ['TOP_BANNER', 'Top banner'],
  ['MIDDLE_BANNER', 'Middle banner'],
  ['OVERLAYS', 'Full screen (overlay)'],
  ['MOBILE_FEED', 'Modal (mobile feed)'],
  ['CAROUSEL', 'Carousel (up to 5 cards)'],
];
const ALIGN = [['LEFT', 'Left'], ['CENTER', 'Center'], ['RIGHT', 'Right']];
const ACTIONS = [['CLOSE', 'Close the message'], ['LINK', 'Open a link (URL)'], ['DEEP_LINK', 'Open a deep link']];
const PLATFORMS = [['Web', 'Web'], ['Android', 'Android'], ['IOS', 'iOS']];
const MAX_CARDS = 5;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

const tplPath = (name) => '/v1/templates/' + encodeURIComponent(name) + '/inapp';

// ---- list ----

async function renderList(el, ctx) {
  const items = await listAll('/v1/templates', (r) => r.TemplatesResponse || r, { 'template-type': 'INAPP' }, 'next-token');
  items.sort((a, b) => (b.LastModifiedDate || '').localeCompare(a.LastModifiedDate || ''));
  const base = '#/apps/' + encodeURIComponent(ctx.appId) + '/templates/';
  const newBtn = h('a', { class: 'btn btn-primary', href: base + 'new' }, 'New template');
  replace(el,
    pageHeader('Templates', newBtn),
    h('p', { class: 'muted', text: 'Templates are shared by every app of this server. A campaign can take its message from a template.' }),
    items.length
      ? table([
        { label: 'Name', render: (t) => h('a', { href: base + encodeURIComponent(t.TemplateName) }, t.TemplateName) },
        { label: 'Description', render: (t) => t.TemplateDescription || h('span', { class: 'muted', text: '—' }) },
        { label: 'Active version', class: 'num', render: (t) => t.Version || '—' },
        { label: 'Last modified', render: (t) => formatDate(t.LastModifiedDate) },
      ], items, { caption: 'In-app templates' })
      : emptyState('No in-app templates yet. A template holds a message (layout, cards, buttons) that campaigns can reuse.', h('a', { class: 'btn btn-primary', href: base + 'new' }, 'Create your first template')));
}

// ---- the editor's state ----

function blankCard() {
  return {
    BackgroundColor: '#FFFFFF',
    ImageUrl: '',
    header: { on: true, Header: 'Hello!', TextColor: '#1C1F26', Alignment: 'LEFT' },
    body: { on: true, Body: 'Tell your users something worth knowing.', TextColor: '#4A505C', Alignment: 'LEFT' },
    primary: blankButton(true, 'Got it'),
    secondary: blankButton(false, 'Not now'),
  };
}

function blankButton(on, text) {
  return {
    on, Text: text, TextColor: on ? '#FFFFFF' : '', BackgroundColor: on ? '#3B5BDB' : '', BorderRadius: '', ButtonAction: 'CLOSE', Link: '',
    overrides: Object.fromEntries(PLATFORMS.map(([p]) => [p, { on: false, ButtonAction: 'LINK', Link: '' }])),
  };
}

/** InAppTemplateResponse → editor state. */
function fromTemplate(t) {
  const btn = (b) => {
    if (!b || !b.DefaultConfig) {
      const x = blankButton(false, '');
      for (const [p] of PLATFORMS) if (b && b[p]) x.overrides[p] = { on: true, ButtonAction: b[p].ButtonAction || 'CLOSE', Link: b[p].Link || '' };
      return x;
    }
    const d = b.DefaultConfig;
    return {
      on: true, Text: d.Text || '', TextColor: d.TextColor || '', BackgroundColor: d.BackgroundColor || '',
      BorderRadius: d.BorderRadius ?? '', ButtonAction: d.ButtonAction || 'CLOSE', Link: d.Link || '',
      overrides: Object.fromEntries(PLATFORMS.map(([p]) => [p, b[p] ? { on: true, ButtonAction: b[p].ButtonAction || 'CLOSE', Link: b[p].Link || '' } : { on: false, ButtonAction: 'LINK', Link: '' }])),
    };
  };
  return {
    name: t.TemplateName || '',
    description: t.TemplateDescription || '',
    layout: t.Layout || 'BOTTOM_BANNER',
    cards: (t.Content && t.Content.length ? t.Content : [{}]).map((c) => ({
      BackgroundColor: c.BackgroundColor || '',
      ImageUrl: c.ImageUrl || '',
      header: c.HeaderConfig ? { on: true, Header: c.HeaderConfig.Header || '', TextColor: c.HeaderConfig.TextColor || '', Alignment: c.HeaderConfig.Alignment || 'LEFT' } : { on: false, Header: '', TextColor: '#1C1F26', Alignment: 'LEFT' },
      body: c.BodyConfig ? { on: true, Body: c.BodyConfig.Body || '', TextColor: c.BodyConfig.TextColor || '', Alignment: c.BodyConfig.Alignment || 'LEFT' } : { on: false, Body: '', TextColor: '#4A505C', Alignment: 'LEFT' },
      primary: btn(c.PrimaryBtn),
      secondary: btn(c.SecondaryBtn),
    })),
    custom: Object.entries(t.CustomConfig || {}).map(([k, v]) => ({ k, v })),
    tags: Object.entries(t.tags || {}).map(([k, v]) => ({ k, v })),
  };
}

/** Editor state → InAppTemplateRequest (only the members that are set). */
export function toRequest(s, { withTags = false } = {}) {
  const btn = (b) => {
    const out = {};
    if (b.on) {
      const d = { Text: b.Text, ButtonAction: b.ButtonAction };
      if (b.ButtonAction !== 'CLOSE' && b.Link) d.Link = b.Link;
      if (b.TextColor) d.TextColor = b.TextColor;
      if (b.BackgroundColor) d.BackgroundColor = b.BackgroundColor;
      if (b.BorderRadius !== '' && b.BorderRadius !== null && !isNaN(Number(b.BorderRadius))) d.BorderRadius = Number(b.BorderRadius);
      out.DefaultConfig = d;
    }
    for (const [p] of PLATFORMS) {
      const o = b.overrides[p];
      if (o.on) out[p] = o.ButtonAction === 'CLOSE' ? { ButtonAction: 'CLOSE' } : { ButtonAction: o.ButtonAction, Link: o.Link };
    }
    return Object.keys(out).length ? out : undefined;
  };
  const req = {
    Layout: s.layout,
    Content: s.cards.map((c) => {
      const x = {};
      if (c.BackgroundColor) x.BackgroundColor = c.BackgroundColor;
      if (c.header.on && c.header.Header) x.HeaderConfig = { Header: c.header.Header, TextColor: c.header.TextColor || '#000000', Alignment: c.header.Alignment };
      if (c.body.on && c.body.Body) x.BodyConfig = { Body: c.body.Body, TextColor: c.body.TextColor || '#000000', Alignment: c.body.Alignment };
      if (c.ImageUrl) x.ImageUrl = c.ImageUrl;
      const p = btn(c.primary);
      if (p) x.PrimaryBtn = p;
      const q = btn(c.secondary);
      if (q) x.SecondaryBtn = q;
      return x;
    }),
  };
  const custom = s.custom.filter((r) => r.k.trim());
  if (custom.length) req.CustomConfig = Object.fromEntries(custom.map((r) => [r.k.trim(), r.v]));
  if (s.description) req.TemplateDescription = s.description;
  const tags = s.tags.filter((r) => r.k.trim());
  if (withTags && tags.length) req.tags = Object.fromEntries(tags.map((r) => [r.k.trim(), r.v]));
  return req;
}

/** Problems the server would refuse, in words for the marketer (null when none). */
function problems(s) {
  const out = [];
  if (s.isNew && !NAME_RE.test(s.name)) out.push('The template name must start with a letter or digit and hold only letters, digits, - and _ (at most 128).');
  s.cards.forEach((c, i) => {
    const at = s.cards.length > 1 ? ' (card ' + (i + 1) + ')' : '';
    if (!(c.header.on && c.header.Header) && !(c.body.on && c.body.Body) && !c.ImageUrl) out.push('Give the message a header, a body or an image' + at + '.');
    for (const [b, label] of [[c.primary, 'primary'], [c.secondary, 'secondary']]) {
      if (b.on && !b.Text) out.push('The ' + label + ' button needs a text' + at + '.');
      if (b.on && b.ButtonAction !== 'CLOSE' && !b.Link) out.push('The ' + label + ' button opens a link: give the link' + at + '.');
      for (const [p, pl] of PLATFORMS) {
        const o = b.overrides[p];
        if (o.on && o.ButtonAction !== 'CLOSE' && !o.Link) out.push('The ' + label + ' button\'s ' + pl + ' override needs a link' + at + '.');
      }
      if (b.on && b.BorderRadius !== '' && !(Number.isInteger(Number(b.BorderRadius)) && Number(b.BorderRadius) >= 0)) out.push('The ' + label + ' button\'s corner radius must be a whole number of pixels' + at + '.');
    }
  });
  return out;
}

// ---- controls ----

/** A colour: a text field (#RRGGBB, may be empty) with a colour picker beside it. */
function colorField(label, get, set, onChange, help) {
  const text = input({ value: get() || '', placeholder: '#RRGGBB', maxlength: '9', spellcheck: 'false', autocomplete: 'off' });
  const pick = h('input', { type: 'color', class: 'input-color', 'aria-label': label + ' picker', tabindex: '-1' });
  const sync = () => {
    if (/^#[0-9a-f]{6}$/i.test(text.value)) pick.value = text.value.toLowerCase();
    text.setAttribute('aria-invalid', String(text.value !== '' && !/^#[0-9a-f]{3,8}$/i.test(text.value)));
  };
  sync();
  text.addEventListener('input', () => {
    set(text.value.trim());
    sync();
    onChange();
  });
  pick.addEventListener('input', () => {
    text.value = pick.value.toUpperCase();
    set(text.value);
    sync();
    onChange();
  });
  const row = field(label, text, help);
  const wrap = h('div', { class: 'color-row' });
  text.replaceWith(wrap);
  wrap.append(text, pick);
  return row;
}

function bindInput(el, get, set, onChange, event = 'input') {
  el.value = get() ?? '';
  el.addEventListener(event, () => {
    set(el.type === 'checkbox' ? el.checked : el.value);
    onChange();
  });
  return el;
}

function kvEditor(title, rows, onChange, { keyLabel, valueLabel, addLabel, help }) {
  const box = h('div');
  const draw = () => {
    replace(box,
      help ? h('p', { class: 'muted small', text: help }) : null,
      rows.map((r, i) => h('div', { class: 'kv-row' },
        field(keyLabel + ' ' + (i + 1), bindInput(input({ autocomplete: 'off', spellcheck: 'false' }), () => r.k, (v) => (r.k = v), onChange)),
        field(valueLabel + ' ' + (i + 1), bindInput(input({ autocomplete: 'off' }), () => r.v, (v) => (r.v = v), onChange)),
        h('div', { class: 'field' }, button('Remove', () => {
          rows.splice(i, 1);
          draw();
          onChange();
        }, { kind: 'ghost', 'aria-label': 'Remove ' + title.toLowerCase() + ' ' + (i + 1) })))),
      button(addLabel, () => {
        rows.push({ k: '', v: '' });
        draw();
        onChange();
        const inputs = box.querySelectorAll('.kv-row input');
        inputs[inputs.length - 2]?.focus();
      }, { class: 'btn btn-sm' }));
  };
  draw();
  return box;
}

function textSection(c, which, onChange) {
  const t = c[which];
  const Label = which === 'header' ? 'Header' : 'Body';
  const member = which === 'header' ? 'Header' : 'Body';
  const on = checkbox('Show a ' + Label.toLowerCase(), t.on, { on: { change: () => { t.on = on.input.checked; fields.hidden = !t.on; onChange(); } } });
  const textCtl = which === 'header'
    ? input({ autocomplete: 'off', maxlength: '128' })
    : h('textarea', { class: 'input', rows: '3', maxlength: '2000' });
  bindInput(textCtl, () => t[member], (v) => (t[member] = v), onChange);
  const align = select(ALIGN, t.Alignment);
  bindInput(align, () => t.Alignment, (v) => (t.Alignment = v), onChange, 'change');
  const fields = h('div', { hidden: !t.on },
    field(Label, textCtl),
    h('div', { class: 'grid-2' },
      colorField(Label + ' text colour', () => t.TextColor, (v) => (t.TextColor = v), onChange),
      field(Label + ' alignment', align)));
  return h('fieldset', { class: 'fieldset' }, h('legend', { text: Label }), on.el, fields);
}

function buttonSection(b, label, onChange) {
  const Label = label[0].toUpperCase() + label.slice(1);
  const on = checkbox('Show a ' + label + ' button', b.on, { on: { change: () => { b.on = on.input.checked; fields.hidden = !b.on; onChange(); } } });
  const text = bindInput(input({ autocomplete: 'off', maxlength: '64' }), () => b.Text, (v) => (b.Text = v), onChange);
  const action = select(ACTIONS, b.ButtonAction);
  const link = bindInput(input({ type: 'url', autocomplete: 'off', spellcheck: 'false', placeholder: 'https://… or myapp://…' }), () => b.Link, (v) => (b.Link = v), onChange);
  const linkRow = field(Label + ' button link', link, 'A URL for LINK, an app URL for DEEP_LINK.');
  linkRow.hidden = b.ButtonAction === 'CLOSE';
  bindInput(action, () => b.ButtonAction, (v) => {
    b.ButtonAction = v;
    linkRow.hidden = v === 'CLOSE';
  }, onChange, 'change');
  const radius = bindInput(input({ type: 'number', min: '0', max: '100', step: '1', inputmode: 'numeric', placeholder: 'Default' }), () => String(b.BorderRadius ?? ''), (v) => (b.BorderRadius = v), onChange);

  const overrides = h('details', { class: 'overrides' },
    h('summary', { text: 'Platform overrides (' + label + ' button)' }),
    h('p', { class: 'muted small', text: 'A different action or link on one platform; the web SDK uses the Web override.' }),
    PLATFORMS.map(([p, pl]) => {
      const o = b.overrides[p];
      const oa = select(ACTIONS, o.ButtonAction);
      const ol = bindInput(input({ type: 'url', autocomplete: 'off', spellcheck: 'false' }), () => o.Link, (v) => (o.Link = v), onChange);
      const olRow = field(Label + ' button ' + pl + ' link', ol);
      olRow.hidden = o.ButtonAction === 'CLOSE';
      bindInput(oa, () => o.ButtonAction, (v) => {
        o.ButtonAction = v;
        olRow.hidden = v === 'CLOSE';
      }, onChange, 'change');
      const body = h('div', { class: 'grid-2', hidden: !o.on }, field(Label + ' button ' + pl + ' action', oa), olRow);
      const cb = checkbox('Override on ' + pl, o.on, { on: { change: () => { o.on = cb.input.checked; body.hidden = !o.on; onChange(); } } });
      return h('div', { class: 'override' }, cb.el, body);
    }));
  if (Object.values(b.overrides).some((o) => o.on)) overrides.open = true;

  const fields = h('div', { hidden: !b.on },
    h('div', { class: 'grid-2' }, field(Label + ' button text', text), field(Label + ' button action', action)),
    linkRow,
    h('div', { class: 'grid-3' },
      colorField(Label + ' button text colour', () => b.TextColor, (v) => (b.TextColor = v), onChange),
      colorField(Label + ' button background', () => b.BackgroundColor, (v) => (b.BackgroundColor = v), onChange),
      field(Label + ' button corner radius', radius, 'Pixels')));
  return h('fieldset', { class: 'fieldset' }, h('legend', { text: Label + ' button' }), on.el, fields, overrides);
}

function cardEditor(c, onChange) {
  const img = bindInput(input({ type: 'url', autocomplete: 'off', spellcheck: 'false', placeholder: 'https://…/image.png' }), () => c.ImageUrl, (v) => (c.ImageUrl = v), onChange);
  return h('div', { class: 'card-editor' },
    textSection(c, 'header', onChange),
    textSection(c, 'body', onChange),
    h('div', { class: 'grid-2' },
      colorField('Background colour', () => c.BackgroundColor, (v) => (c.BackgroundColor = v), onChange),
      field('Image URL', img, 'https URL; shown above the text (beside it in banners).')),
    buttonSection(c.primary, 'primary', onChange),
    buttonSection(c.secondary, 'secondary', onChange));
}

// ---- editor page ----

async function renderEditor(el, ctx) {
  const isNew = !ctx.params.name;
  const name = ctx.params.name || '';
  let loaded = null; // the template version in the editor
  let versions = [];
  let active = '';
  let state;

  if (isNew) {
    state = { name: '', description: '', layout: ctx.query.layout || 'MIDDLE_BANNER', cards: [blankCard()], custom: [], tags: [] };
  } else {
    try {
      const [act, vs] = await Promise.all([
        call('GET', tplPath(name)),
        listAll('/v1/templates/' + encodeURIComponent(name) + '/INAPP/versions', (r) => r.TemplateVersionsResponse || r, {}, 'next-token'),
      ]);
      active = act.Version || '';
      versions = vs.sort((a, b) => Number(b.Version) - Number(a.Version));
      const want = ctx.query.version || (versions[0] && versions[0].Version) || active;
      loaded = want === active ? act : await call('GET', tplPath(name), { query: { version: want } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        replace(el, pageHeader('Template not found'), emptyState('There is no in-app template named ' + name + '.', h('a', { class: 'btn btn-primary', href: '#/apps/' + encodeURIComponent(ctx.appId) + '/templates' }, 'Back to templates')));
        return;
      }
      throw err;
    }
    state = fromTemplate(loaded);
  }
  state.isNew = isNew;
  let cur = 0;

  const frame = previewFrame(ctx.query.device || 'phone');
  const updatePreview = debounce(() => frame.show(toRequest(state), { card: cur }), 120);
  const problemsBox = h('div', { 'aria-live': 'polite' });
  const onChange = () => {
    updatePreview();
    if (problemsBox.firstChild) showProblems(false);
  };
  function showProblems(force) {
    const p = problems(state);
    if (!p.length || (!force && !problemsBox.firstChild)) {
      replace(problemsBox);
      return p;
    }
    replace(problemsBox, h('div', { class: 'notice notice-warn', role: 'alert' }, h('strong', { text: 'Before saving:' }), h('ul', null, p.map((x) => h('li', { text: x })))));
    return p;
  }

  // Template fields
  const nameInput = input({ name: 'template-name', autocomplete: 'off', spellcheck: 'false', maxlength: '128', placeholder: 'e.g. welcome-offer', value: state.name });
  nameInput.addEventListener('input', () => { state.name = nameInput.value.trim(); onChange(); });
  const desc = bindInput(input({ autocomplete: 'off', maxlength: '500' }), () => state.description, (v) => (state.description = v), onChange);
  const layout = select(LAYOUTS.map(([v, l]) => [v, l + ' · ' + v]), state.layout);
  const cardsHint = h('p', { class: 'muted small' });
  bindInput(layout, () => state.layout, (v) => { state.layout = v; drawCards(); }, onChange, 'change');

  // Cards
  const cardsBox = h('div');
  function drawCards() {
    cur = Math.min(cur, state.cards.length - 1);
    const n = state.cards.length;
    cardsHint.textContent = state.layout === 'CAROUSEL'
      ? 'A carousel shows up to ' + MAX_CARDS + ' cards; users swipe or use the arrows.'
      : n > 1 ? 'Only the carousel layout shows more than the first card.' : '';
    const add = n < MAX_CARDS ? button('Add card', () => {
      state.cards.push(blankCard());
      cur = state.cards.length - 1;
      if (state.layout !== 'CAROUSEL') {
        state.layout = 'CAROUSEL';
        layout.value = 'CAROUSEL';
        toast('Layout switched to Carousel: only a carousel shows several cards.');
      }
      drawCards();
      onChange();
    }, { class: 'btn btn-sm' }) : null;
    const remove = n > 1 ? button('Remove card ' + (cur + 1), () => {
      state.cards.splice(cur, 1);
      drawCards();
      onChange();
    }, { class: 'btn btn-sm btn-ghost' }) : null;
    const tabs = n > 1 ? h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Cards' },
      state.cards.map((_, i) => h('button', {
        type: 'button', class: 'tab', role: 'tab', id: 'card-tab-' + i, 'aria-selected': String(i === cur), 'aria-controls': 'card-panel',
        tabindex: i === cur ? '0' : '-1',
        on: {
          click: () => { cur = i; drawCards(); updatePreview(); cardsBox.querySelector('#card-tab-' + i)?.focus(); },
          keydown: (e) => {
            const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
            if (!d) return;
            cur = (cur + d + n) % n;
            drawCards();
            updatePreview();
            cardsBox.querySelector('#card-tab-' + cur)?.focus();
          },
        },
      }, 'Card ' + (i + 1)))) : null;
    replace(cardsBox,
      h('div', { class: 'cards-tabs' }, tabs, h('div', { class: 'row' }, add, remove)),
      h('div', { id: 'card-panel', role: n > 1 ? 'tabpanel' : null, 'aria-labelledby': n > 1 ? 'card-tab-' + cur : null }, cardEditor(state.cards[cur], onChange)));
  }
  drawCards();

  const makeActive = checkbox('Make the new version active', false);
  const saveMsg = h('div');
  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, isNew ? 'Create template' : 'Save as new version');

  async function save(e) {
    e.preventDefault();
    replace(saveMsg);
    if (showProblems(true).length) {
      problemsBox.scrollIntoView({ block: 'center', behavior: 'smooth' });
      return;
    }
    saveBtn.disabled = true;
    try {
      if (isNew) {
        await call('POST', tplPath(state.name), { body: toRequest(state, { withTags: true }) });
        toast('Template ' + state.name + ' created', 'ok');
        ctx.navigate('/apps/' + encodeURIComponent(ctx.appId) + '/templates/' + encodeURIComponent(state.name));
        return;
      }
      await call('PUT', tplPath(name), { query: { 'create-new-version': 'true' }, body: toRequest(state) });
      if (makeActive.input.checked) {
        await call('PUT', '/v1/templates/' + encodeURIComponent(name) + '/INAPP/active-version', { body: { Version: 'latest' } });
      }
      toast('Saved a new version of ' + name + (makeActive.input.checked ? ' and made it active' : ''), 'ok');
      ctx.navigate('/apps/' + encodeURIComponent(ctx.appId) + '/templates/' + encodeURIComponent(name) + '?saved=' + Date.now());
    } catch (err) {
      replace(saveMsg, errorBox(err));
    } finally {
      saveBtn.disabled = false;
    }
  }

  const form = h('form', { class: 'template-form', 'aria-label': isNew ? 'New template' : 'Edit template ' + name, novalidate: true, on: { submit: save } },
    card('Template',
      isNew ? field('Template name', nameInput, 'Letters, digits, - and _; it cannot change later. Campaigns refer to the template by this name.') : null,
      field('Description', desc, 'Optional; shown in the template list.'),
      field('Layout', layout),
      cardsHint),
    card('Message', cardsBox),
    card('Custom data', kvEditor('Custom data', state.custom, onChange, {
      keyLabel: 'Custom data key', valueLabel: 'Custom data value', addLabel: 'Add custom data',
      help: 'Key/value pairs handed to your app with the message (CustomConfig), e.g. a screen to open.',
    })),
    isNew ? card('Tags', kvEditor('Tag', state.tags, () => {}, { keyLabel: 'Tag key', valueLabel: 'Tag value', addLabel: 'Add tag', help: 'Optional labels for your own bookkeeping.' })) : null,
    problemsBox,
    saveMsg,
    h('div', { class: 'row' }, saveBtn, !isNew ? makeActive.el : null));

  const previewCard = card('Preview',
    h('div', { class: 'preview-toolbar' }, deviceSwitch(frame), button('Replay', () => frame.show(toRequest(state), { card: cur, replay: true }), { class: 'btn btn-sm btn-ghost', 'aria-label': 'Replay preview' })),
    frame.el,
    h('p', { class: 'muted small preview-note', text: 'Drawn by the web SDK\'s own renderer; updates as you type.' }));

  const crumbs = h('div', { class: 'breadcrumb' }, h('a', { href: '#/apps/' + encodeURIComponent(ctx.appId) + '/templates' }, 'Templates'), ' / ', isNew ? 'New' : name);
  const actions = [];
  if (!isNew) {
    actions.push(button('Delete template…', async () => {
      const ok = await confirmDialog('Delete template ' + name + '?', 'This deletes every version of the template. Campaigns that take their message from it will have nothing to show.', 'Delete template');
      if (!ok) return;
      try {
        await call('DELETE', tplPath(name));
        toast('Template ' + name + ' deleted', 'ok');
        ctx.navigate('/apps/' + encodeURIComponent(ctx.appId) + '/templates');
      } catch (err) {
        toast(err.message, 'error');
      }
    }, { kind: 'danger-outline' }));
  }

  const versionsPart = isNew ? null : versionsCard(ctx, name, versions, active, loaded.Version);

  replace(el,
    crumbs,
    pageHeader(isNew ? 'New template' : name, ...actions),
    !isNew && loaded.Version ? h('p', { class: 'muted' }, 'Editing version ' + loaded.Version + ' ', loaded.Version === active ? badge('Active', 'ok') : badge('Not active', 'neutral'),
      ' · saving creates version ' + (Number(versions[0]?.Version || loaded.Version) + 1) + ' · ',
      h('a', { href: '#', on: { click: (e) => { e.preventDefault(); versionsPart.scrollIntoView({ behavior: 'smooth' }); versionsPart.querySelector('h2')?.setAttribute('tabindex', '-1'); versionsPart.querySelector('h2')?.focus({ preventScroll: true }); } } }, 'all ' + versions.length + ' versions')) : null,
    h('div', { class: 'split' }, h('div', null, form, versionsPart), h('div', { class: 'split-sticky' }, previewCard)));
  frame.show(toRequest(state));
  if (isNew) nameInput.focus();
}

function versionsCard(ctx, name, versions, active, editing) {
  const base = '/apps/' + encodeURIComponent(ctx.appId) + '/templates/' + encodeURIComponent(name);
  return card('Versions',
    table([
      { label: 'Version', render: (v) => h('span', { class: 'row' }, v.Version, v.Version === active ? badge('Active', 'ok') : null, v.Version === editing ? badge('Editing', 'info') : null) },
      { label: 'Saved', render: (v) => formatDate(v.LastModifiedDate) },
      { label: 'Actions', class: 'actions', render: (v) => h('span', { class: 'row row-end' },
        v.Version !== editing ? h('a', { class: 'btn btn-sm', href: '#' + base + '?version=' + encodeURIComponent(v.Version), 'aria-label': 'Open version ' + v.Version }, 'Open') : null,
        v.Version !== active ? button('Make active', async () => {
          try {
            await call('PUT', '/v1/templates/' + encodeURIComponent(name) + '/INAPP/active-version', { body: { Version: v.Version } });
            toast('Version ' + v.Version + ' is now active', 'ok');
            ctx.navigate(base + '?version=' + encodeURIComponent(editing) + '&t=' + Date.now());
          } catch (err) {
            toast(err.message, 'error');
          }
        }, { class: 'btn btn-sm', 'aria-label': 'Make version ' + v.Version + ' active' }) : null) },
    ], versions, { caption: 'Versions of ' + name }),
    h('p', { class: 'muted small', text: 'Campaigns that name no version show the active one.' }));
}

export const routes = [
  { path: '/apps/:appId/templates', title: 'Templates', nav: 'templates', render: renderList },
  { path: '/apps/:appId/templates/new', title: 'New template', nav: 'templates', render: renderEditor },
  { path: '/apps/:appId/templates/:name', title: 'Template', nav: 'templates', render: renderEditor },
];
