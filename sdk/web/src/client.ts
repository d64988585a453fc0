// The SDK's state machine: endpoint, sessions, messages, caps, the event
// queue and the renderer's lifecycle. Everything it keeps lives in storage
// under "inappd:<appId>:", shared by every tab of the origin.

import { byPriority, earliestEndDate, isLive, isQuietTime, matchesEvent, normalize } from './match';
import { sign } from './sigv4';
import type {
  ButtonClick, Campaign, Config, ConflictHandler, IdentifyUserInput, InAppEvent, InAppMessage, Renderer,
} from './types';

export const VERSION = '0.1.0';

export type Interaction = 'messageReceived' | 'messageDisplayed' | 'messageDismissed' | 'messageActionTaken';
export type Listener = (message: InAppMessage, click?: ButtonClick) => void;

export interface InAppError extends Error {
  /** HTTP status (0: network). */
  status?: number;
}

interface QItem { i: string; e: string; v: Record<string, unknown> }
interface Session { id: string; start: number; last: number }
/** s/S: session id and counts, d/D: local day and counts, T: totals; per campaign. */
interface Caps { s?: string; S: Record<string, number>; d?: string; D: Record<string, number>; T: Record<string, number> }
interface Showing { m: InAppMessage; shown: boolean; done: boolean; close: () => void }

const noop = () => {};
const iso = (t: number) => new Date(t).toISOString();
const uuid = () => crypto.randomUUID();
const browser = typeof window !== 'undefined' && typeof document !== 'undefined';
/** A timer that does not keep Node alive (unit tests). */
const later = (fn: () => void, ms: number) => {
  const t: any = setTimeout(fn, ms);
  t.unref?.();
  return t;
};

function memoryStorage(): Config['storage'] {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

function defaultStorage(): Config['storage'] {
  try {
    localStorage.setItem('inappd:', '1');
    localStorage.removeItem('inappd:');
    return localStorage;
  } catch {
    return memoryStorage();
  }
}

export class InAppClient {
  /** This device's Pinpoint endpoint ID. */
  readonly endpointId: string;
  private c: Required<Pick<Config, 'region' | 'sessionTimeout' | 'flushInterval' | 'batchSize' | 'autoSession'>> & Config;
  private st: NonNullable<Config['storage']>;
  private k: string;
  private ls: Record<string, Set<Listener>> = {};
  private conflict: ConflictHandler = earliestEndDate;
  private renderer: Renderer | false;
  private pending = new Map<string, number[]>();
  private showing?: Showing;
  private timer?: ReturnType<typeof setTimeout>;
  private backoff = 0;
  private flushing?: Promise<void>;
  private skew = 0;
  private reg?: Promise<void>;
  private offs: (() => void)[] = [];

  constructor(config: Config) {
    this.c = { region: 'us-east-1', sessionTimeout: 18e5, flushInterval: 5e3, batchSize: 100, autoSession: true, ...config };
    this.st = config.storage || defaultStorage()!;
    this.k = 'inappd:' + config.appId + ':';
    this.renderer = config.renderer || false;
    this.endpointId = config.endpointId || this.get<string>('endpoint') || uuid();
    this.set('endpoint', this.endpointId);
    if (browser) {
      const on = (t: EventTarget, type: string, fn: () => void) => {
        t.addEventListener(type, fn, true);
        this.offs.push(() => t.removeEventListener(type, fn, true));
      };
      on(window, 'online', () => {
        this.backoff = 0;
        this.flush();
      });
      on(window, 'pagehide', () => this.flush(true));
      on(document, 'visibilitychange', () => (document.visibilityState === 'hidden' ? this.flush(true) : this.activity()));
      on(document, 'pointerdown', () => this.activity());
      on(document, 'keydown', () => this.activity());
    }
    if (this.c.autoSession) this.activity();
    if (this.queue().length) this.schedule(0);
  }

  // ---- storage ----

  private now() {
    return this.c.now ? this.c.now() : Date.now();
  }
  private get<T>(key: string): T | undefined {
    try {
      const v = this.st.getItem(this.k + key);
      return v == null ? undefined : JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  private set(key: string, v: unknown) {
    try {
      v === undefined ? this.st.removeItem(this.k + key) : this.st.setItem(this.k + key, JSON.stringify(v));
    } catch {
      /* quota: keep going in memory */
    }
  }

  // ---- listeners ----

  /** Adds a listener; Amplify's onMessageReceived and friends are built on it. */
  on(type: Interaction, fn: Listener): { remove(): void } {
    (this.ls[type] ||= new Set()).add(fn);
    return { remove: () => void this.ls[type].delete(fn) };
  }
  private emit(type: Interaction, m: InAppMessage, click?: ButtonClick) {
    this.ls[type]?.forEach((fn) => {
      try {
        fn(m, click);
      } catch (e) {
        console.error(e);
      }
    });
  }

  setConflictHandler(fn: ConflictHandler) {
    this.conflict = fn;
  }
  setRenderer(r: Renderer | false) {
    this.renderer = r;
  }

  // ---- sessions ----

  /** The live session, if any. */
  get session(): { id: string; startTimestamp: string } | undefined {
    const s = this.live();
    return s && { id: s.id, startTimestamp: iso(s.start) };
  }
  private live(): Session | undefined {
    const s = this.get<Session>('session');
    return s && this.now() - s.last <= this.c.sessionTimeout ? s : undefined;
  }

  /** Something happened: keeps the session alive, or starts one (autoSession). */
  private activity(): Session | undefined {
    const s = this.live();
    if (s) {
      if (this.now() - s.last > 1e3) this.set('session', { ...s, last: this.now() });
      return s;
    }
    if (this.c.autoSession) return this.begin();
  }

  /**
   * Starts a new session (ending the current one): records _session.start,
   * updates the endpoint, re-syncs the messages, then dispatches
   * _session.start locally.
   */
  startSession(): void {
    this.begin();
  }
  private begin(): Session {
    this.stopSession();
    const now = this.now();
    const s = { id: uuid(), start: now, last: now };
    this.set('session', s);
    this.enqueue('_session.start', undefined, undefined, s);
    this.set('registered', undefined); // UpdateEndpoint once per session (EffectiveDate, demographics)
    this.syncMessages()
      .catch(noop)
      .then(() => this.dispatchEvent({ name: '_session.start' }));
    return s;
  }

  /** Ends the session: records _session.stop. The next activity starts a new one (autoSession). */
  stopSession() {
    const s = this.get<Session>('session');
    if (!s) return;
    const stop = this.live() ? this.now() : s.last;
    this.set('session', undefined);
    this.enqueue('_session.stop', undefined, undefined, s, { StopTimestamp: iso(stop), Duration: stop - s.start });
  }

  // ---- caps ----

  private caps(): Caps {
    const c = this.get<Caps>('caps') || { S: {}, D: {}, T: {} };
    const sid = this.live()?.id;
    const d = new Date(this.now());
    const day = d.getFullYear() + '-' + (d.getMonth() + 1) + '-' + d.getDate();
    if (c.s !== sid) (c.s = sid), (c.S = {});
    if (c.d !== day) (c.d = day), (c.D = {});
    return c;
  }
  private pend(id: string) {
    const now = this.now();
    const p = (this.pending.get(id) || []).filter((t) => t > now);
    this.pending.set(id, p);
    return p;
  }
  private release(id: string) {
    this.pend(id).shift();
  }
  private below(x: Campaign, c: Caps) {
    const id = x.CampaignId;
    const p = this.pend(id).length;
    const ok = (cap?: number, n = 0) => !cap || n + p < cap;
    return ok(x.SessionCap, c.S[id]) && ok(x.DailyCap, c.D[id]) && ok(x.TotalCap, c.T[id]);
  }

  // ---- wire ----

  private async call(method: string, path: string, body?: unknown, keepalive = false): Promise<any> {
    const url = new URL(this.c.endpoint.replace(/\/+$/, '') + path);
    const b = body === undefined ? '' : JSON.stringify(body);
    const headers = await sign(
      method, url, b ? { 'content-type': 'application/json' } : {}, b,
      this.c.credentials, this.c.region, new Date(this.now() + this.skew),
    );
    let res: Response;
    try {
      res = await (this.c.fetch || fetch)(url.href, { method, headers, body: b || undefined, keepalive, credentials: 'omit' });
    } catch (e) {
      throw Object.assign(new Error('inappd: network error: ' + e), { name: 'NetworkError', status: 0 });
    }
    const date = Date.parse(res.headers.get('date') || '');
    if (date) {
      const d = date - this.now();
      this.skew = Math.abs(d) > 3e5 ? d : 0; // SigV4 allows 15 minutes; correct from 5
    }
    let json: any = {};
    try {
      json = JSON.parse(await res.text());
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      const e: InAppError = new Error(json.Message || json.message || 'HTTP ' + res.status);
      e.name = (res.headers.get('x-amzn-errortype') || 'HTTP' + res.status).split(/[:,]/)[0];
      e.status = res.status;
      throw e;
    }
    return json;
  }

  private path(tail = '') {
    return '/v1/apps/' + encodeURIComponent(this.c.appId) + tail;
  }

  private updateEndpoint(req: Record<string, unknown>) {
    const demo = {
      Platform: 'Web',
      Locale: browser ? navigator.language : undefined,
      Timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      AppVersion: this.c.appVersion,
      ...(req.Demographic as object),
    };
    return this.call('PUT', this.path('/endpoints/' + encodeURIComponent(this.endpointId)), {
      RequestId: uuid(),
      EffectiveDate: iso(this.now()),
      ChannelType: 'IN_APP',
      ...req,
      Demographic: demo,
    }).then(() => this.set('registered', this.endpointId));
  }

  /** Registers the endpoint once (UpdateEndpoint), as syncMessages needs it. */
  private register(): Promise<void> {
    if (this.get('registered') === this.endpointId) return Promise.resolve();
    return (this.reg ||= this.updateEndpoint({}).finally(() => (this.reg = undefined)));
  }

  /** UpdateEndpoint with the user and profile (the same input as Amplify's identifyUser). */
  async identifyUser({ userId, userProfile: p = {}, options: o = {} }: IdentifyUserInput): Promise<void> {
    const attrs: Record<string, string[]> = { ...p.customProperties };
    for (const k of ['email', 'name', 'plan'] as const) if (p[k]) attrs[k] = [p[k]!];
    await this.updateEndpoint({
      User: { UserId: userId, UserAttributes: o.userAttributes },
      Attributes: attrs,
      Demographic: p.demographic,
      Location: p.location,
      Metrics: p.metrics,
      Address: o.address,
      OptOut: o.optOut,
    });
  }

  /**
   * GetInAppMessages: stores the campaigns the server answers (an empty
   * answer clears the stored ones) and returns the live ones, normalized.
   */
  async syncMessages(): Promise<InAppMessage[]> {
    await this.register();
    const r = await this.call('GET', this.path('/endpoints/' + encodeURIComponent(this.endpointId) + '/inappmessages'));
    const list: Campaign[] = r.InAppMessageCampaigns || [];
    this.set('messages', list);
    return list.filter((x) => isLive(x, this.now())).map(normalize);
  }

  /** Forgets the stored messages and closes the one on screen (no event). Caps are kept. */
  clearMessages() {
    this.set('messages', undefined);
    this.drop();
  }

  private drop() {
    const s = this.showing;
    if (s) {
      s.done = true;
      this.showing = undefined;
      if (!s.shown) this.release(s.m.id);
      s.close();
    }
  }

  // ---- matching ----

  /**
   * Matches an event against the stored campaigns, locally (nothing is
   * sent): event filter, end date, quiet time, caps, then priority and the
   * conflict handler. The winner is reserved against its caps at once (two
   * dispatches in a row cannot both pass a cap of 1), handed to the
   * messageReceived listeners and to the renderer, and returned. While a
   * rendered message is on screen no other is shown.
   */
  async dispatchEvent(e: InAppEvent): Promise<InAppMessage | null> {
    this.activity();
    if (this.showing) return null;
    const now = this.now();
    const caps = this.caps();
    const d = new Date(now);
    const cands = (this.get<Campaign[]>('messages') || []).filter(
      (x) => isLive(x, now) && !isQuietTime(x.Schedule?.QuietTime, d) && matchesEvent(x, e) && this.below(x, caps),
    );
    if (!cands.length) return null;
    const m = this.conflict(byPriority(cands).map(normalize));
    if (!m) return null;
    this.pend(m.id).push(now + 6e4); // a reservation until displayed (or a minute)
    this.emit('messageReceived', m);
    this.show(m);
    return m;
  }

  private show(m: InAppMessage) {
    const r = this.renderer;
    if (!r) return;
    const s: Showing = { m, shown: false, done: false, close: noop };
    const end = (fn: () => void) => () => {
      if (s.done) return;
      s.done = true;
      if (this.showing === s) this.showing = undefined;
      if (!s.shown) this.release(m.id);
      s.close();
      fn();
    };
    this.showing = s;
    try {
      s.close =
        r(m, {
          displayed: () => {
            if (!s.shown && !s.done) (s.shown = true), this.interact('messageDisplayed', m);
          },
          dismissed: end(() => this.interact('messageDismissed', m)),
          clicked: (click) => end(() => this.interact('messageActionTaken', m, click))(),
        }) || noop;
    } catch (err) {
      console.error(err);
      end(noop)();
    }
  }

  /**
   * Reports what happened to a message (what the renderer does; a headless
   * app calls it itself): displayed counts toward the caps and records
   * _inapp.message_displayed; dismissed records _inapp.message_dismissed;
   * actionTaken records _inapp.message_clicked (with which button) and
   * runs the button's action.
   */
  notifyMessageInteraction({ type, message, click }: { type: Interaction; message: InAppMessage; click?: ButtonClick }) {
    this.interact(type, message, click);
  }

  private interact(type: Interaction, m: InAppMessage, click?: ButtonClick) {
    this.activity();
    const a: Record<string, string> = { campaign_id: m.id, delivery_type: 'IN_APP_MESSAGE' };
    if (m.metadata.treatmentId != null) a.treatment_id = m.metadata.treatmentId;
    if (type === 'messageDisplayed') {
      this.release(m.id);
      const c = this.caps();
      for (const n of [c.S, c.D, c.T]) n[m.id] = (n[m.id] || 0) + 1;
      this.set('caps', c);
      this.enqueue('_inapp.message_displayed', a);
    } else if (type === 'messageDismissed') {
      this.enqueue('_inapp.message_dismissed', a);
    } else if (type === 'messageActionTaken' && click) {
      a.button = click.button;
      a.button_action = click.action;
      a.card_index = '' + click.card;
      if (click.url) a.button_url = click.url.slice(0, 100);
      this.enqueue('_inapp.message_clicked', a);
    }
    this.emit(type, m, click);
    if (type === 'messageActionTaken' && click) this.act(click, m);
  }

  private act(click: ButtonClick, m: InAppMessage) {
    const url = click.url;
    if (this.c.onAction?.(click, m) === true || click.action === 'CLOSE' || !url || !browser) return;
    if (/^\s*(javascript|data|vbscript):/i.test(url)) return;
    if (click.action === 'LINK') window.open(url, '_blank', 'noopener');
    else {
      this.flush(true);
      location.assign(url);
    }
  }

  // ---- events ----

  /** Records an app event (sent with PutEvents) and dispatches it locally, like Amplify's analytics record. */
  async record(e: InAppEvent): Promise<InAppMessage | null> {
    this.activity();
    this.enqueue(e.name, e.attributes, e.metrics);
    return this.dispatchEvent(e);
  }

  private queue() {
    return this.get<QItem[]>('queue') || [];
  }

  private enqueue(type: string, attrs?: Record<string, string>, metrics?: Record<string, number>, s = this.live(), extra?: object) {
    const v: Record<string, unknown> = {
      EventType: type,
      Timestamp: iso(this.now()),
      Attributes: attrs,
      Metrics: metrics,
      SdkName: 'inappd-web',
      ClientSdkVersion: VERSION,
    };
    if (s) v.Session = { Id: s.id, StartTimestamp: iso(s.start), ...extra };
    const q = this.queue();
    q.push({ i: uuid(), e: this.endpointId, v });
    this.set('queue', q.slice(-1000));
    if (q.length >= this.c.batchSize) this.schedule(0);
    else if (!this.timer) this.schedule(this.c.flushInterval);
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    this.timer = later(() => {
      this.timer = undefined;
      this.flush();
    }, ms);
  }

  /** The number of events waiting to be sent. */
  get queued() {
    return this.queue().length;
  }

  /**
   * Sends the queued events now (PutEvents, batches of batchSize). Events
   * the server accepted (or refused as invalid) leave the queue; on a
   * network error, 429 or 5xx the rest is retried with backoff, and at once
   * when the browser comes back online. Every event keeps its ID, so a
   * retry never counts twice. keepalive: a last try as the page goes away.
   */
  flush(keepalive = false): Promise<void> {
    if (keepalive) return this.send(true).catch(noop);
    const locks = browser && navigator.locks;
    return (this.flushing ||= (locks ? locks.request(this.k + 'flush', () => this.send(false)) : this.send(false))
      .catch(noop)
      .finally(() => (this.flushing = undefined)));
  }

  private async send(keepalive: boolean): Promise<void> {
    for (;;) {
      if (browser && !navigator.onLine) return; // 'online' flushes
      const batch = this.queue().slice(0, this.c.batchSize);
      if (!batch.length) return void (this.backoff = 0);
      const req: { BatchItem: Record<string, { Endpoint: {}; Events: Record<string, unknown> }> } = { BatchItem: {} };
      for (const x of batch) (req.BatchItem[x.e] ||= { Endpoint: {}, Events: {} }).Events[x.i] = x.v;
      const done = new Set<string>();
      try {
        const r = await this.call('POST', this.path('/events'), req, keepalive);
        for (const x of batch) {
          const code = r.Results?.[x.e]?.EventsItemResponse?.[x.i]?.StatusCode;
          if (!(code === 429 || code >= 500)) done.add(x.i); // 202, or refused for good
        }
      } catch (e) {
        const st = (e as InAppError).status;
        if (st === 400 || st === 413) batch.forEach((x) => done.add(x.i)); // refused as a whole: retrying cannot help
      }
      if (done.size) this.set('queue', this.queue().filter((x) => !done.has(x.i)));
      if (keepalive) return;
      if (done.size < batch.length) {
        this.backoff = Math.min(this.backoff * 2 || 1e3, 3e5);
        return this.schedule(this.backoff * (0.75 + Math.random() / 2));
      }
      this.backoff = 0;
    }
  }

  /** Removes the DOM listeners and timers (the stored state stays). */
  destroy() {
    this.offs.forEach((f) => f());
    this.offs = [];
    clearTimeout(this.timer);
    this.drop();
  }
}
