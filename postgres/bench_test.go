package postgres

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres/pgtest"
	"github.com/inappd/inappd/storetest"
)

// benchBatch builds a PutEvents batch as the SQLite benchmark does: size
// events from 10,000 endpoints in the mix of storetest.BenchEvent. next numbers the
// events.
func benchBatch(next func() int, size int) []*inapp.EventRecord {
	batch := make([]*inapp.EventRecord, size)
	for i := range batch {
		batch[i] = storetest.BenchEvent(next())
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
