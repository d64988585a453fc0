package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// Event streams and their outbox (inapp.EventStreamStore): the database
// queues stored events for apps with a stream, and only those.

var streamTests = []test{
	{"PutGetDeleteRoundTrip", testStreamRoundTrip},
	{"MissingAppOrStream", testStreamMissing},
	{"OutboxOnlyForAppsWithAStream", testOutboxOnlyWithStream},
	{"RetriedEventNotQueuedAgain", testOutboxRetry},
	{"OutboxCarriesDocuments", testOutboxDocuments},
	{"AckDeletes", testOutboxAck},
	{"DeleteStreamDropsOutbox", testDeleteStreamDropsOutbox},
	{"DeleteAppCascades", testDeleteAppDropsStream},
}

func streamDoc(appID, dest string) *inapp.EventStream {
	return &inapp.EventStream{
		ApplicationID:        appID,
		DestinationStreamArn: dest,
		LastModifiedDate:     created,
		LastUpdatedBy:        "AKIAEXAMPLE",
		RoleArn:              "arn:aws:iam::000000000000:role/unused",
	}
}

func putStream(t *testing.T, s inapp.Store, appID string) *inapp.EventStream {
	t.Helper()
	st := streamDoc(appID, "https://hooks.example.com/"+appID)
	must(t, "PutEventStream", s.PutEventStream(t.Context(), st))
	return st
}

func readOutbox(t *testing.T, s inapp.Store, appID string, limit int) []*inapp.OutboxItem {
	t.Helper()
	items, err := s.ReadOutbox(t.Context(), appID, limit)
	must(t, "ReadOutbox", err)
	return items
}

func outboxEventID(it *inapp.OutboxItem) string { return it.EndpointID + "/" + it.EventID }

func seqs(items []*inapp.OutboxItem) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.Seq
	}
	return out
}

func testStreamRoundTrip(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := newApp(t, s)
	want := putStream(t, s, app.ID)
	got, err := s.GetEventStream(ctx, app.ID)
	must(t, "GetEventStream", err)
	sameJSON(t, "GetEventStream", got, want)

	// Put again replaces.
	want2 := streamDoc(app.ID, "nats://127.0.0.1:4222/events."+app.ID)
	want2.LastModifiedDate = "2025-03-05T00:00:00.000Z"
	must(t, "PutEventStream (replace)", s.PutEventStream(ctx, want2))
	got, err = s.GetEventStream(ctx, app.ID)
	must(t, "GetEventStream", err)
	sameJSON(t, "GetEventStream after replace", got, want2)

	other := newApp(t, s)
	want3 := putStream(t, s, other.ID)
	list, err := s.ListEventStreams(ctx)
	must(t, "ListEventStreams", err)
	sameIDSet(t, "ListEventStreams", list, func(e *inapp.EventStream) string { return e.ApplicationID }, app.ID, other.ID)
	for _, e := range list {
		if e.ApplicationID == other.ID {
			sameJSON(t, "listed stream", e, want3)
		}
	}

	deleted, err := s.DeleteEventStream(ctx, app.ID)
	must(t, "DeleteEventStream", err)
	sameJSON(t, "DeleteEventStream", deleted, want2)
	_, err = s.GetEventStream(ctx, app.ID)
	wantCode(t, "GetEventStream after delete", err, inapp.ENOTFOUND)
	list, err = s.ListEventStreams(ctx)
	must(t, "ListEventStreams", err)
	sameIDs(t, "ListEventStreams after delete", list, func(e *inapp.EventStream) string { return e.ApplicationID }, other.ID)
}

func testStreamMissing(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	wantCode(t, "PutEventStream for a missing app", s.PutEventStream(ctx, streamDoc("no-such-app", "https://x")), inapp.ENOTFOUND)
	_, err := s.GetEventStream(ctx, "no-such-app")
	wantCode(t, "GetEventStream for a missing app", err, inapp.ENOTFOUND)
	_, err = s.DeleteEventStream(ctx, "no-such-app")
	wantCode(t, "DeleteEventStream for a missing app", err, inapp.ENOTFOUND)
	app := newApp(t, s)
	_, err = s.GetEventStream(ctx, app.ID)
	wantCode(t, "GetEventStream without a stream", err, inapp.ENOTFOUND)
	_, err = s.DeleteEventStream(ctx, app.ID)
	wantCode(t, "DeleteEventStream without a stream", err, inapp.ENOTFOUND)
	list, err := s.ListEventStreams(ctx)
	must(t, "ListEventStreams", err)
	if len(list) != 0 {
		t.Errorf("ListEventStreams without streams: %d streams", len(list))
	}
	if items := readOutbox(t, s, app.ID, 10); len(items) != 0 {
		t.Errorf("ReadOutbox without a stream: %d items", len(items))
	}
	must(t, "AckOutbox of nothing queued", s.AckOutbox(ctx, app.ID, []int64{1, 2, 3}))
}

func testOutboxOnlyWithStream(t *testing.T, s inapp.Store) {
	streamed, quiet := newApp(t, s), newApp(t, s)
	// Events stored before the stream existed are not queued.
	record(t, s, eventRecord(streamed.ID, "ep", "before", "purchase", "", "", 0))
	putStream(t, s, streamed.ID)
	// One batch holding both apps' events, as the group-commit writer sends.
	wantFresh(t, "RecordEvents", record(t, s,
		eventRecord(streamed.ID, "ep", "a", "purchase", "", "", 1),
		eventRecord(quiet.ID, "ep", "q", "purchase", "", "", 1),
		eventRecord(streamed.ID, "ep2", "b", inapp.EventDisplayed, "camp", "2025-06-01", 2),
		eventRecord(quiet.ID, "ep", "r", "purchase", "", "", 2),
	), true, true, true, true)
	sameIDSet(t, "queued for the app with a stream", readOutbox(t, s, streamed.ID, 10), outboxEventID, "ep/a", "ep2/b")
	if items := readOutbox(t, s, quiet.ID, 10); len(items) != 0 {
		t.Errorf("an app without a stream has %d queued items", len(items))
	}
}

func testOutboxRetry(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	putStream(t, s, app.ID)
	record(t, s, eventRecord(app.ID, "ep", "e1", "purchase", "", "", 0), eventRecord(app.ID, "ep", "e2", "purchase", "", "", 1))
	// The retried batch stores nothing, and queues nothing.
	wantFresh(t, "retried RecordEvents", record(t, s,
		eventRecord(app.ID, "ep", "e1", "purchase", "", "", 0),
		eventRecord(app.ID, "ep", "e2", "purchase", "", "", 1),
		eventRecord(app.ID, "ep", "e3", "purchase", "", "", 2),
	), false, false, true)
	items := readOutbox(t, s, app.ID, 10)
	sameIDs(t, "queued once each, in the order stored", items, outboxEventID, "ep/e1", "ep/e2", "ep/e3")
	// Retried again after delivery: still not queued again.
	must(t, "AckOutbox", s.AckOutbox(t.Context(), app.ID, seqs(items)))
	record(t, s, eventRecord(app.ID, "ep", "e1", "purchase", "", "", 0))
	if items := readOutbox(t, s, app.ID, 10); len(items) != 0 {
		t.Errorf("an event retried after delivery was queued again: %d items", len(items))
	}
}

func testOutboxDocuments(t *testing.T, s inapp.Store) {
	app := newApp(t, s)
	putStream(t, s, app.ID)
	ep := endpointDoc(app.ID, "a-with-endpoint", "u1")
	putEndpoints(t, s, app.ID, ep)
	withEndpoint := eventRecord(app.ID, "a-with-endpoint", "e1", inapp.EventDisplayed, "camp", "2025-06-01", 0)
	without := eventRecord(app.ID, "b-no-endpoint", "e2", "purchase", "", "", 1)
	before := time.Now().Add(-time.Minute)
	record(t, s, withEndpoint, without)
	after := time.Now().Add(time.Minute)

	items := readOutbox(t, s, app.ID, 10)
	sameIDs(t, "ReadOutbox", items, outboxEventID, "a-with-endpoint/e1", "b-no-endpoint/e2")
	if len(items) != 2 {
		return
	}
	if items[0].Seq >= items[1].Seq {
		t.Errorf("seqs not increasing: %d then %d", items[0].Seq, items[1].Seq)
	}
	for i, want := range []*inapp.EventRecord{withEndpoint, without} {
		it := items[i]
		if it.Arrival.Before(before) || it.Arrival.After(after) {
			t.Errorf("item %d: arrival %v, want the time it was stored (between %v and %v)", i, it.Arrival, before, after)
		}
		var got inapp.Event
		if err := json.Unmarshal(it.Event, &got); err != nil {
			t.Fatalf("item %d: event document %q: %v", i, it.Event, err)
		}
		sameJSON(t, fmt.Sprintf("item %d: event document", i), &got, want.Event)
	}
	var gotEP inapp.Endpoint
	if err := json.Unmarshal(items[0].Endpoint, &gotEP); err != nil {
		t.Fatalf("endpoint document %q: %v", items[0].Endpoint, err)
	}
	sameJSON(t, "endpoint document", &gotEP, ep)
	if items[1].Endpoint != nil {
		t.Errorf("an event of an endpoint that does not exist carries an endpoint document: %s", items[1].Endpoint)
	}
}

func testOutboxAck(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := newApp(t, s)
	putStream(t, s, app.ID)
	var batch []*inapp.EventRecord
	for i := range 7 {
		batch = append(batch, eventRecord(app.ID, "ep", fmt.Sprintf("e%d", i), "purchase", "", "", i))
	}
	record(t, s, batch...)
	first := readOutbox(t, s, app.ID, 3)
	sameIDs(t, "first page", first, outboxEventID, "ep/e0", "ep/e1", "ep/e2")
	// Reading removes nothing.
	sameIDs(t, "read again", readOutbox(t, s, app.ID, 3), outboxEventID, "ep/e0", "ep/e1", "ep/e2")

	// Acknowledge exact seqs: the first and third only.
	must(t, "AckOutbox", s.AckOutbox(ctx, app.ID, []int64{first[0].Seq, first[2].Seq}))
	sameIDs(t, "after ack", readOutbox(t, s, app.ID, 10), outboxEventID, "ep/e1", "ep/e3", "ep/e4", "ep/e5", "ep/e6")
	// Another app's acks touch nothing here.
	other := newApp(t, s)
	must(t, "AckOutbox of another app", s.AckOutbox(ctx, other.ID, seqs(readOutbox(t, s, app.ID, 10))))
	if n := len(readOutbox(t, s, app.ID, 10)); n != 5 {
		t.Errorf("another app's ack removed items: %d left, want 5", n)
	}
	// Acknowledging twice is harmless; everything goes.
	all := readOutbox(t, s, app.ID, 10)
	must(t, "AckOutbox", s.AckOutbox(ctx, app.ID, seqs(all)))
	must(t, "AckOutbox again", s.AckOutbox(ctx, app.ID, seqs(all)))
	if n := len(readOutbox(t, s, app.ID, 10)); n != 0 {
		t.Errorf("%d items left after acknowledging all", n)
	}
	// A large acknowledgement (more than a statement's parameters).
	batch = batch[:0]
	for i := range 1200 {
		batch = append(batch, eventRecord(app.ID, "ep", fmt.Sprintf("big%04d", i), "purchase", "", "", i))
	}
	record(t, s, batch...)
	big := readOutbox(t, s, app.ID, 2000)
	if len(big) != 1200 {
		t.Fatalf("ReadOutbox: %d items, want 1200", len(big))
	}
	if !slices.IsSortedFunc(big, func(a, b *inapp.OutboxItem) int { return int(a.Seq - b.Seq) }) {
		t.Errorf("ReadOutbox is not in seq order")
	}
	must(t, "AckOutbox of 1200", s.AckOutbox(ctx, app.ID, seqs(big)))
	if n := len(readOutbox(t, s, app.ID, 10)); n != 0 {
		t.Errorf("%d items left after acknowledging 1200", n)
	}
}

func testDeleteStreamDropsOutbox(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := newApp(t, s)
	putStream(t, s, app.ID)
	record(t, s, eventRecord(app.ID, "ep", "e1", "purchase", "", "", 0))
	_, err := s.DeleteEventStream(ctx, app.ID)
	must(t, "DeleteEventStream", err)
	if n := len(readOutbox(t, s, app.ID, 10)); n != 0 {
		t.Errorf("%d items left queued after the stream was deleted", n)
	}
	// Without a stream, nothing is queued; a new stream starts empty.
	record(t, s, eventRecord(app.ID, "ep", "e2", "purchase", "", "", 1))
	putStream(t, s, app.ID)
	if n := len(readOutbox(t, s, app.ID, 10)); n != 0 {
		t.Errorf("a new stream starts with %d items queued", n)
	}
	record(t, s, eventRecord(app.ID, "ep", "e3", "purchase", "", "", 2))
	sameIDs(t, "queued for the new stream", readOutbox(t, s, app.ID, 10), outboxEventID, "ep/e3")
}

func testDeleteAppDropsStream(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app, other := newApp(t, s), newApp(t, s)
	putStream(t, s, app.ID)
	putStream(t, s, other.ID)
	record(t, s, eventRecord(app.ID, "ep", "e1", "purchase", "", "", 0), eventRecord(other.ID, "ep", "e1", "purchase", "", "", 0))
	_, err := s.DeleteApp(ctx, app.ID)
	must(t, "DeleteApp", err)
	_, err = s.GetEventStream(ctx, app.ID)
	wantCode(t, "GetEventStream of a deleted app", err, inapp.ENOTFOUND)
	if n := len(readOutbox(t, s, app.ID, 10)); n != 0 {
		t.Errorf("%d items left queued for a deleted app", n)
	}
	list, err := s.ListEventStreams(ctx)
	must(t, "ListEventStreams", err)
	sameIDs(t, "streams after DeleteApp", list, func(e *inapp.EventStream) string { return e.ApplicationID }, other.ID)
	sameIDs(t, "the other app's queue", readOutbox(t, s, other.ID, 10), outboxEventID, "ep/e1")
}
