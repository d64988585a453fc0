package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/scan"
	"github.com/inappd/inappd/storetest"
	"github.com/inappd/inappd/targeting"
)

// BenchmarkEstimate compares, in one run, a segment size estimate's scan
// and match (the 4-dimension segment of the million-endpoint import test)
// over INAPPD_ESTIMATE_ENDPOINTS endpoints (200,000 unless set) shaped and
// ordered as that test imports them (random IDs, so key order is not
// table order):
//
//   - key+full: before, ScanEndpoints in key order, every document decoded
//     whole, matched on one goroutine;
//   - table+full: ScanEndpoints now (table order), the estimate of a store
//     without ScanEndpointDocs;
//   - table+endpointdoc: the estimate now, ScanEndpointDocs and a decode of
//     what the segment reads, matched on every core.
//
// INAPPD_ESTIMATE_DB names a database file to keep between runs (built on
// first use).
//
//	INAPPD_ESTIMATE_ENDPOINTS=1000000 INAPPD_ESTIMATE_DB=/tmp/est.db go test ./sqlite -run XXX -bench Estimate -benchtime 3x
func BenchmarkEstimate(b *testing.B) {
	n := envCount("INAPPD_ESTIMATE_ENDPOINTS", 200_000)
	path := os.Getenv("INAPPD_ESTIMATE_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "inappd.db")
	}
	db := estimateBenchDB(b, path, n)
	defer db.Close()
	ctx := context.Background()
	seg, err := storetest.EstimateSegment()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	wantMatched := -1
	check := func(b *testing.B, scanned, matched int) {
		if scanned != n || wantMatched >= 0 && matched != wantMatched {
			b.Fatalf("scanned %d, matched %d; want %d, %d", scanned, matched, n, wantMatched)
		}
		wantMatched = matched
	}
	fullMatch := func(read scan.Read) (scanned, matched int) {
		sub := &targeting.Subject{Now: now}
		err := scan.Decode(ctx, read, inapp.DecodeEndpoint, func(e *inapp.Endpoint) bool {
			scanned++
			sub.Endpoint, sub.LastActive = e, targeting.LastActive(e, time.Time{})
			if seg.Match(sub) {
				matched++
			}
			return true
		})
		if err != nil {
			b.Fatal(err)
		}
		return scanned, matched
	}
	b.Run("key+full", func(b *testing.B) {
		for b.Loop() {
			scanned, matched := fullMatch(db.endpointDocsByKey("app"))
			check(b, scanned, matched)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/endpoint")
	})
	b.Run("table+full", func(b *testing.B) {
		for b.Loop() {
			read, _, done, err := db.endpointDocs(ctx, "app")
			if err != nil {
				b.Fatal(err)
			}
			scanned, matched := fullMatch(read)
			done()
			check(b, scanned, matched)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/endpoint")
	})
	b.Run("table+endpointdoc", func(b *testing.B) {
		for b.Loop() {
			scanned, matched, err := storetest.CountEstimate(ctx, db.ScanEndpointDocs, "app", seg)
			if err != nil {
				b.Fatal(err)
			}
			check(b, scanned, matched)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/endpoint")
	})
}

// estimateBenchDB opens the database at path, first filling it with n
// endpoints of app "app" as the import test writes them, unless the file
// exists.
func estimateBenchDB(b *testing.B, path string, n int) *DB {
	ctx := context.Background()
	_, statErr := os.Stat(path)
	db := open(b, path)
	if statErr == nil {
		return db
	}
	if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "bench"}); err != nil {
		b.Fatal(err)
	}
	if err := storetest.EstimateEndpoints(ctx, db, "app", n); err != nil {
		b.Fatal(err)
	}
	return db
}
