// Test page glue: configures the SDK from ?cfg=<JSON> and records what the
// listeners and the Content-Security-Policy report, for e2e/run.mjs.
(() => {
  window.__log = [];
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
  });
  const cfg = JSON.parse(new URLSearchParams(location.search).get('cfg'));
  inappd.init({
    endpoint: cfg.endpoint,
    appId: cfg.appId,
    region: cfg.region,
    credentials: { accessKeyId: cfg.keyId, secretAccessKey: cfg.secret },
    flushInterval: 300,
    ...cfg.options,
  });
  for (const t of ['Received', 'Displayed', 'Dismissed', 'ActionTaken']) {
    inappd['onMessage' + t]((m, click) => {
      window.__log.push({ type: t, id: m.id, layout: m.layout, customData: m.metadata.customData, click });
    });
  }
  window.__ready = true;
})();
