// Acme Outdoor: a demo shop on the inappd browser SDK (window.inappd, from
// sdk/web/dist/inappd.js). Connect it to a local inappd with the form, or
// with ?endpoint=…&appId=…&keyId=…&secret=… in the URL (examples/web/setup.sh
// prints that URL).
(() => {
  'use strict';
  const products = [
    { sku: 'TR-200', name: 'Trailrunner 200', category: 'trail-shoes', price: 129, pic: 'shoes' },
    { sku: 'TN-2P', name: 'Ridgeline 2P tent', category: 'tents', price: 289, pic: 'camp' },
    { sku: 'JK-AL', name: 'Alpine shell jacket', category: 'jackets', price: 179, pic: 'summit' },
    { sku: 'SK-3', name: 'Merino socks, 3 pack', category: 'socks', price: 24, pic: 'shoes' },
    { sku: 'LP-1', name: 'Camp lantern', category: 'camping', price: 39, pic: 'camp' },
    { sku: 'GC-50', name: 'Gift card', category: 'gift-cards', price: 50, pic: 'gift' },
  ];
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  let cart = [];
  let connected = false;

  function log(line) {
    const l = $('log');
    l.textContent = new Date().toLocaleTimeString() + '  ' + line + '\n' + l.textContent;
  }
  function status(s) {
    $('status').textContent = s;
  }

  // Products
  for (const p of products) {
    const card = el('article', 'product');
    card.append(el('div', 'pic ' + p.pic));
    const info = el('div', 'info');
    info.append(el('h3', '', p.name), el('p', 'cat', p.category.replace('-', ' ')));
    const row = el('div', 'row');
    const add = el('button', 'add', 'Add to cart');
    add.type = 'button';
    add.dataset.sku = p.sku;
    add.addEventListener('click', () => addToCart(p));
    row.append(el('span', 'price', '$' + p.price), add);
    info.append(row);
    card.append(info);
    $('products').append(card);
  }

  function addToCart(p) {
    cart.push(p);
    $('cart-count').textContent = String(cart.length);
    if (!connected) return status('Added ' + p.name + '. Connect to inappd to see messages.');
    // Sent to inappd (PutEvents) and matched against the campaigns' event filters.
    inappd.record({ name: 'add_to_cart', attributes: { sku: p.sku, category: p.category }, metrics: { price: p.price } });
  }

  // The "Sale" link: an app event that the demo-sale campaign listens for.
  window.addEventListener('hashchange', () => {
    if (connected && location.hash === '#sale') inappd.record({ name: 'view_sale' });
  });

  $('checkout').addEventListener('click', () => {
    if (!connected) return;
    const total = cart.reduce((s, p) => s + p.price, 0);
    inappd.record({ name: 'checkout', metrics: { items: cart.length, total } });
  });

  // Configuration: the URL, else what was saved, else the form.
  const q = new URLSearchParams(location.search);
  const saved = JSON.parse(localStorage.getItem('acme-demo-config') || '{}');
  const cfg = {};
  for (const k of ['endpoint', 'appId', 'keyId', 'secret']) {
    cfg[k] = q.get(k) || saved[k] || '';
    $('config').elements[k].value = cfg[k];
  }

  $('config').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = e.target.elements;
    const c = { endpoint: f.endpoint.value.trim(), appId: f.appId.value.trim(), keyId: f.keyId.value.trim(), secret: f.secret.value };
    localStorage.setItem('acme-demo-config', JSON.stringify(c));
    connect(c);
  });

  function connect(c) {
    const client = inappd.init({
      endpoint: c.endpoint,
      appId: c.appId,
      credentials: { accessKeyId: c.keyId, secretAccessKey: c.secret },
      flushInterval: 2000,
      // DEEP_LINK buttons with an in-page link (#sale) just scroll.
      onAction(click) {
        log('button ' + click.button + ' → ' + click.action + (click.url ? ' ' + click.url : ''));
      },
    });
    connected = true;
    inappd.onMessageReceived((m) => {
      log('received ' + m.layout + ' ' + m.id);
      const coupon = m.metadata.customData && m.metadata.customData.coupon;
      if (coupon) status('Coupon ' + coupon + ' applied to your cart.'); // custom data, handed to the app
    });
    inappd.onMessageDisplayed((m) => log('displayed ' + m.id));
    inappd.onMessageDismissed((m) => log('dismissed ' + m.id));
    inappd.onMessageActionTaken((m, click) => log('clicked ' + click.button + ' of ' + m.id));
    status('Connected to ' + c.endpoint + ' as endpoint ' + client.endpointId + '.');
    inappd.syncMessages().then(
      (ms) => log('synced ' + ms.length + ' message(s)'),
      (err) => status('Sync failed: ' + err.name + ': ' + err.message),
    );
  }

  $('signin').addEventListener('click', () => {
    if (!connected) return;
    inappd
      .identifyUser({ userId: 'demo-user-1', userProfile: { email: 'hiker@example.com', name: 'Sam Hiker', plan: 'gold' } })
      .then(() => log('signed in as demo-user-1 (plan gold)'), (err) => status('identifyUser failed: ' + err.message));
  });
  $('sync').addEventListener('click', () => {
    if (connected) inappd.syncMessages().then((ms) => log('synced ' + ms.length + ' message(s)'));
  });
  $('new-session').addEventListener('click', () => {
    if (!connected) return;
    inappd.stopSession();
    inappd.startSession();
    log('new session');
  });

  if (cfg.endpoint && cfg.appId && cfg.keyId && cfg.secret) connect(cfg);
})();
