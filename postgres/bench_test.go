package postgres

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres/pgtest"
)

// benchBatch builds a PutEvents batch as the SQLite benchmark does: 1,000
// events from 10,000 endpoints, one in five a display that moves cap
// counters. next numbers the events.
func benchBatch(next func() int, size int) []*inapp.EventRecord {
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	batch := make([]*inapp.EventRecord, size)
	for i := range batch {
		n := next()
		e := &inapp.Event{
			EventType:  "purchase",
			Timestamp:  inapp.FormatTime(at),
			Attributes: map[string]string{"sku": "x1"},
			Session:    &inapp.Session{ID: "s", StartTimestamp: inapp.FormatTime(at)},
			SdkName:    "aws-amplify", ClientSdkVersion: "6.0.0",
		}
		day := ""
		if n%5 == 0 {
			e.EventType = inapp.EventDisplayed
			e.Attributes["campaign_id"] = fmt.Sprint("camp-", n%7)
			day = "2025-06-01"
		}
		batch[i] = &inapp.EventRecord{
			AppID: "app", EndpointID: fmt.Sprint("ep-", n%10000), EventID: fmt.Sprint("ev-", n),
			Event: e, Time: at.Add(time.Duration(n) * time.Millisecond), CapDay: day,
		}
	}
	return batch
}

// BenchmarkRecordEvents measures the PutEvents write path on PostgreSQL:
// one writer (one node's group-commit writer) committing batches of 1,000.
// Run it long (-benchtime 300x or more) for a table that outgrows the
// buffer cache.
func BenchmarkRecordEvents(b *testing.B) {
	ctx := context.Background()
	db := open(b, pgtest.NewDatabase(b))
	n := 0
	next := func() int { n++; return n }
	for b.Loop() {
		if _, err := db.RecordEvents(ctx, benchBatch(next, 1000)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRecordEventsTwoNodes is the same load from two nodes (two
// pools) at once, on the same endpoints and campaigns: counter upserts
// from both land on the same rows.
func BenchmarkRecordEventsTwoNodes(b *testing.B) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(b)
	nodes := []*DB{open(b, dsn), open(b, dsn)}
	var n atomic.Int64
	next := func() int { return int(n.Add(1)) }
	for b.Loop() {
		var wg sync.WaitGroup
		for _, db := range nodes {
			wg.Go(func() {
				if _, err := db.RecordEvents(ctx, benchBatch(next, 1000)); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(n.Load())/b.Elapsed().Seconds(), "events/s")
}
