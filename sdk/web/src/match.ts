// Pure campaign logic: event filters, schedule, quiet time, priority,
// normalization. No storage, no DOM, no clock of its own.

import type {
  AttributeDimension, ButtonAction, Campaign, ConflictHandler, InAppEvent, InAppMessage,
  InAppMessageButton, InAppMessageContent, Layout, MetricDimension, TextAlign, WireButtonConfig,
} from './types';

const DAY = 864e5;

/** Whether the event passes the campaign's EventFilter (type, attributes, metrics). */
export function matchesEvent(c: Campaign, e: InAppEvent): boolean {
  const d = c.Schedule?.EventFilter?.Dimensions;
  const t = d?.EventType;
  // A campaign without an event type is never triggered (as in Amplify).
  if (!t?.Values?.length) return false;
  if (t.Values.includes(e.name) === (t.DimensionType === 'EXCLUSIVE')) return false;
  for (const k in d!.Attributes) if (!matchesAttribute(d!.Attributes![k], e.attributes?.[k])) return false;
  for (const k in d!.Metrics) if (!matchesMetric(d!.Metrics![k], e.metrics?.[k])) return false;
  return true;
}

/**
 * One attribute dimension against the event's value (undefined: absent).
 * INCLUSIVE: one of Values; EXCLUSIVE: absent or none of Values; CONTAINS:
 * holds one of Values; BEFORE/AFTER/ON/BETWEEN compare ISO-8601 instants
 * (ON: the same UTC day; BETWEEN: both ends included).
 */
export function matchesAttribute(d: AttributeDimension, v: string | undefined): boolean {
  const vals = d.Values || [];
  const type = d.AttributeType || 'INCLUSIVE';
  if (type === 'EXCLUSIVE') return v == null || !vals.includes(v);
  if (v == null) return false;
  if (type === 'INCLUSIVE') return vals.includes(v);
  if (type === 'CONTAINS') return vals.some((x) => v.includes(x));
  const t = Date.parse(v);
  const a = Date.parse(vals[0]);
  if (t !== t || a !== a) return false; // NaN
  switch (type) {
    case 'BEFORE': return t < a;
    case 'AFTER': return t > a;
    case 'ON': return Math.floor(t / DAY) === Math.floor(a / DAY);
    case 'BETWEEN': return t >= a && t <= Date.parse(vals[1]);
  }
  return false;
}

/** One metric dimension against the event's value; Value 0 works (it does not in Amplify). */
export function matchesMetric(d: MetricDimension, v: number | undefined): boolean {
  const x = d.Value;
  if (typeof v !== 'number' || typeof x !== 'number') return false;
  switch (d.ComparisonOperator) {
    case 'EQUAL': return v === x;
    case 'GREATER_THAN': return v > x;
    case 'GREATER_THAN_OR_EQUAL': return v >= x;
    case 'LESS_THAN': return v < x;
    case 'LESS_THAN_OR_EQUAL': return v <= x;
  }
  return false;
}

/** Before the campaign's EndDate (no or unreadable EndDate: live). */
export function isLive(c: Campaign, now: number): boolean {
  const end = Date.parse(c.Schedule?.EndDate || '');
  return !(end <= now);
}

const hm = (s?: string) => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s || '');
  return m ? +m[1] * 60 + +m[2] : -1;
};

/**
 * Whether the device's local time falls in QuietTime {Start, End}
 * ("HH:MM", 24 h; may wrap midnight; Start included, End excluded).
 */
export function isQuietTime(q: { Start?: string; End?: string } | undefined, now: Date): boolean {
  const s = hm(q?.Start), e = hm(q?.End);
  if (s < 0 || e < 0 || s === e) return false;
  const m = now.getHours() * 60 + now.getMinutes();
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/** Keeps the best priority (lowest positive number); unprioritized ones only when no prioritized qualifies. */
export function byPriority(cs: Campaign[]): Campaign[] {
  let best = 0;
  for (const c of cs) if (c.Priority! > 0 && (!best || c.Priority! < best)) best = c.Priority!;
  return best ? cs.filter((c) => c.Priority === best) : cs;
}

/** The default conflict handler: the earliest end date wins; no end date comes last; ties keep server order. */
export const earliestEndDate: ConflictHandler = (ms) => {
  const end = (m: InAppMessage) => Date.parse(m.metadata.endDate || '') || Infinity;
  return ms.reduce((a, b) => (end(b) < end(a) ? b : a));
};

const layouts: Record<string, Layout> = { MOBILE_FEED: 'MODAL', OVERLAYS: 'FULL_SCREEN' };
const align = (a?: string) => (a ? (a.toLowerCase() as TextAlign) : undefined);

function button(b?: { DefaultConfig?: WireButtonConfig; Web?: WireButtonConfig }): InAppMessageButton | undefined {
  if (!b?.DefaultConfig) return;
  const c = { ...b.DefaultConfig, ...b.Web };
  return {
    title: c.Text || '',
    action: (c.ButtonAction || 'CLOSE') as ButtonAction,
    url: c.Link,
    style: { backgroundColor: c.BackgroundColor, borderRadius: c.BorderRadius, color: c.TextColor },
  };
}

/** Pinpoint's campaign → the normalized message (Amplify's shape; the Web button override applied). */
export function normalize(c: Campaign): InAppMessage {
  const m = c.InAppMessage || {};
  const layout = (m.Layout ? layouts[m.Layout] || m.Layout : 'TOP_BANNER') as Layout;
  const content = (m.Content || []).slice(0, 5).map((x): InAppMessageContent => ({
    container: x.BackgroundColor ? { style: { backgroundColor: x.BackgroundColor } } : undefined,
    header: x.HeaderConfig?.Header
      ? { content: x.HeaderConfig.Header, style: { color: x.HeaderConfig.TextColor, textAlign: align(x.HeaderConfig.Alignment) } }
      : undefined,
    body: x.BodyConfig?.Body
      ? { content: x.BodyConfig.Body, style: { color: x.BodyConfig.TextColor, textAlign: align(x.BodyConfig.Alignment) } }
      : undefined,
    image: x.ImageUrl ? { src: x.ImageUrl } : undefined,
    primaryButton: button(x.PrimaryBtn),
    secondaryButton: button(x.SecondaryBtn),
  }));
  return {
    id: c.CampaignId,
    layout,
    content,
    metadata: { customData: m.CustomConfig, endDate: c.Schedule?.EndDate, priority: c.Priority, treatmentId: c.TreatmentId },
  };
}
