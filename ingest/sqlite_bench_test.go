package ingest_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/sqlite"
)

// openSQLite opens a fresh database in a temporary directory.
func openSQLite(b *testing.B) *sqlite.DB {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "inappd.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// sqliteRecords makes PutEvents-like records: a third of them are displays
// of one of a few campaigns, so the cap counters move too.
func sqliteRecords(endpoint string, n int) []*inapp.EventRecord {
	rs := records(endpoint, n)
	for i, r := range rs {
		if i%3 == 0 {
			r.Event = &inapp.Event{
				EventType:  inapp.EventDisplayed,
				Timestamp:  r.Event.Timestamp,
				Attributes: map[string]string{"campaign_id": fmt.Sprintf("campaign-%d", i%5)},
			}
			r.CapDay = "2026-01-02"
		} else {
			r.Event = &inapp.Event{EventType: "_session.start", Timestamp: r.Event.Timestamp}
		}
	}
	return rs
}

// BenchmarkSubmitSQLite is BenchmarkSubmit against a real SQLite database
// (WAL, one writer connection): the group-commit writer in front of it.
func BenchmarkSubmitSQLite(b *testing.B) {
	for _, g := range []int{1, 8, 64, 256} {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			db := openSQLite(b)
			benchSubmitWith(b, db, g, 100, sqliteRecords)
		})
	}
}

// BenchmarkRecordEventsSQLite is the baseline without the writer: every
// request is its own transaction, the goroutines queue for SQLite's single
// writer connection.
func BenchmarkRecordEventsSQLite(b *testing.B) {
	for _, g := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			db := openSQLite(b)
			ctx := context.Background()
			reqs := make([][]*inapp.EventRecord, b.N)
			for i := range reqs {
				reqs[i] = sqliteRecords(fmt.Sprintf("bench-ep-%d", i), 100)
			}
			var next, failures atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			begin := time.Now()
			for range g {
				wg.Go(func() {
					for {
						i := int(next.Add(1)) - 1
						if i >= len(reqs) {
							return
						}
						if _, err := db.RecordEvents(ctx, reqs[i]); err != nil {
							failures.Add(1)
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(begin)
			b.StopTimer()
			if n := failures.Load(); n > 0 {
				b.Fatalf("%d requests failed", n)
			}
			b.ReportMetric(float64(b.N*100)/elapsed.Seconds(), "events/s")
		})
	}
}
