package ingest_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/ingest"
)

// benchSubmit measures Submit throughput: b.N requests of batch records
// each, spread over the given number of goroutines. It reports events/s,
// the average transaction size and the throttled requests (which are
// retried, like a client would).
func benchSubmit(b *testing.B, store inapp.EventStore, goroutines, batch int) {
	benchSubmitWith(b, store, goroutines, batch, records)
}

func benchSubmitWith(b *testing.B, store inapp.EventStore, goroutines, batch int, build func(endpoint string, n int) []*inapp.EventRecord) {
	w := ingest.New(store, ingest.Options{Logger: quiet})
	w.Start(context.Background())
	ctx := context.Background()

	// Build every request up front so only Submit is measured.
	reqs := make([][]*inapp.EventRecord, b.N)
	for i := range reqs {
		reqs[i] = build(fmt.Sprintf("bench-ep-%d", i), batch)
	}
	var next atomic.Int64
	var failures atomic.Int64
	var wg sync.WaitGroup

	b.ResetTimer()
	begin := time.Now()
	for range goroutines {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) {
					return
				}
				for {
					_, err := w.Submit(ctx, reqs[i])
					if err == nil {
						break
					}
					if inapp.ErrorCode(err) != inapp.ETHROTTLED {
						failures.Add(1)
						break
					}
					time.Sleep(time.Millisecond) // back off, then retry
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
	if err := w.Close(ctx); err != nil {
		b.Fatal(err)
	}
	st := w.Stats()
	b.ReportMetric(float64(b.N*batch)/elapsed.Seconds(), "events/s")
	b.ReportMetric(st.AvgBatch, "events/txn")
	b.ReportMetric(float64(st.Throttled), "throttled")
}

// BenchmarkSubmit runs batches of 100 records against the in-memory store,
// once with instant commits (the writer's own overhead) and once with a
// 1ms commit (an fsync), where group commit earns its keep.
func BenchmarkSubmit(b *testing.B) {
	for _, delay := range []time.Duration{0, time.Millisecond} {
		for _, g := range []int{1, 8, 64, 256} {
			b.Run(fmt.Sprintf("commit=%v/goroutines=%d", delay, g), func(b *testing.B) {
				store := newFakeStore()
				store.delay = delay
				benchSubmit(b, store, g, 100)
			})
		}
	}
}
