package postgres

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/scan"
	"github.com/inappd/inappd/postgres/pgtest"
	"github.com/inappd/inappd/storetest"
)

// BenchmarkEstimate compares, in one run, a segment size estimate's scan
// and match (the 4-dimension segment of the million-endpoint import test,
// decoded and matched on every core as the estimate endpoint does) over
// INAPPD_ESTIMATE_ENDPOINTS endpoints (100,000 unless set):
//
//   - by-key: before, the documents read in ID order, 500 per query, each
//     query after the last;
//   - one-query: ScanEndpointDocs now, one query in the table's order.
//
// INAPPD_ESTIMATE_DSN names a database to keep between runs (filled on
// first use); otherwise a throwaway one is made.
//
//	INAPPD_ESTIMATE_ENDPOINTS=1000000 INAPPD_ESTIMATE_DSN=postgres://postgres@127.0.0.1/estimate go test ./postgres -run XXX -bench Estimate -benchtime 3x
func BenchmarkEstimate(b *testing.B) {
	ctx := context.Background()
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("INAPPD_ESTIMATE_ENDPOINTS")); err == nil && v > 0 {
		n = v
	}
	dsn := os.Getenv("INAPPD_ESTIMATE_DSN")
	if dsn == "" {
		dsn = pgtest.NewDatabase(b)
	}
	db := open(b, dsn)
	if _, err := db.GetApp(ctx, "app"); inapp.ErrorCode(err) == inapp.ENOTFOUND {
		if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "bench"}); err != nil {
			b.Fatal(err)
		}
		if err := storetest.EstimateEndpoints(ctx, db, "app", n); err != nil {
			b.Fatal(err)
		}
		// As autovacuum leaves a table some time after an import.
		if _, err := db.pool.Exec(ctx, `VACUUM ANALYZE endpoints`); err != nil {
			b.Fatal(err)
		}
	} else if err != nil {
		b.Fatal(err)
	}
	seg, err := storetest.EstimateSegment()
	if err != nil {
		b.Fatal(err)
	}
	wantMatched := -1
	run := func(b *testing.B, scan func(ctx context.Context, appID string, fn func(docs []string) error) error) {
		for b.Loop() {
			scanned, matched, err := storetest.CountEstimate(ctx, scan, "app", seg)
			if err != nil {
				b.Fatal(err)
			}
			if scanned != n || wantMatched >= 0 && matched != wantMatched {
				b.Fatalf("scanned %d, matched %d; want %d, %d", scanned, matched, n, wantMatched)
			}
			wantMatched = matched
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/endpoint")
	}
	b.Run("by-key", func(b *testing.B) {
		run(b, func(ctx context.Context, appID string, fn func(docs []string) error) error {
			return scan.Batches(ctx, docsByKey(db, appID), false, fn)
		})
	})
	b.Run("one-query", func(b *testing.B) { run(b, db.ScanEndpointDocs) })
}

// docsByKey is how ScanEndpointDocs read before: in ID order, scanBatch
// per query, each query after the last.
func docsByKey(db *DB, appID string) scan.Read {
	after := ""
	return func(ctx context.Context) ([]string, bool, error) {
		rows, err := db.pool.Query(ctx, `SELECT id, doc FROM endpoints WHERE app_id = $1 AND id > $2 ORDER BY id LIMIT $3`, appID, after, scanBatch)
		if err != nil {
			return nil, false, err
		}
		docs := make([]string, 0, scanBatch)
		var id, doc string
		if _, err := pgx.ForEachRow(rows, []any{&id, &doc}, func() error {
			docs = append(docs, doc)
			after = id
			return nil
		}); err != nil {
			return nil, false, err
		}
		return docs, len(docs) == scanBatch, nil
	}
}
