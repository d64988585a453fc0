import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InAppMessage } from '../src/types';
import { campaign, client, fakeServer } from './helpers';

const end = (d: string) => ({ Schedule: { ...campaign('x').Schedule, EndDate: d } });

test('priority first: 1 beats 2 and unprioritized ones', async () => {
  const server = fakeServer([campaign('none'), campaign('p2', { Priority: 2 }), campaign('p1', { Priority: 1 })]);
  const c = client(server);
  await c.syncMessages();
  assert.equal((await c.dispatchEvent({ name: 'buy' }))?.id, 'p1');
  c.destroy();
});

test('unprioritized ones only when no prioritized one qualifies', async () => {
  const server = fakeServer([campaign('none'), campaign('p1', { Priority: 1 }, 'other')]);
  const c = client(server);
  await c.syncMessages();
  assert.equal((await c.dispatchEvent({ name: 'buy' }))?.id, 'none');
  c.destroy();
});

test('default conflict handler: the earliest end date', async () => {
  const server = fakeServer([
    campaign('late', end('2027-03-01T00:00:00Z')),
    campaign('open'),
    campaign('soon', end('2027-01-01T00:00:00Z')),
  ]);
  const c = client(server);
  await c.syncMessages();
  assert.equal((await c.dispatchEvent({ name: 'buy' }))?.id, 'soon');
  c.destroy();
});

test('a custom conflict handler gets the best-priority candidates and decides', async () => {
  const server = fakeServer([
    campaign('a', { Priority: 1, ...end('2027-01-01T00:00:00Z') }),
    campaign('b', { Priority: 1, ...end('2027-02-01T00:00:00Z') }),
    campaign('c', { Priority: 2 }),
  ]);
  const c = client(server);
  await c.syncMessages();
  let seen: string[] = [];
  c.setConflictHandler((ms: InAppMessage[]) => {
    seen = ms.map((m) => m.id);
    return ms[ms.length - 1];
  });
  assert.equal((await c.dispatchEvent({ name: 'buy' }))?.id, 'b');
  assert.deepEqual(seen, ['a', 'b']);
  c.destroy();
});

test('listeners: received gets the winner with its custom data', async () => {
  const server = fakeServer([campaign('a', { InAppMessage: { Layout: 'MOBILE_FEED', CustomConfig: { coupon: 'X1' } } })]);
  const c = client(server);
  await c.syncMessages();
  const got: InAppMessage[] = [];
  const l = c.on('messageReceived', (m) => got.push(m));
  await c.dispatchEvent({ name: 'buy' });
  l.remove();
  c.clearMessages();
  await c.syncMessages();
  await c.dispatchEvent({ name: 'buy' });
  assert.equal(got.length, 1);
  assert.equal(got[0].layout, 'MODAL');
  assert.deepEqual(got[0].metadata.customData, { coupon: 'X1' });
  c.destroy();
});
