import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  byPriority, earliestEndDate, isLive, isQuietTime, matchesAttribute, matchesEvent, matchesMetric, normalize,
} from '../src/match';
import type { Campaign, EventDimensions } from '../src/types';

const withDims = (d: EventDimensions): Campaign => ({ CampaignId: 'c', Schedule: { EventFilter: { FilterType: 'ENDPOINT', Dimensions: d } } });

describe('EventType', () => {
  test('INCLUSIVE (and no DimensionType) matches only the listed names, case-sensitively', () => {
    for (const DimensionType of ['INCLUSIVE', undefined]) {
      const c = withDims({ EventType: { DimensionType, Values: ['buy', 'view'] } });
      assert.equal(matchesEvent(c, { name: 'buy' }), true);
      assert.equal(matchesEvent(c, { name: 'view' }), true);
      assert.equal(matchesEvent(c, { name: 'Buy' }), false);
      assert.equal(matchesEvent(c, { name: 'other' }), false);
    }
  });
  test('EXCLUSIVE matches every name but the listed ones', () => {
    const c = withDims({ EventType: { DimensionType: 'EXCLUSIVE', Values: ['buy'] } });
    assert.equal(matchesEvent(c, { name: 'buy' }), false);
    assert.equal(matchesEvent(c, { name: 'view' }), true);
  });
  test('a campaign without an event type or filter never matches', () => {
    assert.equal(matchesEvent(withDims({}), { name: 'buy' }), false);
    assert.equal(matchesEvent(withDims({ EventType: { Values: [] } }), { name: 'buy' }), false);
    assert.equal(matchesEvent({ CampaignId: 'c' }, { name: 'buy' }), false);
  });
  test('attributes and metrics must all pass; extra event attributes are fine', () => {
    const c = withDims({
      EventType: { Values: ['buy'] },
      Attributes: { sku: { AttributeType: 'INCLUSIVE', Values: ['A', 'B'] }, color: { AttributeType: 'EXCLUSIVE', Values: ['red'] } },
      Metrics: { price: { ComparisonOperator: 'GREATER_THAN', Value: 10 } },
    });
    assert.equal(matchesEvent(c, { name: 'buy', attributes: { sku: 'A', extra: 'x' }, metrics: { price: 11 } }), true);
    assert.equal(matchesEvent(c, { name: 'buy', attributes: { sku: 'A', color: 'red' }, metrics: { price: 11 } }), false);
    assert.equal(matchesEvent(c, { name: 'buy', attributes: { sku: 'C' }, metrics: { price: 11 } }), false);
    assert.equal(matchesEvent(c, { name: 'buy', attributes: { sku: 'A' }, metrics: { price: 10 } }), false);
    assert.equal(matchesEvent(c, { name: 'buy', attributes: { sku: 'A' } }), false);
    assert.equal(matchesEvent(c, { name: 'buy' }), false);
  });
});

describe('AttributeType', () => {
  const m = (AttributeType: string | undefined, Values: string[], v?: string) => matchesAttribute({ AttributeType, Values }, v);
  test('INCLUSIVE (the default)', () => {
    assert.equal(m('INCLUSIVE', ['a', 'b'], 'b'), true);
    assert.equal(m(undefined, ['a', 'b'], 'a'), true);
    assert.equal(m('INCLUSIVE', ['a'], 'c'), false);
    assert.equal(m('INCLUSIVE', ['a'], undefined), false);
  });
  test('EXCLUSIVE: none of the values, or absent', () => {
    assert.equal(m('EXCLUSIVE', ['a'], 'a'), false);
    assert.equal(m('EXCLUSIVE', ['a'], 'b'), true);
    assert.equal(m('EXCLUSIVE', ['a'], undefined), true);
  });
  test('CONTAINS: holds one of the values', () => {
    assert.equal(m('CONTAINS', ['shoe', 'hat'], 'red-shoes'), true);
    assert.equal(m('CONTAINS', ['shoe'], 'boot'), false);
    assert.equal(m('CONTAINS', ['shoe'], undefined), false);
  });
  test('BEFORE / AFTER compare instants', () => {
    assert.equal(m('BEFORE', ['2026-06-01T00:00:00Z'], '2026-05-31T23:59:59Z'), true);
    assert.equal(m('BEFORE', ['2026-06-01T00:00:00Z'], '2026-06-01T00:00:00Z'), false);
    assert.equal(m('AFTER', ['2026-06-01T00:00:00Z'], '2026-06-01T00:00:01Z'), true);
    assert.equal(m('AFTER', ['2026-06-01T00:00:00Z'], '2026-05-01T00:00:00Z'), false);
    assert.equal(m('AFTER', ['2026-06-01T00:00:00Z'], 'not a date'), false);
    assert.equal(m('BEFORE', ['2026-06-01T00:00:00Z'], undefined), false);
  });
  test('ON ignores the time of day', () => {
    assert.equal(m('ON', ['2026-06-01T00:00:00Z'], '2026-06-01T23:10:00Z'), true);
    assert.equal(m('ON', ['2026-06-01T12:00:00Z'], '2026-06-02T00:00:00Z'), false);
  });
  test('BETWEEN includes both ends', () => {
    const r = ['2026-06-01T00:00:00Z', '2026-06-30T00:00:00Z'];
    assert.equal(m('BETWEEN', r, '2026-06-01T00:00:00Z'), true);
    assert.equal(m('BETWEEN', r, '2026-06-15T00:00:00Z'), true);
    assert.equal(m('BETWEEN', r, '2026-06-30T00:00:00Z'), true);
    assert.equal(m('BETWEEN', r, '2026-07-01T00:00:00Z'), false);
    assert.equal(m('BETWEEN', r, '2026-05-31T00:00:00Z'), false);
  });
  test('an unknown type never matches', () => {
    assert.equal(m('SOMETIMES', ['a'], 'a'), false);
  });
});

describe('ComparisonOperator', () => {
  const m = (op: string, Value: number, v?: number) => matchesMetric({ ComparisonOperator: op, Value }, v);
  test('every operator', () => {
    assert.equal(m('EQUAL', 5, 5), true);
    assert.equal(m('EQUAL', 5, 5.1), false);
    assert.equal(m('GREATER_THAN', 5, 6), true);
    assert.equal(m('GREATER_THAN', 5, 5), false);
    assert.equal(m('GREATER_THAN_OR_EQUAL', 5, 5), true);
    assert.equal(m('GREATER_THAN_OR_EQUAL', 5, 4), false);
    assert.equal(m('LESS_THAN', 5, 4), true);
    assert.equal(m('LESS_THAN', 5, 5), false);
    assert.equal(m('LESS_THAN_OR_EQUAL', 5, 5), true);
    assert.equal(m('LESS_THAN_OR_EQUAL', 5, 6), false);
  });
  test('a Value of 0 works (it never does in Amplify)', () => {
    assert.equal(m('EQUAL', 0, 0), true);
    assert.equal(m('GREATER_THAN', 0, 1), true);
    assert.equal(m('LESS_THAN', 0, -1), true);
  });
  test('a missing metric or an unknown operator fails', () => {
    assert.equal(m('EQUAL', 5, undefined), false);
    assert.equal(m('ABOUT', 5, 5), false);
  });
});

test('EndDate: live before it, not after; none or unreadable: live', () => {
  const now = Date.parse('2026-11-20T10:00:00Z');
  assert.equal(isLive({ CampaignId: 'c', Schedule: { EndDate: '2026-11-20T10:00:01Z' } }, now), true);
  assert.equal(isLive({ CampaignId: 'c', Schedule: { EndDate: '2026-11-20T10:00:00Z' } }, now), false);
  assert.equal(isLive({ CampaignId: 'c', Schedule: { EndDate: '2026-11-19T00:00:00Z' } }, now), false);
  assert.equal(isLive({ CampaignId: 'c' }, now), true);
  assert.equal(isLive({ CampaignId: 'c', Schedule: { EndDate: 'soon' } }, now), true);
});

describe('QuietTime in the device local time', () => {
  const at = (h: number, mi: number) => new Date(2026, 10, 20, h, mi);
  test('a window within the day', () => {
    const q = { Start: '09:00', End: '17:30' };
    assert.equal(isQuietTime(q, at(8, 59)), false);
    assert.equal(isQuietTime(q, at(9, 0)), true);
    assert.equal(isQuietTime(q, at(17, 29)), true);
    assert.equal(isQuietTime(q, at(17, 30)), false);
  });
  test('a window over midnight', () => {
    const q = { Start: '22:00', End: '07:00' };
    assert.equal(isQuietTime(q, at(21, 59)), false);
    assert.equal(isQuietTime(q, at(23, 0)), true);
    assert.equal(isQuietTime(q, at(0, 0)), true);
    assert.equal(isQuietTime(q, at(6, 59)), true);
    assert.equal(isQuietTime(q, at(7, 0)), false);
  });
  test('no, half or empty quiet time', () => {
    assert.equal(isQuietTime(undefined, at(3, 0)), false);
    assert.equal(isQuietTime({ Start: '22:00' }, at(23, 0)), false);
    assert.equal(isQuietTime({ Start: '10:00', End: '10:00' }, at(10, 0)), false);
    assert.equal(isQuietTime({ Start: 'late', End: '07:00' }, at(3, 0)), false);
  });
});

describe('priority and conflicts', () => {
  const c = (id: string, Priority?: number, EndDate?: string): Campaign => ({ CampaignId: id, Priority, Schedule: { EndDate } });
  test('the lowest positive priority wins; 0 and none are "no priority"', () => {
    assert.deepEqual(byPriority([c('a', 2), c('b', 1), c('c'), c('d', 1), c('e', 0)]).map((x) => x.CampaignId), ['b', 'd']);
    assert.deepEqual(byPriority([c('a'), c('b', 0)]).map((x) => x.CampaignId), ['a', 'b']);
  });
  test('the default handler takes the earliest end date, none last, ties in server order', () => {
    const pick = (cs: Campaign[]) => earliestEndDate(cs.map(normalize)).id;
    assert.equal(pick([c('a', 0, '2026-12-31T00:00:00Z'), c('b', 0, '2026-12-01T00:00:00Z'), c('c')]), 'b');
    assert.equal(pick([c('a'), c('b', 0, '2027-01-01T00:00:00Z')]), 'b');
    assert.equal(pick([c('a'), c('b')]), 'a');
    assert.equal(pick([c('a', 0, '2026-12-01T00:00:00Z'), c('b', 0, '2026-12-01T00:00:00Z')]), 'a');
  });
});

describe('normalize', () => {
  test('layouts, text, colours, buttons with the Web override, custom data', () => {
    const layouts: Record<string, string> = {
      TOP_BANNER: 'TOP_BANNER', MIDDLE_BANNER: 'MIDDLE_BANNER', BOTTOM_BANNER: 'BOTTOM_BANNER',
      MOBILE_FEED: 'MODAL', OVERLAYS: 'FULL_SCREEN', CAROUSEL: 'CAROUSEL',
    };
    for (const [wire, want] of Object.entries(layouts)) {
      assert.equal(normalize({ CampaignId: 'c', InAppMessage: { Layout: wire } }).layout, want);
    }
    assert.equal(normalize({ CampaignId: 'c' }).layout, 'TOP_BANNER');
    const m = normalize({
      CampaignId: 'c1', Priority: 2, TreatmentId: '1',
      Schedule: { EndDate: '2027-01-01T00:00:00Z' },
      InAppMessage: {
        Layout: 'MOBILE_FEED',
        CustomConfig: { coupon: 'SAVE10' },
        Content: [{
          BackgroundColor: '#112233',
          HeaderConfig: { Header: 'Sale', Alignment: 'CENTER', TextColor: '#ffffff' },
          BodyConfig: { Body: 'Today only', Alignment: 'LEFT', TextColor: '#eeeeee' },
          ImageUrl: 'https://img/x.png',
          PrimaryBtn: {
            DefaultConfig: { ButtonAction: 'LINK', Link: 'https://shop/sale', Text: 'Shop', BackgroundColor: '#ff0000', TextColor: '#fff', BorderRadius: 8 },
            Web: { ButtonAction: 'DEEP_LINK', Link: '/sale' },
          },
          SecondaryBtn: { Web: { ButtonAction: 'CLOSE' } },
        }],
      },
    });
    assert.deepEqual(m, {
      id: 'c1',
      layout: 'MODAL',
      content: [{
        container: { style: { backgroundColor: '#112233' } },
        header: { content: 'Sale', style: { color: '#ffffff', textAlign: 'center' } },
        body: { content: 'Today only', style: { color: '#eeeeee', textAlign: 'left' } },
        image: { src: 'https://img/x.png' },
        primaryButton: { title: 'Shop', action: 'DEEP_LINK', url: '/sale', style: { backgroundColor: '#ff0000', borderRadius: 8, color: '#fff' } },
        secondaryButton: undefined, // no DefaultConfig: dropped, as in Amplify
      }],
      metadata: { customData: { coupon: 'SAVE10' }, endDate: '2027-01-01T00:00:00Z', priority: 2, treatmentId: '1' },
    });
  });
  test('at most five cards', () => {
    const Content = Array.from({ length: 7 }, (_, i) => ({ HeaderConfig: { Header: 'h' + i } }));
    assert.equal(normalize({ CampaignId: 'c', InAppMessage: { Layout: 'CAROUSEL', Content } }).content.length, 5);
  });
});
