import assert from 'node:assert/strict';
import { test } from 'node:test';
import { campaign, client, drained, fakeServer, memStorage, recordingRenderer, tick } from './helpers';

test('events are batched into PutEvents with the endpoint, stable ids and the session', async () => {
  const server = fakeServer();
  const c = client(server, { autoSession: true });
  await c.record({ name: 'add_to_cart', attributes: { sku: 'A' }, metrics: { price: 12.5 } });
  await c.record({ name: 'checkout' });
  await drained(c);
  assert.equal(server.posts.length, 1, 'one request for the buffered events');
  const batch = server.posts[0].BatchItem[c.endpointId];
  assert.deepEqual(batch.Endpoint, {});
  const evs = Object.values<any>(batch.Events);
  assert.deepEqual(evs.map((e) => e.EventType), ['_session.start', 'add_to_cart', 'checkout']);
  assert.deepEqual(evs[1].Attributes, { sku: 'A' });
  assert.deepEqual(evs[1].Metrics, { price: 12.5 });
  assert.equal(evs[1].Session.Id, c.session!.id);
  assert.match(evs[1].Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  for (const id of Object.keys(batch.Events)) assert.match(id, /^[0-9a-f-]{36}$/);
  c.destroy();
});

test('a lost answer is retried with the same ids: the server counts each event once', async () => {
  const server = fakeServer();
  server.fail.push('lost'); // stored, but the client never hears back
  const c = client(server);
  await c.record({ name: 'e1' });
  await c.record({ name: 'e2' });
  await c.flush();
  assert.equal(c.queued, 2, 'kept after the failure');
  await c.flush(); // the backoff timer would do it; do not wait a second
  await drained(c);
  assert.equal(server.posts.length, 2);
  assert.deepEqual(Object.keys(server.posts[0].BatchItem[c.endpointId].Events), Object.keys(server.posts[1].BatchItem[c.endpointId].Events));
  assert.equal(server.events.size, 2);
  c.destroy();
});

test('network errors and 5xx are retried with growing backoff', async () => {
  const server = fakeServer();
  server.fail.push('network', 503);
  const c = client(server);
  await c.record({ name: 'e1' });
  const t0 = Date.now();
  for (let i = 0; i < 500 && c.queued; i++) await tick(10);
  // 20 ms buffer, then about 1 s, 2 s (±25%) of backoff, then success.
  assert.equal(c.queued, 0);
  assert.equal(server.posts.length, 3);
  assert.ok(Date.now() - t0 > 2000, 'backed off');
  assert.equal(server.events.size, 1);
  c.destroy();
});

test('per event: 429/500 stay queued, 400 is dropped, 202 leaves', async () => {
  const server = fakeServer();
  const c = client(server);
  await c.record({ name: 'ok' });
  await c.record({ name: 'bad' });
  await c.record({ name: 'busy' });
  const q = JSON.parse((c as any).st.getItem('inappd:app1:queue'));
  server.eventStatus.set(q[1].i, 400);
  server.eventStatus.set(q[2].i, 429);
  await c.flush();
  assert.equal(c.queued, 1);
  server.eventStatus.clear();
  await c.flush();
  await drained(c);
  assert.deepEqual([...server.events.values()].map((e) => e.event.EventType).sort(), ['busy', 'ok']);
  c.destroy();
});

test('a 400 for the whole request drops the batch; a 403 keeps it', async () => {
  const server = fakeServer();
  server.fail.push(403, 400);
  const c = client(server);
  await c.record({ name: 'e1' });
  await c.flush();
  assert.equal(c.queued, 1, '403: kept');
  await c.flush();
  assert.equal(c.queued, 0, '400: dropped');
  c.destroy();
});

test('the queue is persistent: a new page sends what the last one could not', async () => {
  const server = fakeServer();
  const storage = memStorage();
  server.fail.push('network');
  const c1 = client(server, { storage });
  await c1.record({ name: 'offline_1' });
  await c1.flush();
  c1.destroy();
  assert.equal(server.events.size, 0);
  const c2 = client(server, { storage });
  await tick(30);
  await drained(c2);
  assert.equal(server.of('offline_1').length, 1);
  c2.destroy();
});

test('batches of batchSize; at most 1000 queued events (oldest dropped)', async () => {
  const server = fakeServer();
  server.fail.push('network');
  const c = client(server, { batchSize: 100 });
  for (let i = 0; i < 1010; i++) await c.record({ name: 'e' + i });
  await c.flush();
  assert.equal(c.queued, 1000);
  await c.flush();
  await drained(c);
  assert.equal(server.posts.length, 11); // 1 failed + 10 of 100
  assert.equal(server.of('e0').length, 0);
  assert.equal(server.of('e1009').length, 1);
  c.destroy();
});

test('interaction events carry campaign, treatment, delivery type and the button', async () => {
  const server = fakeServer([campaign('c1', { TreatmentId: '2' })]);
  const { r, shown } = recordingRenderer();
  const c = client(server, { renderer: r });
  await c.syncMessages();
  await c.dispatchEvent({ name: 'buy' });
  shown[0].ctx.clicked({ button: 'secondary', card: 0, action: 'CLOSE' });
  await c.dispatchEvent({ name: 'buy' });
  shown[1].ctx.dismissed();
  await c.flush();
  await drained(c);
  const base = { campaign_id: 'c1', treatment_id: '2', delivery_type: 'IN_APP_MESSAGE' };
  assert.deepEqual(server.of('_inapp.message_displayed').map((e) => e.event.Attributes), [base, base]);
  assert.deepEqual(server.of('_inapp.message_dismissed').map((e) => e.event.Attributes), [base]);
  assert.deepEqual(server.of('_inapp.message_clicked').map((e) => e.event.Attributes), [
    { ...base, button: 'secondary', button_action: 'CLOSE', card_index: '0' },
  ]);
  c.destroy();
});
