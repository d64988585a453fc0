// A minimal shop on the browser SDK's ES module (the build the console
// embeds, byte-identical to sdk/web's), configured from ?cfg=<JSON>: the
// inappd URL, the app ID and the client key the console created. The
// end-to-end test (test/console/e2e.mjs) drives it.
import * as inappd from '/sdk/inappd.mjs';

const cfg = JSON.parse(new URLSearchParams(location.search).get('cfg'));
window.inappd = inappd;
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));

inappd.init({
  endpoint: cfg.endpoint,
  appId: cfg.appId,
  region: 'us-east-1',
  credentials: { accessKeyId: cfg.keyId, secretAccessKey: cfg.secret },
  flushInterval: 300,
});
await inappd.identifyUser({ userId: 'shopper-1', userProfile: { name: 'Sam', email: 'sam@example.com' }, options: { userAttributes: { plan: ['gold'] } } });

for (const b of document.querySelectorAll('button.add')) {
  b.addEventListener('click', () => {
    inappd.record({ name: 'add_to_cart', attributes: { sku: b.dataset.sku }, metrics: { price: Number(b.dataset.price) } });
  });
}
window.__ready = true;
