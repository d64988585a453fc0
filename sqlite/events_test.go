package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/storetest"
)

// sharedEndpointBatch is 20 parts of the load bench's mix, its events
// spread over 37 endpoints: every endpoint has events in every part, so
// that cap counters, endpoint activity and unique pairs meet across the
// parts of a batch.
func sharedEndpointBatch() []*inapp.EventRecord {
	events := make([]*inapp.EventRecord, 20*eventPart)
	for n := range events {
		events[n] = loadMixEvent(n)
		events[n].EndpointID = fmt.Sprint("ep-", n%37)
	}
	return events
}

// TestRecordEventsLetsWritesThrough: a write that comes while a batch is
// being stored waits for one part of it, not for the whole batch; and the
// batch, rolled back and written again or committed in several
// transactions, stores exactly what one transaction stores.
func TestRecordEventsLetsWritesThrough(t *testing.T) {
	ctx := context.Background()
	whole := open(t, filepath.Join(t.TempDir(), "whole.db"))
	defer whole.Close()
	whole.eventTxTime = time.Hour
	setUp := func(db *DB) {
		if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "app"}); err != nil {
			t.Fatal(err)
		}
		stream := &inapp.EventStream{ApplicationID: "app", DestinationStreamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/s", RoleArn: "arn:aws:iam::123456789012:role/r"}
		if err := db.PutEventStream(ctx, stream); err != nil {
			t.Fatal(err)
		}
	}
	setUp(whole)
	if _, err := whole.RecordEvents(ctx, sharedEndpointBatch()); err != nil {
		t.Fatal(err)
	}
	want := storedEvents(t, whole)
	if !strings.Contains(want, "counters ep-0 2026-11-21") || !strings.Contains(want, fmt.Sprint("outbox ", 20*eventPart)) {
		t.Fatalf("the fixture stores no counters or no outbox rows:\n%s", want)
	}

	for _, c := range []struct {
		name     string
		discards *rate.Limiter
		// commits from the batch's start, at least, and discarded
		// transactions
		commits, discarded int64
	}{
		// the batch's first part, CreateApp, and the rest
		{"early commit", rate.NewLimiter(0, 0), 3, 0},
		// CreateApp and the batch again
		{"roll back", rate.NewLimiter(rate.Inf, 0), 2, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			split := open(t, filepath.Join(t.TempDir(), "split.db"))
			defer split.Close()
			setUp(split)
			split.discards = c.discards
			split.eventTxTime = time.Hour // only CreateApp cuts the batch

			done, commits := recordInBackground(t, split)
			if err := split.CreateApp(ctx, &inapp.App{ID: "other", Name: "other"}); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				t.Fatalf("CreateApp returned after the whole batch (err %v): it waited for all of it", err)
			default:
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if n := split.commits.Load() - commits; n < c.commits {
				t.Errorf("%d commits from the batch's start, want %d or more", n, c.commits)
			}
			if n := split.discarded.Load(); n != c.discarded {
				t.Errorf("%d transactions rolled back for CreateApp, want %d", n, c.discarded)
			}
			if got := storedEvents(t, split); got != want {
				t.Errorf("the batch stored\n%s\nwant (one transaction)\n%s", got, want)
			}
		})
	}
}

// recordInBackground starts storing sharedEndpointBatch in db, returns
// once the batch holds the writer, with the channel that gets its result
// and the commit count at that moment.
func recordInBackground(t *testing.T, db *DB) (chan error, int64) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := db.RecordEvents(context.Background(), sharedEndpointBatch())
		done <- err
	}()
	for db.write.Stats().InUse == 0 {
		time.Sleep(100 * time.Microsecond)
	}
	return done, db.commits.Load()
}

// TestRecordEventsKeepsEndpointWritesWaiting: an endpoint write (devices
// send them all the time) does not cut an event batch short; it waits for
// the batch's one commit, as before.
func TestRecordEventsKeepsEndpointWritesWaiting(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer db.Close()
	db.eventTxTime = time.Hour // only the endpoint write could cut the batch
	if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "app"}); err != nil {
		t.Fatal(err)
	}
	done, commits := recordInBackground(t, db)
	err := db.UpdateEndpoints(ctx, "app", []string{"device"}, func(id string, cur *inapp.Endpoint) (*inapp.Endpoint, error) {
		return &inapp.Endpoint{ID: id, ApplicationID: "app", ChannelType: "IN_APP"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := db.commits.Load() - commits; n != 2 {
		t.Errorf("%d commits from the batch's start: want 2, the batch in one transaction and the endpoint write", n)
	}
}

// TestRecordEventsBoundsTransactions: a batch commits at the first part
// boundary after eventTxTime, so that no write finds a long transaction
// to wait for; and in several transactions it stores what one stores.
func TestRecordEventsBoundsTransactions(t *testing.T) {
	ctx := context.Background()
	var stored []string
	for _, txTime := range []time.Duration{time.Hour, 0} {
		db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
		defer db.Close()
		db.eventTxTime = txTime
		if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "app"}); err != nil {
			t.Fatal(err)
		}
		commits := db.commits.Load()
		if _, err := db.RecordEvents(ctx, sharedEndpointBatch()); err != nil {
			t.Fatal(err)
		}
		// eventTxTime 0: a transaction per part
		want := map[time.Duration]int64{time.Hour: 1, 0: 20}[txTime]
		if n := db.commits.Load() - commits; n != want {
			t.Errorf("eventTxTime %v: %d commits, want %d", txTime, n, want)
		}
		stored = append(stored, storedEvents(t, db))
	}
	if stored[0] != stored[1] {
		t.Errorf("a transaction per part stored\n%s\nwant (one transaction)\n%s", stored[1], stored[0])
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
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, strings.TrimSpace(fmt.Sprintln(vals...)))
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
// (CreateApp) waits for the writer while RecordEvents keeps it busy with
// 20,000-event batches of the load bench's mix, the group commit's size:
// the store's part of "admin write visible under PutEvents load". The
// writes come every 0.5-0.7 s, within the rollbacks' budget
// (discardMillisPerSecond) and the early commits' steady rate
// (yieldsPerSecond), at a different point of a batch each time.
//
//	go test ./sqlite -run X -bench WriteUnderEvents -benchtime 20x
func BenchmarkWriteUnderEvents(b *testing.B) {
	ctx := context.Background()
	db := open(b, filepath.Join(b.TempDir(), "inappd.db"))
	defer db.Close()
	var stored atomic.Int64
	n := 0
	stop := repeat(func() error {
		batch := make([]*inapp.EventRecord, 20_000)
		for i := range batch {
			batch[i] = loadMixEvent(n)
			n++
		}
		_, err := db.RecordEvents(ctx, batch)
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
// script: what the rollbacks and early commits they ask for cost
// PutEvents. 200,000 events (or INAPPD_BATCH_EVENTS) in 20,000-event
// batches of the load bench's mix.
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
		for n := 0; n < total; {
			batch := make([]*inapp.EventRecord, min(20_000, total-n))
			for i := range batch {
				batch[i] = loadMixEvent(n)
				n++
			}
			if _, err := db.RecordEvents(ctx, batch); err != nil {
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
