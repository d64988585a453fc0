package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/storetest"
)

func TestEndpointCaps(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer db.Close()
	storetest.EndpointCaps(t, db)
}

func TestLatestVersions(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer db.Close()
	storetest.LatestVersions(t, db)
}

// BenchmarkHotReads compares GetInAppMessages' reads of an endpoint and
// its cap counters, on random endpoints: two prepared statements
// (GetEndpoint, CapCounts) against the one of GetEndpointCaps. 20,000
// endpoints with 3 counters each unless INAPPD_HOT_ENDPOINTS says; with
// INAPPD_HOT_DB the database is kept at that path and reused by the next
// run (seeding 1,000,000 endpoints takes minutes).
func BenchmarkHotReads(b *testing.B) {
	n := envCount("INAPPD_HOT_ENDPOINTS", 20_000)
	path := os.Getenv("INAPPD_HOT_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "inappd.db")
	}
	_, err := os.Stat(path)
	seeded := err == nil
	db := open(b, path)
	defer db.Close()
	if !seeded {
		seedHotReads(b, db, n)
	}
	days := []string{"2026-11-20", "2026-11-21", "2026-11-22"}
	day := func(*inapp.Endpoint) string { return "2026-11-21" }
	// A request's context can end, as the server's do.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.Run("GetEndpoint+CapCounts", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		i := 0
		for b.Loop() {
			id := hotEndpointID(i % n)
			i += 7919
			if _, err := db.GetEndpoint(ctx, "app", id); err != nil {
				b.Fatal(err)
			}
			if c, err := db.CapCounts(ctx, "app", id, "2026-11-21"); err != nil || len(c) != 3 {
				b.Fatal(c, err)
			}
		}
	})
	b.Run("GetEndpointCaps", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		i := 0
		for b.Loop() {
			id := hotEndpointID(i % n)
			i += 7919
			if _, c, err := db.GetEndpointCaps(ctx, "app", id, days, day, nil); err != nil || len(c) != 3 {
				b.Fatal(c, err)
			}
		}
	})
}

// reportCPU reports the process's CPU time per operation, a steadier
// figure than the wall-clock time on a machine shared with other work.
// Call the function it returns when the loop is done.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func hotEndpointID(i int) string { return fmt.Sprintf("ep-%07d", i) }

// seedHotReads writes n endpoints, each with three counters of the day
// and their totals.
func seedHotReads(b *testing.B, db *DB, n int) {
	ctx := context.Background()
	if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "bench"}); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	const chunk = 5000
	for start := 0; start < n; start += chunk {
		var ids []string
		var events []*inapp.EventRecord
		for i := start; i < min(start+chunk, n); i++ {
			id := hotEndpointID(i)
			ids = append(ids, id)
			for c := range 3 {
				events = append(events, &inapp.EventRecord{
					AppID: "app", EndpointID: id, EventID: fmt.Sprint(i, "-", c), Time: at, CapDay: "2026-11-21",
					Event: &inapp.Event{EventType: inapp.EventDisplayed, Timestamp: inapp.FormatTime(at),
						Attributes: map[string]string{"campaign_id": fmt.Sprint("camp-", (i+c)%7)}},
				})
			}
		}
		err := db.UpdateEndpoints(ctx, "app", ids, func(id string, _ *inapp.Endpoint) (*inapp.Endpoint, error) {
			return benchEndpoint(id), nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.RecordEvents(ctx, events); err != nil {
			b.Fatal(err)
		}
	}
}
