// Test doubles: an in-memory Pinpoint (the three device operations), a
// clock, storage that survives "reloads" (new clients on the same map).

import { webcrypto } from 'node:crypto';
import { InAppClient } from '../src/client';
import type { Campaign, Config, Renderer } from '../src/types';

// Node 18 has Web Crypto only as require('crypto').webcrypto (browsers and Node 20+: globalThis.crypto).
if (!globalThis.crypto) (globalThis as any).crypto = webcrypto;

export const T0 = new Date(2026, 10, 20, 10, 0, 0).getTime(); // local 10:00

export function memStorage() {
  const m = new Map<string, string>();
  return {
    map: m,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
}

export interface StoredEvent { endpoint: string; id: string; event: any }

/**
 * A fake inappd. fail: what the next PutEvents calls do ('network' throws,
 * a number answers that status, 'lost' stores the events then throws as if
 * the answer never came back); eventStatus: per-event StatusCode overrides.
 */
export function fakeServer(campaigns: Campaign[] = []) {
  const s = {
    campaigns,
    events: new Map<string, StoredEvent>(), // by endpoint/id: a retry is stored once
    posts: [] as any[],
    requests: [] as { method: string; url: string; headers: Record<string, string>; body?: string }[],
    endpoints: new Map<string, any>(),
    fail: [] as ('network' | 'lost' | number)[],
    eventStatus: new Map<string, number>(),
    fetch: (async (url: string, init: RequestInit) => {
      const u = new URL(url);
      const method = init.method || 'GET';
      const body = init.body as string | undefined;
      s.requests.push({ method, url, headers: init.headers as Record<string, string>, body });
      const json = (status: number, v: unknown) =>
        new Response(JSON.stringify(v), { status, headers: { 'content-type': 'application/json' } });
      let m: RegExpMatchArray | null;
      if (method === 'PUT' && (m = u.pathname.match(/^\/v1\/apps\/[^/]+\/endpoints\/([^/]+)$/))) {
        s.endpoints.set(m[1], JSON.parse(body!));
        return json(202, { Message: 'Accepted', RequestID: 'r' });
      }
      if (method === 'GET' && u.pathname.endsWith('/inappmessages')) {
        return json(200, { InAppMessageCampaigns: s.campaigns });
      }
      if (method === 'POST' && u.pathname.endsWith('/events')) {
        const req = JSON.parse(body!);
        s.posts.push(req);
        const f = s.fail.shift();
        if (f === 'network') throw new TypeError('Failed to fetch');
        if (typeof f === 'number') return json(f, { Message: 'nope', RequestID: 'r' });
        const Results: any = {};
        for (const [ep, b] of Object.entries<any>(req.BatchItem)) {
          const items: any = {};
          for (const [id, ev] of Object.entries<any>(b.Events)) {
            const code = s.eventStatus.get(id) ?? 202;
            if (code === 202) s.events.set(ep + '/' + id, { endpoint: ep, id, event: ev });
            items[id] = { StatusCode: code, Message: code === 202 ? 'Accepted' : 'no' };
          }
          Results[ep] = { EndpointItemResponse: { StatusCode: 202, Message: 'Accepted' }, EventsItemResponse: items };
        }
        if (f === 'lost') throw new TypeError('Failed to fetch');
        return json(202, { Results });
      }
      return json(404, { Message: 'no route', RequestID: 'r' });
    }) as unknown as typeof fetch,
    /** Stored events of a type. */
    of(type: string) {
      return [...s.events.values()].filter((e) => e.event.EventType === type);
    },
  };
  return s;
}

export function clock(t = T0) {
  const c = { t, now: () => c.t, advance: (ms: number) => void (c.t += ms) };
  return c;
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until cond holds, polling every 5 ms; fails after ~2 s saying
 * what it waited for. For what must happen (a sync, a send), where a
 * fixed tick fails on a slow machine; a fixed tick stays right for what
 * must not happen.
 */
export async function eventually(cond: () => boolean, what: string) {
  for (let i = 0; i < 400 && !cond(); i++) await tick(5);
  if (!cond()) throw new Error('timed out waiting for ' + what);
}

/** Waits until the client's queue is empty (or fails after ~2 s). */
export async function drained(c: InAppClient) {
  for (let i = 0; i < 200 && c.queued; i++) await tick(10);
  if (c.queued) throw new Error('queue not drained: ' + c.queued);
}

export function campaign(id: string, over: Partial<Campaign> = {}, event = 'buy'): Campaign {
  return {
    CampaignId: id,
    TreatmentId: '0',
    InAppMessage: {
      Layout: 'MIDDLE_BANNER',
      Content: [{ HeaderConfig: { Header: 'Hi ' + id, Alignment: 'CENTER', TextColor: '#000' } }],
    },
    Schedule: { EventFilter: { FilterType: 'ENDPOINT', Dimensions: { EventType: { DimensionType: 'INCLUSIVE', Values: [event] } } } },
    ...over,
  };
}

export function client(server: ReturnType<typeof fakeServer>, over: Partial<Config> = {}) {
  return new InAppClient({
    endpoint: 'https://inappd.test',
    appId: 'app1',
    credentials: { accessKeyId: 'AKCLTEST', secretAccessKey: 'secret' },
    fetch: server.fetch,
    storage: memStorage(),
    flushInterval: 20,
    autoSession: false,
    renderer: false,
    ...over,
  });
}

/** A renderer that shows nothing but reports what a real one would: displayed at once. */
export function recordingRenderer() {
  const shown: { id: string; ctx: Parameters<Renderer>[1]; closed: boolean }[] = [];
  const r: Renderer = (m, ctx) => {
    const e = { id: m.id, ctx, closed: false };
    shown.push(e);
    ctx.displayed();
    return () => void (e.closed = true);
  };
  return { r, shown };
}
