// The preview frame: draws a message with the SDK's own default renderer
// (vendor/inappd.mjs), exactly as a customer's web app would. The console
// page that holds the <iframe> sends the message with
//   iframe.contentWindow.postMessage({ type: 'inappd-preview', message }, origin)
// where message is a Pinpoint in-app message ({Layout, Content,
// CustomConfig}: a template, or a campaign's MessageConfiguration.InAppMessage)
// or an already normalized one ({layout, content, metadata}).

import { defaultRenderer, normalize } from './vendor/inappd.mjs';

const status = document.getElementById('pv-status');
const statusText = document.getElementById('pv-status-text');
const again = document.getElementById('pv-again');

// The renderer focuses its dialog, as it should in an app; in the console
// that would pull the caret out of the field the marketer is typing in.
// Focus moves only while this frame itself has the focus.
const focus = HTMLElement.prototype.focus;
HTMLElement.prototype.focus = function (opts) {
  if (document.hasFocus()) focus.call(this, opts);
};

// Redraws while typing should not replay the entrance animation each time.
const still = new CSSStyleSheet();
still.replaceSync('*, *::before, *::after { animation: none !important; transition: none !important }');
// The overlay's backdrop blur samples past the edges of this scaled-down
// frame and paints the device bezel into the corners: in the preview the
// backdrop is dimmed only.
const flat = new CSSStyleSheet();
flat.replaceSync('.o { -webkit-backdrop-filter: none !important; backdrop-filter: none !important }');
let animate = true;
let wantCard = 0;
new MutationObserver((records) => {
  for (const r of records) {
    for (const n of r.addedNodes) {
      if (n.nodeType !== 1 || !n.shadowRoot) continue;
      n.shadowRoot.adoptedStyleSheets = [...n.shadowRoot.adoptedStyleSheets, flat, ...(animate ? [] : [still])];
      turnTo(wantCard);
    }
  }
}).observe(document.body, { childList: true });

/** Turns a carousel on screen to card i (the card being edited) with its own dot button. */
function turnTo(i) {
  const host = document.querySelector('[data-inappd]');
  const dots = host?.shadowRoot?.querySelectorAll('.dots button');
  if (dots && dots[i]) dots[i].click();
}

/** Turns what the console sends into the renderer's message shape. */
export function toMessage(x) {
  if (!x || typeof x !== 'object') x = {};
  if (typeof x.layout === 'string' && Array.isArray(x.content)) return x;
  if (x.InAppMessage) return normalize({ CampaignId: 'preview', ...x });
  return normalize({ CampaignId: 'preview', InAppMessage: { Layout: x.Layout, Content: x.Content, CustomConfig: x.CustomConfig } });
}

let unmount = null;
let last = null;
let lastKey = '';

function show(message, { replay = false, card = 0 } = {}) {
  const key = JSON.stringify(message);
  wantCard = card;
  // Same message again (a re-sent one, or another card picked): no redraw.
  if (!replay && key === lastKey && unmount) {
    turnTo(card);
    return;
  }
  animate = replay || lastKey === '' || message.layout !== last?.layout;
  lastKey = key;
  last = message;
  unmount?.();
  status.hidden = true;
  let closed = false;
  const close = (text) => {
    if (closed) return;
    closed = true;
    unmount?.();
    unmount = null;
    statusText.textContent = text;
    status.hidden = false;
  };
  unmount = defaultRenderer(message, {
    displayed() {},
    dismissed: () => close('Message dismissed.'),
    clicked: (c) => {
      const what = c.action === 'CLOSE' ? 'closes the message' : (c.action === 'LINK' ? 'opens ' : 'deep-links to ') + (c.url || '(no link set)');
      close('The ' + c.button + ' button ' + what + '.');
    },
  }) || null;
}

again.addEventListener('click', () => last && show(last, { replay: true, card: wantCard }));

window.addEventListener('message', (e) => {
  if (e.origin !== location.origin || e.source !== window.parent) return;
  const d = e.data;
  if (!d || d.type !== 'inappd-preview') return;
  try {
    show(toMessage(d.message), { card: d.card || 0, replay: !!d.replay });
  } catch (err) {
    statusText.textContent = 'Cannot preview this message: ' + err.message;
    status.hidden = false;
  }
});

if (window.parent !== window) window.parent.postMessage({ type: 'inappd-preview-ready' }, location.origin);
