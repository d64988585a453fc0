// Small DOM helpers shared by every page: an element builder, toasts,
// dialogs, form rows, tables, cards, formatting, and the message preview
// frame. No inline styles: the CSP allows only CSSOM writes (el.style.x)
// and classes from console.css.

import { ApiError } from './api.js';

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'indeterminate', 'multiple', 'hidden', 'open', 'readOnly', 'required']);

/**
 * Builds an element: h('button', { class: 'btn', on: { click: fn } }, 'Save').
 * attrs: class (string or array), text, on: {event: fn}, style: {prop: value}
 * (set through the CSSOM), dataset: {…}, value/checked/… (set as
 * properties), anything else as an attribute (true → present, false/null →
 * left out). children: strings, nodes, arrays, null/undefined/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'style') for (const [p, s] of Object.entries(v)) el.style.setProperty(p.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()), s);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/** Removes an element's children and puts the given ones in. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
/** A unique element ID with a readable prefix. */
export function uid(prefix = 'f') {
  return prefix + '-' + ++ids;
}

// ---- toasts ----

function toastRegion() {
  let r = document.getElementById('toasts');
  if (!r) {
    r = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(r);
  }
  return r;
}

/** Shows a short message in the corner (announced by screen readers). kind: info | ok | error. */
export function toast(message, kind = 'info') {
  const t = h('div', { class: ['toast', 'toast-' + kind], role: kind === 'error' ? 'alert' : null },
    h('span', { class: 'toast-text', text: message }),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss notification', on: { click: () => t.remove() } }, '×'));
  toastRegion().append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 9000 : 4500);
  return t;
}

// ---- dialogs ----

/**
 * Asks for confirmation in a modal <dialog>; resolves true for OK.
 * okLabel names the action ("Delete app"); danger styles it red.
 */
export function confirmDialog(title, text, okLabel = 'OK', { danger = true, cancelLabel = 'Cancel' } = {}) {
  return new Promise((resolve) => {
    const titleId = uid('dlg-title');
    const textId = uid('dlg-text');
    const prev = document.activeElement;
    const cancel = h('button', { type: 'button', class: 'btn', on: { click: () => close(false) } }, cancelLabel);
    const ok = h('button', { type: 'button', class: ['btn', danger ? 'btn-danger' : 'btn-primary'], on: { click: () => close(true) } }, okLabel);
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': textId },
      h('h2', { id: titleId, class: 'dialog-title', text: title }),
      h('p', { id: textId, class: 'dialog-text', text: text }),
      h('div', { class: 'dialog-actions' }, cancel, ok));
    let done = false;
    function close(v) {
      if (done) return;
      done = true;
      dlg.close();
      dlg.remove();
      if (prev && prev.isConnected) prev.focus();
      resolve(v);
    }
    dlg.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(false);
    });
    document.body.append(dlg);
    dlg.showModal();
    cancel.focus();
  });
}

/**
 * A modal dialog holding any content; returns { dialog, close }. The
 * content gets a close(result) to call; onClose(result) runs once.
 */
export function modal(title, build, { onClose, wide = false } = {}) {
  const titleId = uid('dlg-title');
  const prev = document.activeElement;
  let done = false;
  const dlg = h('dialog', { class: ['dialog', wide && 'dialog-wide'], 'aria-labelledby': titleId });
  function close(result) {
    if (done) return;
    done = true;
    dlg.close();
    dlg.remove();
    if (prev && prev.isConnected) prev.focus();
    onClose?.(result);
  }
  dlg.addEventListener('cancel', (e) => {
    e.preventDefault();
    close(undefined);
  });
  dlg.append(
    h('div', { class: 'dialog-head' },
      h('h2', { id: titleId, class: 'dialog-title', text: title }),
      h('button', { type: 'button', class: 'btn btn-icon btn-ghost', 'aria-label': 'Close dialog', on: { click: () => close(undefined) } }, '×')),
    build(close));
  document.body.append(dlg);
  dlg.showModal();
  return { dialog: dlg, close };
}

// ---- forms ----

/**
 * A labelled form row: field('Name', input, 'help text'). The control gets
 * an ID if it has none; help is linked with aria-describedby.
 */
export function field(label, control, help) {
  if (!control.id) control.id = uid('f');
  const row = h('div', { class: 'field' });
  const isGroup = control.getAttribute && control.getAttribute('role') === 'group';
  if (isGroup) {
    const lid = uid('lbl');
    control.setAttribute('aria-labelledby', lid);
    row.append(h('span', { id: lid, class: 'field-label', text: label }));
  } else {
    row.append(h('label', { for: control.id, class: 'field-label', text: label }));
  }
  row.append(control);
  if (help) {
    const hid = uid('help');
    const prior = control.getAttribute('aria-describedby');
    control.setAttribute('aria-describedby', prior ? prior + ' ' + hid : hid);
    row.append(h('p', { id: hid, class: 'field-help' }, help));
  }
  return row;
}

/** A text input: input({ value, placeholder, type, on }) with the console's look. */
export function input(attrs = {}) {
  return h('input', { type: 'text', class: 'input', ...attrs });
}

/** A <select>: select([['VALUE', 'Label'] | 'VALUE'], value, attrs). */
export function select(options, value, attrs = {}) {
  const el = h('select', { class: 'input', ...attrs },
    options.map((o) => {
      const [v, l] = Array.isArray(o) ? o : [o, o];
      return h('option', { value: v, text: l });
    }));
  if (value !== undefined && value !== null) el.value = value;
  return el;
}

/** A checkbox with its label on the right: checkbox('Enabled', checked, { on }). */
export function checkbox(label, checked, attrs = {}) {
  const box = h('input', { type: 'checkbox', checked: !!checked, ...attrs });
  if (!box.id) box.id = uid('cb');
  return { el: h('div', { class: 'check' }, box, h('label', { for: box.id, text: label })), input: box };
}

/** A button: button('Save', fn, { kind: 'primary'|'danger'|'ghost', ...attrs }). */
export function button(label, onClick, { kind, ...attrs } = {}) {
  return h('button', { type: 'button', class: ['btn', kind && 'btn-' + kind], on: onClick ? { click: onClick } : null, ...attrs }, label);
}

/** Calls fn at most once per wait ms, after the calls stop. */
export function debounce(fn, wait = 300) {
  let t;
  const d = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), wait);
  };
  d.cancel = () => clearTimeout(t);
  return d;
}

/** A button that copies text to the clipboard and says so. */
export function copyButton(getText, label = 'Copy', attrs = {}) {
  const b = button(label, async () => {
    const text = typeof getText === 'function' ? getText() : getText;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard API (insecure context): select-and-copy fallback.
      const ta = h('textarea', { class: 'sr-only', readonly: true }, text);
      document.body.append(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    toast('Copied to the clipboard', 'ok');
  }, attrs);
  return b;
}

// ---- layout ----

/**
 * A table: columns [{ label, render: row => node|string, class }], rows,
 * { empty: 'text shown when there are no rows', caption }.
 */
export function table(columns, rows, { empty = 'Nothing here yet.', caption } = {}) {
  if (!rows || rows.length === 0) return emptyState(empty);
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'table' },
      caption ? h('caption', { class: 'sr-only', text: caption }) : null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.class, text: c.label })))),
      h('tbody', null, rows.map((r) => h('tr', null, columns.map((c) => {
        const v = c.render(r);
        return h('td', { class: c.class }, v === undefined || v === null ? '' : v);
      }))))));
}

/** The page title row with actions on the right. */
export function pageHeader(title, ...actions) {
  document.title = title + ' · inappd console';
  return h('div', { class: 'page-header' },
    h('h1', { class: 'page-title', text: title }),
    h('div', { class: 'page-actions' }, actions));
}

/** A card (a <section> with an optional heading). */
export function card(title, ...children) {
  const id = title ? uid('card') : null;
  return h('section', { class: 'card', 'aria-labelledby': id },
    title ? h('h2', { class: 'card-title', id, text: title }) : null,
    children);
}

/** A small coloured label. kind: neutral | ok | warn | error | info. */
export function badge(text, kind = 'neutral') {
  return h('span', { class: ['badge', 'badge-' + kind], text });
}

/** A friendly "nothing here" box with an optional action (a node). */
export function emptyState(text, action) {
  return h('div', { class: 'empty' }, h('p', { text }), action || null);
}

/** A loading indicator. */
export function spinner(label = 'Loading…') {
  return h('div', { class: 'spinner-wrap', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { class: 'spinner-label', text: label }));
}

/** An error box: the ApiError's message and type (and request ID). */
export function errorBox(err) {
  const isApi = err instanceof ApiError;
  const msg = err && err.message ? err.message : String(err);
  return h('div', { class: 'error-box', role: 'alert' },
    h('strong', { class: 'error-title', text: isApi && err.type ? err.type : 'Error' }),
    h('p', { class: 'error-message', text: msg }),
    isApi && err.requestId ? h('p', { class: 'error-meta', text: 'Request ID ' + err.requestId + (err.status ? ' · HTTP ' + err.status : '') }) : null);
}

// ---- formatting ----

const nf = new Intl.NumberFormat();
/** 12345 → "12,345" (the reader's locale); '—' when not a number. */
export function formatNumber(n) {
  return typeof n === 'number' && isFinite(n) ? nf.format(n) : '—';
}

/** An ISO time → a short local date and time; '—' when absent. */
export function formatDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** 0.1234 → "12.3%"; '—' when not a number. */
export function formatPercent(fraction) {
  if (typeof fraction !== 'number' || !isFinite(fraction)) return '—';
  return (fraction * 100).toLocaleString(undefined, { maximumFractionDigits: 1 }) + '%';
}

// ---- message preview ----

const DEVICES = {
  phone: { w: 390, h: 780, label: 'Phone' },
  tablet: { w: 768, h: 1024, label: 'Tablet' },
  browser: { w: 1024, h: 640, label: 'Browser' },
};

/**
 * A device frame (phone, tablet or browser) with an iframe in which the
 * SDK's own default renderer draws the message. show(x) takes a Pinpoint
 * in-app template (InAppTemplateResponse / InAppTemplateRequest), a
 * campaign's MessageConfiguration.InAppMessage ({Layout, Content,
 * CustomConfig}), or an already normalized message; calling it again
 * redraws. setKind(kind) switches the device.
 */
export function previewFrame(kind = 'phone') {
  const iframe = h('iframe', { class: 'preview-iframe', src: 'preview.html', title: 'Message preview', tabindex: '-1' });
  const screen = h('div', { class: 'preview-screen' }, iframe);
  const bar = h('div', { class: 'preview-browserbar', 'aria-hidden': 'true' },
    h('span', { class: 'dot' }), h('span', { class: 'dot' }), h('span', { class: 'dot' }),
    h('span', { class: 'preview-url', text: location.host }));
  const device = h('div', { class: 'preview-device' }, bar, screen);
  const el = h('div', { class: 'preview', role: 'img', 'aria-label': 'Preview of the message' }, device);
  let ready = false;
  let latest = null;
  let current = kind in DEVICES ? kind : 'phone';

  function post(data) {
    latest = data;
    if (ready && iframe.contentWindow) iframe.contentWindow.postMessage({ type: 'inappd-preview', ...data }, location.origin);
  }
  // The frame says when it listens; it says so again whenever it reloads
  // (an iframe moved in the DOM reloads), so the latest message is sent
  // on every such signal.
  window.addEventListener('message', (e) => {
    if (e.source === iframe.contentWindow && e.data && e.data.type === 'inappd-preview-ready') {
      ready = true;
      if (latest) post(latest);
    }
  });

  function fit() {
    const d = DEVICES[current];
    const avail = el.clientWidth || 360;
    // Fit the width and leave the page header and toolbar in view; on
    // narrow screens the preview is pinned above the form: keep it short.
    const narrow = window.matchMedia('(max-width: 1100px)').matches;
    const maxH = narrow ? Math.max(200, window.innerHeight * 0.34) : Math.max(320, Math.min(window.innerHeight - 240, 720));
    const scale = Math.min(1, (avail - 24) / (d.w + 24), maxH / (d.h + 24));
    iframe.style.width = d.w + 'px';
    iframe.style.height = d.h + 'px';
    iframe.style.transform = 'scale(' + scale + ')';
    screen.style.width = Math.round(d.w * scale) + 'px';
    screen.style.height = Math.round(d.h * scale) + 'px';
  }
  function setKind(k) {
    if (!(k in DEVICES)) return;
    current = k;
    device.className = 'preview-device preview-' + k;
    el.setAttribute('aria-label', 'Preview of the message on a ' + DEVICES[k].label.toLowerCase());
    fit();
  }
  new ResizeObserver(() => fit()).observe(el);
  window.addEventListener('resize', () => el.isConnected && fit());
  setKind(current);
  let last = null;
  return {
    el,
    /**
     * Draws x; opts.card (0-based) turns a carousel to that card;
     * opts.replay draws it afresh (entrance animation) even if unchanged.
     */
    show(x, opts = {}) {
      last = x;
      post({ message: JSON.parse(JSON.stringify(x ?? {})), card: opts.card || 0, replay: !!opts.replay });
    },
    setKind,
    get kind() {
      return current;
    },
    redraw() {
      if (last) this.show(last);
    },
  };
}

/** Phone / Tablet / Browser switch for a previewFrame. */
export function deviceSwitch(frame) {
  const group = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Preview device' });
  for (const [k, d] of Object.entries(DEVICES)) {
    const b = h('button', { type: 'button', class: 'segmented-btn', 'aria-pressed': String(frame.kind === k), on: {
      click: () => {
        frame.setKind(k);
        for (const o of group.children) o.setAttribute('aria-pressed', String(o === b));
      },
    } }, d.label);
    group.append(b);
  }
  return group;
}
