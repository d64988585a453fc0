package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

var eventTests = []test{
	{"RecordListRoundTrip", testEventRoundTrip},
	{"RecordIsIdempotent", testEventIdempotent},
	{"EmptyBatch", testEventEmptyBatch},
	{"CapCounters", testCapCounters},
	{"CapCountersConcurrentRetries", testCapCountersConcurrent},
	{"EndpointActivity", testEndpointActivity},
	{"ListNewestFirstWithLimit", testListEventsOrder},
}

func record(t *testing.T, s inapp.Store, events ...*inapp.EventRecord) []bool {
	t.Helper()
	fresh, err := s.RecordEvents(t.Context(), events)
	must(t, "RecordEvents", err)
	if len(fresh) != len(events) {
		t.Fatalf("RecordEvents: %d fresh flags for %d events", len(fresh), len(events))
	}
	return fresh
}

func wantFresh(t *testing.T, what string, got []bool, want ...bool) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: fresh = %v, want %v", what, got, want)
	}
}

// sameRecord compares event records: the event document as JSON, the
// time as an instant.
func sameRecord(t *testing.T, what string, got, want *inapp.EventRecord) {
	t.Helper()
	if got.AppID != want.AppID || got.EndpointID != want.EndpointID || got.EventID != want.EventID || got.CapDay != want.CapDay {
		t.Errorf("%s: record (%s, %s, %s, day %q), want (%s, %s, %s, day %q)", what,
			got.AppID, got.EndpointID, got.EventID, got.CapDay, want.AppID, want.EndpointID, want.EventID, want.CapDay)
	}
	if !got.Time.Equal(want.Time) {
		t.Errorf("%s: time %v, want %v", what, got.Time, want.Time)
	}
	sameJSON(t, what+": event", got.Event, want.Event)
}

func listEvents(t *testing.T, s inapp.Store, appID, endpointID string, limit int) []*inapp.EventRecord {
	t.Helper()
	events, err := s.ListEvents(t.Context(), appID, endpointID, limit)
	must(t, "ListEvents", err)
	return events
}

func eventID(r *inapp.EventRecord) string { return r.EventID }

func testEventRoundTrip(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	want := eventRecord(app.ID, "ep", "ev-1", inapp.EventDisplayed, "camp", "2025-06-01", 0)
	plain := eventRecord(app.ID, "ep", "ev-2", "purchase", "", "", 1)
	plain.Event.Session = nil
	plain.Event.Attributes = nil
	wantFresh(t, "RecordEvents", record(t, s, want, plain), true, true)

	got := listEvents(t, s, app.ID, "ep", 10)
	if len(got) != 2 {
		t.Fatalf("ListEvents: %d events, want 2", len(got))
	}
	sameRecord(t, "newest event", got[0], plain)
	sameRecord(t, "oldest event", got[1], want)
	if len(listEvents(t, s, app.ID, "other", 10)) != 0 {
		t.Errorf("ListEvents of an endpoint without events is not empty")
	}
}

func testEventIdempotent(t *testing.T, s inapp.Store) {
	app, other := newApp(t, s), newApp(t, s)
	e := func(appID, endpointID, id string, second int) *inapp.EventRecord {
		return eventRecord(appID, endpointID, id, "purchase", "", "", second)
	}
	wantFresh(t, "first batch", record(t, s, e(app.ID, "ep", "a", 0), e(app.ID, "ep", "b", 1)), true, true)
	wantFresh(t, "retried batch", record(t, s, e(app.ID, "ep", "a", 0), e(app.ID, "ep", "b", 1)), false, false)
	wantFresh(t, "half retried batch", record(t, s, e(app.ID, "ep", "b", 1), e(app.ID, "ep", "c", 2)), false, true)
	wantFresh(t, "one event twice in a batch", record(t, s, e(app.ID, "ep", "d", 3), e(app.ID, "ep", "d", 3)), true, false)
	// The key is (app, endpoint, event ID): the same ID elsewhere is new.
	wantFresh(t, "same event ID, other endpoint and app",
		record(t, s, e(app.ID, "ep2", "a", 0), e(other.ID, "ep", "a", 0)), true, true)
	// A retry with a different body is still the stored event.
	changed := e(app.ID, "ep", "a", 9)
	changed.Event.EventType = "changed"
	wantFresh(t, "retry with another body", record(t, s, changed), false)

	got := listEvents(t, s, app.ID, "ep", 100)
	sameIDs(t, "events stored once", got, eventID, "d", "c", "b", "a")
	if len(got) == 4 {
		sameRecord(t, "first write wins", got[3], e(app.ID, "ep", "a", 0))
	}
}

func testEventEmptyBatch(t *testing.T, s inapp.Store) {
	fresh, err := s.RecordEvents(t.Context(), nil)
	must(t, "RecordEvents of no events", err)
	if len(fresh) != 0 {
		t.Errorf("RecordEvents of no events: %d fresh flags", len(fresh))
	}
}

func wantCounts(t *testing.T, s inapp.Store, appID, endpointID, day string, want map[string]inapp.CapCount) {
	t.Helper()
	got, err := s.CapCounts(t.Context(), appID, endpointID, day)
	must(t, "CapCounts", err)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CapCounts(%s, %s): %v, want %v", endpointID, day, got, want)
	}
}

func testCapCounters(t *testing.T, s inapp.Store) {
	app, other := newApp(t, s), newApp(t, s)
	const d1, d2, d3 = "2025-06-01", "2025-06-02", "2025-06-03"
	shown := func(id, campaign, day string) *inapp.EventRecord {
		return eventRecord(app.ID, "ep", id, inapp.EventDisplayed, campaign, day, 0)
	}
	record(t, s,
		shown("1", "c1", d1), shown("2", "c1", d1), shown("3", "c1", d2), shown("4", "c2", d1),
		// Only displayed events with a campaign_id count.
		eventRecord(app.ID, "ep", "5", inapp.EventClicked, "c1", d1, 0),
		eventRecord(app.ID, "ep", "6", inapp.EventDismissed, "c1", d1, 0),
		eventRecord(app.ID, "ep", "7", inapp.EventDisplayed, "", d1, 0),
		// Another endpoint, another app.
		eventRecord(app.ID, "ep2", "1", inapp.EventDisplayed, "c1", d1, 0),
		eventRecord(other.ID, "ep", "1", inapp.EventDisplayed, "c1", d1, 0),
	)
	// A retried display counts once.
	wantFresh(t, "retried display", record(t, s, shown("1", "c1", d1)), false)

	wantCounts(t, s, app.ID, "ep", d1, map[string]inapp.CapCount{"c1": {Total: 3, Day: 2}, "c2": {Total: 1, Day: 1}})
	wantCounts(t, s, app.ID, "ep", d2, map[string]inapp.CapCount{"c1": {Total: 3, Day: 1}, "c2": {Total: 1, Day: 0}})
	wantCounts(t, s, app.ID, "ep", d3, map[string]inapp.CapCount{"c1": {Total: 3}, "c2": {Total: 1}})
	wantCounts(t, s, app.ID, "ep2", d1, map[string]inapp.CapCount{"c1": {Total: 1, Day: 1}})
	wantCounts(t, s, other.ID, "ep", d1, map[string]inapp.CapCount{"c1": {Total: 1, Day: 1}})
	wantCounts(t, s, app.ID, "never-shown", d1, map[string]inapp.CapCount{})

	// Counters move batch after batch.
	record(t, s, shown("8", "c2", d3), shown("9", "c2", d3))
	wantCounts(t, s, app.ID, "ep", d3, map[string]inapp.CapCount{"c1": {Total: 3}, "c2": {Total: 3, Day: 2}})
}

// Several writers retrying the same batch at once still count each
// display once.
func testCapCountersConcurrent(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	const day = "2025-06-01"
	var batch []*inapp.EventRecord
	for i := range 20 {
		batch = append(batch, eventRecord(app.ID, "ep", fmt.Sprint("ev-", i), inapp.EventDisplayed, "camp", day, i))
	}
	const writers = 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	freshTotal := 0
	for range writers {
		wg.Go(func() {
			fresh, err := s.RecordEvents(t.Context(), batch)
			if err != nil {
				t.Errorf("concurrent RecordEvents: %v", err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, f := range fresh {
				if f {
					freshTotal++
				}
			}
		})
	}
	wg.Wait()
	if freshTotal != len(batch) {
		t.Errorf("%d writers recording the same %d events: %d reported fresh, want %d", writers, len(batch), freshTotal, len(batch))
	}
	wantCounts(t, s, app.ID, "ep", day, map[string]inapp.CapCount{"camp": {Total: 20, Day: 20}})
}

func testEndpointActivity(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	at, err := s.EndpointActivity(t.Context(), app.ID, "ep")
	must(t, "EndpointActivity", err)
	if !at.IsZero() {
		t.Errorf("EndpointActivity of an endpoint without events: %v, want zero time", at)
	}
	wantActivity := func(what string, second int) {
		t.Helper()
		at, err := s.EndpointActivity(t.Context(), app.ID, "ep")
		must(t, "EndpointActivity", err)
		if want := base.Add(time.Duration(second) * time.Second); !at.Equal(want) {
			t.Errorf("EndpointActivity %s = %v, want %v", what, at, want)
		}
	}
	// The latest event time, whatever the order the events arrive in.
	record(t, s, eventRecord(app.ID, "ep", "b", "x", "", "", 30))
	wantActivity("after one event", 30)
	record(t, s, eventRecord(app.ID, "ep", "a", "x", "", "", 10), eventRecord(app.ID, "ep", "c", "x", "", "", 20))
	wantActivity("after older events", 30)
	record(t, s, eventRecord(app.ID, "ep", "d", "x", "", "", 50), eventRecord(app.ID, "ep", "e", "x", "", "", 40))
	wantActivity("after a batch, newest first", 50)
	record(t, s, eventRecord(app.ID, "ep2", "z", "x", "", "", 99))
	// A retry is not a new event, even with another time.
	wantFresh(t, "retry", record(t, s, eventRecord(app.ID, "ep", "a", "x", "", "", 99)), false)
	wantActivity("after another endpoint's event and a retry", 50)
}

func testListEventsOrder(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	for _, second := range []int{3, 1, 5, 2, 4} {
		record(t, s, eventRecord(app.ID, "ep", fmt.Sprint("t", second), "x", "", "", second))
	}
	sameIDs(t, "ListEvents limit 3", listEvents(t, s, app.ID, "ep", 3), eventID, "t5", "t4", "t3")
	sameIDs(t, "ListEvents limit 10", listEvents(t, s, app.ID, "ep", 10), eventID, "t5", "t4", "t3", "t2", "t1")
	sameIDs(t, "ListEvents limit 1", listEvents(t, s, app.ID, "ep", 1), eventID, "t5")
}
