import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InAppClient } from '../src/client';
import { campaign, client, clock, drained, eventually, fakeServer, memStorage, recordingRenderer, T0, tick } from './helpers';

const HOUR = 36e5;

async function setup(caps: { SessionCap?: number; DailyCap?: number; TotalCap?: number }, over = {}) {
  const server = fakeServer([campaign('c1', caps)]);
  const clk = clock();
  const storage = memStorage();
  const { r, shown } = recordingRenderer();
  const make = () => client(server, { now: clk.now, storage, renderer: r, autoSession: true, ...over });
  let c = make();
  await c.syncMessages();
  return {
    server, clk, storage, shown,
    get c() { return c; },
    /** A page reload: a new client on the same storage. */
    reload() { c.destroy(); c = make(); return c; },
    /** Dispatches, and closes what was shown (as the user would). */
    async show(name = 'buy') {
      const m = await c.dispatchEvent({ name });
      if (m) shown[shown.length - 1].ctx.dismissed();
      return m;
    },
  };
}

describe('session cap', () => {
  test('holds within a session, across reloads, and resets with a new session', async () => {
    const s = await setup({ SessionCap: 1 });
    assert.ok(await s.show());
    assert.equal(await s.show(), null);
    s.reload();
    s.clk.advance(60e3);
    assert.equal(await s.show(), null, 'a reload within the session keeps the session count');
    s.c.stopSession();
    s.c.startSession();
    await tick(5);
    assert.ok(await s.show(), 'a new session resets the session count');
  });

  test('a session ends after the inactivity timeout, not before', async () => {
    const s = await setup({ SessionCap: 1 }, { sessionTimeout: 30 * 60e3 });
    const first = s.c.session!.id;
    assert.ok(await s.show());
    s.clk.advance(29 * 60e3);
    assert.equal(await s.show(), null);
    assert.equal(s.c.session!.id, first, 'activity keeps the session');
    s.clk.advance(31 * 60e3);
    assert.equal(s.c.session, undefined, 'expired');
    await tick(5);
    assert.ok(await s.show(), 'the next activity starts a new session');
    assert.notEqual(s.c.session!.id, first);
  });

  test('tabs share the session and its counts (same storage)', async () => {
    const s = await setup({ SessionCap: 1 });
    const other = client(s.server, { now: s.clk.now, storage: s.storage, renderer: recordingRenderer().r, autoSession: true });
    assert.equal(other.session!.id, s.c.session!.id);
    assert.ok(await s.show());
    assert.equal(await other.dispatchEvent({ name: 'buy' }), null);
    other.destroy();
  });
});

test('daily cap: per campaign and local day', async () => {
  const s = await setup({ DailyCap: 2 }, { sessionTimeout: 48 * HOUR });
  assert.ok(await s.show());
  assert.ok(await s.show());
  assert.equal(await s.show(), null);
  s.clk.advance(24 * HOUR);
  assert.ok(await s.show(), 'a new day');
});

test('total cap: kept across sessions and reloads', async () => {
  const s = await setup({ TotalCap: 2 });
  assert.ok(await s.show());
  s.reload();
  s.c.startSession();
  await tick(5);
  assert.ok(await s.show());
  s.reload();
  s.clk.advance(40 * 24 * HOUR);
  assert.equal(await s.show(), null);
});

test('two dispatches in a row cannot both pass a cap of 1', async () => {
  for (const cap of [{ SessionCap: 1 }, { DailyCap: 1 }, { TotalCap: 1 }]) {
    const server = fakeServer([campaign('c1', cap)]);
    const c = client(server, { autoSession: true }); // headless: nothing displays it yet
    await c.syncMessages();
    const got = await Promise.all([c.dispatchEvent({ name: 'buy' }), c.dispatchEvent({ name: 'buy' })]);
    assert.deepEqual(got.map((m) => m?.id ?? null), ['c1', null], JSON.stringify(cap));
    c.destroy();
  }
});

test('counts move when a message is displayed; an undisplayed reservation lapses', async () => {
  const server = fakeServer([campaign('c1', { TotalCap: 1 })]);
  const clk = clock();
  const c = client(server, { now: clk.now });
  await c.syncMessages();
  const m = await c.dispatchEvent({ name: 'buy' });
  assert.ok(m);
  assert.equal(await c.dispatchEvent({ name: 'buy' }), null, 'reserved');
  clk.advance(61e3);
  const again = await c.dispatchEvent({ name: 'buy' });
  assert.ok(again, 'never displayed: the reservation lapsed');
  c.notifyMessageInteraction({ type: 'messageDisplayed', message: again });
  clk.advance(120e3);
  assert.equal(await c.dispatchEvent({ name: 'buy' }), null, 'displayed: counted');
  c.destroy();
});

test('a message closed before it was displayed gives its reservation back', async () => {
  const server = fakeServer([campaign('c1', { TotalCap: 1 })]);
  let n = 0;
  const c = client(server, {
    renderer: (_m, ctx) => {
      if (n++ === 0) ctx.dismissed(); // e.g. the renderer gave up
      else ctx.displayed();
    },
  });
  await c.syncMessages();
  assert.ok(await c.dispatchEvent({ name: 'buy' }));
  assert.ok(await c.dispatchEvent({ name: 'buy' }));
  assert.equal(await c.dispatchEvent({ name: 'buy' }), null);
  c.destroy();
});

test('one rendered message at a time', async () => {
  const server = fakeServer([campaign('c1'), campaign('c2')]);
  const { r, shown } = recordingRenderer();
  const c = client(server, { renderer: r });
  await c.syncMessages();
  assert.ok(await c.dispatchEvent({ name: 'buy' }));
  assert.equal(await c.dispatchEvent({ name: 'buy' }), null);
  shown[0].ctx.dismissed();
  assert.equal(shown[0].closed, true);
  assert.ok(await c.dispatchEvent({ name: 'buy' }));
  c.destroy();
});

test('quiet time and end date are enforced on the device', async () => {
  const late = new Date(2026, 10, 20, 23, 15).getTime();
  const server = fakeServer([
    campaign('quiet', { Schedule: { ...campaign('x').Schedule, QuietTime: { Start: '22:00', End: '07:00' } } }),
    campaign('ended', { Schedule: { ...campaign('x').Schedule, EndDate: new Date(late - 1000).toISOString() } }),
  ]);
  const clk = clock(late);
  const c = client(server, { now: clk.now });
  await c.syncMessages();
  assert.equal(await c.dispatchEvent({ name: 'buy' }), null);
  clk.t = new Date(2026, 10, 21, 7, 0).getTime();
  assert.equal((await c.dispatchEvent({ name: 'buy' }))?.id, 'quiet');
  c.destroy();
});

test('an empty sync clears the stored messages', async () => {
  const server = fakeServer([campaign('c1')]);
  const c = client(server);
  assert.equal((await c.syncMessages()).length, 1);
  server.campaigns = [];
  assert.deepEqual(await c.syncMessages(), []);
  assert.equal(await c.dispatchEvent({ name: 'buy' }), null);
  c.destroy();
});

test('syncMessages registers the endpoint once, then identifyUser updates it', async () => {
  const server = fakeServer([campaign('c1')]);
  const c = client(server);
  await c.syncMessages();
  await c.syncMessages();
  assert.equal(server.requests.filter((r) => r.method === 'PUT').length, 1);
  const ep = server.endpoints.get(c.endpointId);
  assert.equal(ep.ChannelType, 'IN_APP');
  assert.ok(ep.Demographic.Timezone);
  await c.identifyUser({
    userId: 'u1',
    userProfile: { email: 'a@b.c', customProperties: { plan: ['gold'] } },
    options: { userAttributes: { tier: ['vip'] } },
  });
  const after = server.endpoints.get(c.endpointId);
  assert.deepEqual(after.User, { UserId: 'u1', UserAttributes: { tier: ['vip'] } });
  assert.deepEqual(after.Attributes, { plan: ['gold'], email: ['a@b.c'] });
  c.destroy();
});

test('sessions record _session.start/_session.stop and re-sync on start', async () => {
  const server = fakeServer([campaign('welcome', {}, '_session.start')]);
  const clk = clock();
  const storage = memStorage();
  const { r, shown } = recordingRenderer();
  const c = client(server, { now: clk.now, storage, renderer: r, autoSession: true, sessionTimeout: 60e3 });
  await eventually(() => shown.length > 0, 'the message of the session start');
  assert.equal(shown[0]?.id, 'welcome', 'synced at session start and dispatched _session.start');
  const gets = () => server.requests.filter((x) => x.method === 'GET').length;
  assert.equal(gets(), 1);
  c.destroy();
  // A reload within the timeout resumes the session: no new start, no sync.
  clk.advance(30e3);
  const c2 = client(server, { now: clk.now, storage, renderer: r, autoSession: true, sessionTimeout: 60e3 });
  await tick(20);
  assert.equal(gets(), 1);
  // After the timeout: stop the old one, start a new one, sync again.
  clk.advance(5 * 60e3);
  await c2.record({ name: 'page_view' });
  await eventually(() => gets() >= 2, 'the sync of the new session');
  assert.equal(gets(), 2);
  await c2.flush();
  await drained(c2);
  const starts = server.of('_session.start');
  const stops = server.of('_session.stop');
  assert.equal(starts.length, 2);
  assert.equal(stops.length, 1);
  assert.equal(stops[0].event.Session.Id, starts[0].event.Session.Id);
  assert.equal(stops[0].event.Session.StopTimestamp, new Date(T0 + 30e3).toISOString(), 'stopped at its last activity');
  c2.destroy();
});

test('the client is an InAppClient', () => {
  assert.ok(client(fakeServer()) instanceof InAppClient);
});
