package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/storetest"
)

// TestWritesDoNotWaitForEvents: while an event transaction holds the
// events file's writer, as a PutEvents batch does for up to a second
// under load, admin and endpoint writes commit and the hot reads answer;
// the batch then commits, with the writes' effects beside it.
func TestWritesDoNotWaitForEvents(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer db.Close()
	if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "app"}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	event := func(id string) *inapp.EventRecord {
		return &inapp.EventRecord{AppID: "app", EndpointID: "device", EventID: id, Time: at,
			Event: &inapp.Event{EventType: "purchase", Timestamp: inapp.FormatTime(at)}}
	}
	held := make(chan struct{})
	release := make(chan struct{})
	batch := make(chan error, 1)
	go func() {
		batch <- db.updateEvents(ctx, func(tx *sql.Tx) error {
			fresh := make([]bool, 1)
			var rollups rollupBatch
			if err := recordBatch(ctx, tx, []*inapp.EventRecord{event("e1")}, []string{`{}`}, []int{0}, fresh, &rollups); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held

	// A write that waited for the event transaction would wait for the
	// deadline and fail.
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.CreateApp(wctx, &inapp.App{ID: "other", Name: "other"}); err != nil {
		t.Fatalf("CreateApp during an event transaction: %v", err)
	}
	err := db.UpdateEndpoints(wctx, "app", []string{"device"}, func(id string, cur *inapp.Endpoint) (*inapp.Endpoint, error) {
		return &inapp.Endpoint{ID: id, ApplicationID: "app", ChannelType: "IN_APP"}, nil
	})
	if err != nil {
		t.Fatalf("UpdateEndpoints during an event transaction: %v", err)
	}
	stream := &inapp.EventStream{ApplicationID: "app", DestinationStreamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/s", RoleArn: "arn:aws:iam::123456789012:role/r"}
	if err := db.PutEventStream(wctx, stream); err != nil {
		t.Fatalf("PutEventStream during an event transaction: %v", err)
	}
	day := func(*inapp.Endpoint) string { return "2026-11-21" }
	if ep, _, err := db.GetEndpointCaps(wctx, "app", "device", []string{"2026-11-21"}, day, nil); err != nil || ep == nil {
		t.Fatalf("GetEndpointCaps during an event transaction: %v, %v", ep, err)
	}
	if events, err := db.ListEvents(wctx, "app", "device", 10); err != nil || len(events) != 0 {
		t.Fatalf("ListEvents during an event transaction: %d events, %v; want none yet", len(events), err)
	}

	close(release)
	if err := <-batch; err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordEvents(ctx, []*inapp.EventRecord{event("e1"), event("e2")}); err != nil {
		t.Fatal(err)
	}
	events, err := db.ListEvents(ctx, "app", "device", 10)
	if err != nil || len(events) != 2 {
		t.Fatalf("ListEvents after: %d events, %v; want e1 and e2", len(events), err)
	}
	// The stream made during the transaction queues the batch after it.
	items, err := db.ReadOutbox(ctx, "app", 10)
	if err != nil || len(items) != 1 || items[0].EventID != "e2" {
		t.Fatalf("outbox after: %+v, %v; want e2 alone", items, err)
	}
}

// storedEvents lists what RecordEvents wrote for app "app": the number of
// events and outbox rows, every counter and activity row, the analytics.
func storedEvents(t *testing.T, db *DB) string {
	t.Helper()
	var lines []string
	for _, q := range []string{
		`SELECT 'events', count(*) FROM events`,
		`SELECT 'outbox', count(*) FROM stream_outbox`,
		`SELECT 'counters', endpoint_id, day, campaign_id, count FROM counters ORDER BY 2, 3, 4`,
		`SELECT 'activity', endpoint_id, time FROM endpoint_activity ORDER BY 2`,
	} {
		rows, err := db.read.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			lines = append(lines, strings.TrimSpace(fmt.Sprintln(rowValues(t, rows)...)))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n" + storetest.AnalyticsSnapshot(t, db, "app") + uniquePairs(t, db)
}

// BenchmarkWriteUnderEvents measures how long a small admin write
// (CreateApp) takes while RecordEvents keeps the events file's writer
// busy with 20,000-event batches of the load bench's mix, the group
// commit's size: the store's part of "admin write visible under PutEvents
// load". The writes come every 0.5-0.7 s, at a different point of a
// batch each time.
//
//	go test ./sqlite -run X -bench WriteUnderEvents -benchtime 20x
func BenchmarkWriteUnderEvents(b *testing.B) {
	ctx := context.Background()
	db := open(b, filepath.Join(b.TempDir(), "inappd.db"))
	defer db.Close()
	var stored atomic.Int64
	n := 0
	stop := repeat(func() error {
		_, err := db.RecordEvents(ctx, loadMixBatch(n, 20_000))
		n += 20_000
		stored.Store(int64(n))
		return err
	})
	time.Sleep(2 * time.Second) // past the first, smaller-table batches
	var waits []time.Duration
	i := 0
	start, stored0 := time.Now(), stored.Load()
	for b.Loop() {
		time.Sleep(500*time.Millisecond + time.Duration(i%7)*37*time.Millisecond)
		t0 := time.Now()
		if err := db.CreateApp(ctx, &inapp.App{ID: fmt.Sprint("app-", i), Name: "a"}); err != nil {
			b.Fatal(err)
		}
		waits = append(waits, time.Since(t0))
		i++
	}
	elapsed, events := time.Since(start), stored.Load()-stored0
	if err := stop(); err != nil {
		b.Fatal(err)
	}
	slices.Sort(waits)
	b.ReportMetric(float64(waits[len(waits)/2].Microseconds())/1e3, "median-ms")
	b.ReportMetric(float64(waits[len(waits)-1].Microseconds())/1e3, "max-ms")
	b.ReportMetric(float64(events)/elapsed.Seconds(), "events/s")
}

// BenchmarkEventsUnderAdminWrites measures the event writer's rate while
// admin writes (CreateApp) come every 10 ms, as from a provisioning
// script: what they cost PutEvents, now that they go to another file.
// 200,000 events (or INAPPD_BATCH_EVENTS) in 20,000-event batches of the
// load bench's mix.
//
//	go test ./sqlite -run X -bench EventsUnderAdminWrites -benchtime 1x
func BenchmarkEventsUnderAdminWrites(b *testing.B) {
	total := envCount("INAPPD_BATCH_EVENTS", 200_000)
	ctx := context.Background()
	db := open(b, filepath.Join(b.TempDir(), "inappd.db"))
	defer db.Close()
	var writes atomic.Int64
	stop := repeat(func() error {
		time.Sleep(10 * time.Millisecond)
		app := &inapp.App{ID: fmt.Sprint("app-", writes.Load()), Name: "a"}
		if err := db.CreateApp(ctx, app); err != nil {
			return err
		}
		writes.Add(1)
		return nil
	})
	for b.Loop() {
		start, writes0 := time.Now(), writes.Load()
		for n := 0; n < total; n += 20_000 {
			if _, err := db.RecordEvents(ctx, loadMixBatch(n, min(20_000, total-n))); err != nil {
				b.Fatal(err)
			}
		}
		elapsed := time.Since(start).Seconds()
		b.ReportMetric(float64(total)/elapsed, "events/s")
		b.ReportMetric(float64(writes.Load()-writes0)/elapsed, "writes/s")
	}
	if err := stop(); err != nil {
		b.Fatal(err)
	}
}

// repeat runs step over and over on a goroutine of its own until step
// fails or stop is called; stop waits for the step in progress and
// returns the first error.
func repeat(step func() error) (stop func() error) {
	quit, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for {
			select {
			case <-quit:
				done <- nil
				return
			default:
			}
			if err := step(); err != nil {
				done <- err
				return
			}
		}
	}()
	return func() error {
		close(quit)
		return <-done
	}
}
