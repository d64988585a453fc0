// The default renderer: every Pinpoint layout, in a shadow root, with
// dialog semantics, focus handling, ESC, and a keyboard/swipe carousel.
// Colours and alignment from the campaign are set through the CSSOM
// (element.style.x = …), which a strict Content-Security-Policy allows.

import type { InAppMessage, InAppMessageButton, InAppMessageContent, InAppMessageText, Renderer } from '../types';

declare const __CSS__: string;

let sheet: CSSStyleSheet | undefined;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, parent?: Node, text?: string) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  parent?.appendChild(e);
  return e;
}

const attr = (e: Element, a: Record<string, string>) => {
  for (const k in a) e.setAttribute(k, a[k]);
};

/** Loads an image; resolves with its URL, or undefined when it fails or takes over 5 s. */
function preload(src?: string): Promise<string | undefined> {
  return new Promise((ok) => {
    if (!src) return ok(undefined);
    const img = new Image();
    const t = setTimeout(() => ok(undefined), 5e3);
    img.onload = () => (clearTimeout(t), ok(src));
    img.onerror = () => (clearTimeout(t), ok(undefined));
    img.src = src;
  });
}

function text(t: InAppMessageText | undefined, tag: 'h2' | 'p', cls: string, parent: Node, id: string) {
  if (!t) return;
  const e = h(tag, cls, parent, t.content);
  e.id = id;
  if (t.style.color) e.style.color = t.style.color;
  if (t.style.textAlign) e.style.textAlign = t.style.textAlign;
  if (t.style.textAlign === 'center') e.classList.add('ctr'); // balance the room left for the close button
}

export const defaultRenderer: Renderer = (m, ctx) => {
  let gone = false;
  let unmount = () => {};
  Promise.all(m.content.map((c) => preload(c.image?.src))).then((imgs) => {
    if (!gone) unmount = mount(m, ctx, imgs);
  });
  return () => {
    gone = true;
    unmount();
  };
};

function mount(m: InAppMessage, ctx: Parameters<Renderer>[1], imgs: (string | undefined)[]) {
  const L = m.layout;
  const kind = L === 'CAROUSEL' ? 'car' : L === 'MODAL' ? 'modal' : L === 'FULL_SCREEN' ? 'full' : 'ban';
  const modal = kind !== 'ban';
  const cards: InAppMessageContent[] = m.content.length ? m.content : [{}];
  const n = cards.length;
  const uid = 'iad' + Math.random().toString(36).slice(2, 8);

  const host = h('div', '');
  host.setAttribute('data-inappd', L.toLowerCase());
  const root = host.attachShadow({ mode: 'open' });
  try {
    if (!sheet) (sheet = new CSSStyleSheet()).replaceSync(__CSS__);
    root.adoptedStyleSheets = [sheet];
  } catch {
    h('style', '', root, __CSS__); // browsers without constructable stylesheets
  }
  const o = h('div', 'o ' + kind + ' ' + (({ TOP_BANNER: 't', BOTTOM_BANNER: 'b' } as Record<string, string>)[L] || 'm') + (imgs[0] ? ' hi' : ''), root);
  const d = h('div', 'd', o);
  attr(d, { role: 'dialog', 'aria-modal': '' + modal, tabindex: '-1' });
  if (cards[0].header) d.setAttribute('aria-labelledby', uid + 'h0');
  else d.setAttribute('aria-label', 'Message');
  if (cards[0].body) d.setAttribute('aria-describedby', uid + 'b0');

  const x = h('button', 'x', d, '\u00d7');
  attr(x, { type: 'button', 'aria-label': 'Dismiss message' });
  x.onclick = () => ctx.dismissed();

  const btn = (b: InAppMessageButton | undefined, which: 'primary' | 'secondary', i: number, parent: Node) => {
    if (!b) return;
    const e = h('button', 'bt ' + which[0], parent, b.title);
    e.type = 'button';
    const s = b.style;
    if (s.backgroundColor) e.style.backgroundColor = s.backgroundColor;
    if (s.color) e.style.color = s.color;
    if (s.borderRadius != null) e.style.borderRadius = s.borderRadius + 'px';
    e.onclick = () => ctx.clicked({ button: which, card: i, action: b.action, url: b.url });
  };

  const card = (c: InAppMessageContent, i: number, parent: Node) => {
    const e = h('div', 'c', parent);
    if (imgs[i]) {
      const im = h('img', 'im', e);
      im.alt = '';
      im.draggable = false; // a native image drag would swallow the swipe
      im.src = imgs[i]!;
    }
    const t = h('div', 'tx', e);
    text(c.header, 'h2', 'hd', t, uid + 'h' + i);
    text(c.body, 'p', 'bd', t, uid + 'b' + i);
    if (c.primaryButton || c.secondaryButton) {
      const a = h('div', 'ac', t);
      if (c.header?.style.textAlign === 'center') a.style.justifyContent = 'center';
      btn(c.secondaryButton, 'secondary', i, a);
      btn(c.primaryButton, 'primary', i, a);
    }
    return e;
  };

  const paint = (c: InAppMessageContent, e: HTMLElement) => {
    const bg = c.container?.style.backgroundColor;
    if (bg) e.style.backgroundColor = bg;
    const fg = c.body?.style.color || c.header?.style.color;
    if (fg) e.style.color = fg;
  };

  if (kind !== 'car') {
    paint(cards[0], d);
    card(cards[0], 0, d);
  } else {
    attr(d, { 'aria-roledescription': 'carousel' });
    const trk = h('div', 'trk', d);
    const slides = cards.map((c, i) => {
      const s = card(c, i, trk);
      s.className = 'sl';
      attr(s, { role: 'group', 'aria-roledescription': 'slide', 'aria-label': i + 1 + ' of ' + n });
      paint(c, s);
      return s;
    });
    let cur = 0;
    const pv = h('button', 'nv pv', d, '\u2039');
    const nx = h('button', 'nv nx', d, '\u203a');
    attr(pv, { type: 'button', 'aria-label': 'Previous card' });
    attr(nx, { type: 'button', 'aria-label': 'Next card' });
    const dots = h('div', 'dots', d);
    const dt = cards.map((_, i) => {
      const b = h('button', 'dt', dots);
      attr(b, { type: 'button', 'aria-label': 'Card ' + (i + 1) + ' of ' + n });
      b.onclick = () => go(i);
      return b;
    });
    const go = (i: number) => {
      cur = Math.max(0, Math.min(n - 1, i));
      trk.style.transform = 'translateX(' + -100 * cur + '%)';
      slides.forEach((s, j) => {
        s.inert = j !== cur;
        s.setAttribute('aria-hidden', '' + (j !== cur));
        dt[j].setAttribute('aria-current', '' + (j === cur));
      });
      pv.disabled = cur === 0;
      nx.disabled = cur === n - 1;
      paint(cards[cur], d);
    };
    pv.onclick = () => go(cur - 1);
    nx.onclick = () => go(cur + 1);
    d.addEventListener('keydown', (e) => {
      const k = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (k) e.preventDefault(), go(cur + k);
    });
    let x0 = 0;
    trk.onpointerdown = (e) => {
      x0 = e.clientX;
      trk.setPointerCapture?.(e.pointerId);
    };
    trk.onpointerup = (e) => {
      const dx = e.clientX - x0;
      if (Math.abs(dx) > 40) go(cur + (dx < 0 ? 1 : -1));
    };
    if (n < 2) pv.hidden = nx.hidden = dots.hidden = true;
    go(0);
  }

  if (modal) o.onclick = (e) => e.target === o && ctx.dismissed();
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      ctx.dismissed();
    } else if (e.key === 'Tab' && modal) {
      // Keep focus inside a modal dialog.
      const f = [...d.querySelectorAll<HTMLElement>('button')].filter((b) => !(b as HTMLButtonElement).disabled && !b.hidden && !b.closest('[inert]'));
      const a = root.activeElement;
      const i = f.indexOf(a as HTMLElement);
      if (e.shiftKey ? i <= 0 : i === f.length - 1) {
        e.preventDefault();
        f[e.shiftKey ? f.length - 1 : 0]?.focus();
      }
    }
  };

  const prev = document.activeElement as HTMLElement | null;
  document.addEventListener('keydown', onKey, true);
  document.body.appendChild(host);
  d.focus({ preventScroll: true });
  ctx.displayed();

  return () => {
    document.removeEventListener('keydown', onKey, true);
    host.remove();
    if (prev?.isConnected) prev.focus({ preventScroll: true });
  };
}
