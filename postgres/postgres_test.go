package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres/pgtest"
	"github.com/inappd/inappd/storetest"
)

func open(t testing.TB, dsn string) *DB {
	t.Helper()
	db, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// TestStore runs the shared suite. The suite opens a store per subtest:
// they share one throwaway database, emptied (DELETE) before each, which
// is several times faster than a database per subtest (see the README's
// PostgreSQL section for the numbers).
func TestPostgresStore(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	storetest.RunSuite(t, func(t *testing.T) inapp.Store {
		pgtest.Reset(t, dsn)
		return open(t, dsn)
	})
}

func TestPostgresMigrationsRecordedOnce(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	ms, err := embeddedMigrations()
	if err != nil {
		t.Fatal(err)
	}
	// Several nodes starting at once: the advisory lock lets one migrate
	// while the others wait, then find nothing left to do.
	const nodes = 4
	var wg sync.WaitGroup
	dbs := make([]*DB, nodes)
	errs := make([]error, nodes)
	for i := range nodes {
		wg.Go(func() { dbs[i], errs[i] = Open(ctx, dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: Open: %v", i, err)
		}
		defer dbs[i].Close()
	}
	applied := func() map[int]time.Time {
		rows, err := dbs[0].pool.Query(ctx, `SELECT version, applied_at FROM schema_migrations`)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int]time.Time{}
		var v int32
		var at time.Time
		if _, err := pgx.ForEachRow(rows, []any{&v, &at}, func() error { got[int(v)] = at; return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	first := applied()
	if len(first) != len(ms) {
		t.Fatalf("%d migrations recorded, %d embedded", len(first), len(ms))
	}
	again := open(t, dsn)
	_ = again
	if second := applied(); fmt.Sprint(second) != fmt.Sprint(first) {
		t.Errorf("schema_migrations changed on reopen:\nbefore %v\nafter  %v", first, second)
	}
}

// Two nodes (two pools) on one database: what one node's transactions
// guarantee must hold across nodes too.
func TestPostgresTwoNodes(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	nodes := []*DB{open(t, dsn), open(t, dsn)}
	app := &inapp.App{ID: inapp.NewID(), Name: "two nodes"}
	if err := nodes[0].CreateApp(ctx, app); err != nil {
		t.Fatal(err)
	}

	t.Run("RecordEventsAddUp", func(t *testing.T) {
		const day = "2025-06-01"
		const perWriter, batches, writersPerNode = 50, 10, 4
		at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		event := func(id string) *inapp.EventRecord {
			return &inapp.EventRecord{
				AppID: app.ID, EndpointID: "ep", EventID: id, Time: at, CapDay: day,
				Event: &inapp.Event{
					EventType: inapp.EventDisplayed, Timestamp: inapp.FormatTime(at),
					Attributes: map[string]string{"campaign_id": "camp"},
				},
			}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		fresh := 0
		for n, db := range nodes {
			for w := range writersPerNode {
				wg.Go(func() {
					for b := range batches {
						var batch []*inapp.EventRecord
						for i := range perWriter {
							batch = append(batch, event(fmt.Sprintf("n%d-w%d-b%d-%d", n, w, b, i)))
						}
						// Every batch also retries events the other node
						// writes at the same time: stored and counted once.
						for i := range 5 {
							batch = append(batch, event(fmt.Sprintf("n%d-w%d-b%d-%d", 1-n, w, b, i)))
						}
						got, err := db.RecordEvents(ctx, batch)
						if err != nil {
							t.Errorf("node %d: RecordEvents: %v", n, err)
							return
						}
						mu.Lock()
						for _, f := range got {
							if f {
								fresh++
							}
						}
						mu.Unlock()
					}
				})
			}
		}
		wg.Wait()
		want := len(nodes) * writersPerNode * batches * perWriter
		if fresh != want {
			t.Errorf("%d events reported fresh, want %d", fresh, want)
		}
		for n, db := range nodes {
			counts, err := db.CapCounts(ctx, app.ID, "ep", day)
			if err != nil {
				t.Fatal(err)
			}
			if got := counts["camp"]; got.Total != want || got.Day != want {
				t.Errorf("node %d reads counts %+v, want %d total and on the day", n, got, want)
			}
		}
	})

	t.Run("UpdateEndpointsLoseNothing", func(t *testing.T) {
		const updates = 40
		var wg sync.WaitGroup
		for n, db := range nodes {
			for i := range updates {
				wg.Go(func() {
					// Each update sets an attribute of its own and bumps a
					// shared metric: a lost update loses one or the other.
					err := db.UpdateEndpoints(ctx, app.ID, []string{"hot", "warm"}, func(id string, cur *inapp.Endpoint) (*inapp.Endpoint, error) {
						if cur == nil {
							cur = &inapp.Endpoint{ID: id, ApplicationID: app.ID, ChannelType: "IN_APP"}
						}
						if cur.Attributes == nil {
							cur.Attributes = map[string][]string{}
						}
						if cur.Metrics == nil {
							cur.Metrics = map[string]float64{}
						}
						cur.Attributes[fmt.Sprintf("n%d-%d", n, i)] = []string{"x"}
						cur.Metrics["count"]++
						return cur, nil
					})
					if err != nil {
						t.Errorf("node %d: UpdateEndpoints: %v", n, err)
					}
				})
			}
		}
		wg.Wait()
		for _, id := range []string{"hot", "warm"} {
			e, err := nodes[1].GetEndpoint(ctx, app.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if want := len(nodes) * updates; e.Metrics["count"] != float64(want) || len(e.Attributes) != want {
				t.Errorf("endpoint %s: count %v and %d attributes, want %d of each", id, e.Metrics["count"], len(e.Attributes), want)
			}
		}
	})

	t.Run("UpdatesRaceDeletes", func(t *testing.T) {
		// One node recreates an endpoint while the other deletes it: every
		// update must either land or fail, never succeed without a write.
		const rounds = 30
		var wg sync.WaitGroup
		wg.Go(func() {
			for range rounds {
				err := nodes[0].UpdateEndpoints(ctx, app.ID, []string{"flaky"}, func(id string, cur *inapp.Endpoint) (*inapp.Endpoint, error) {
					return &inapp.Endpoint{ID: id, ApplicationID: app.ID, ChannelType: "IN_APP"}, nil
				})
				if err != nil {
					t.Errorf("UpdateEndpoints racing deletes: %v", err)
				}
			}
		})
		wg.Go(func() {
			for range rounds {
				if _, err := nodes[1].DeleteEndpoint(ctx, app.ID, "flaky"); err != nil && inapp.ErrorCode(err) != inapp.ENOTFOUND {
					t.Errorf("DeleteEndpoint racing updates: %v", err)
				}
			}
		})
		wg.Wait()
		err := nodes[1].UpdateEndpoints(ctx, app.ID, []string{"flaky"}, func(id string, cur *inapp.Endpoint) (*inapp.Endpoint, error) {
			return &inapp.Endpoint{ID: id, ApplicationID: app.ID, ChannelType: "IN_APP"}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := nodes[0].GetEndpoint(ctx, app.ID, "flaky"); err != nil {
			t.Errorf("endpoint after the last update: %v", err)
		}
	})

	t.Run("TemplateVersionsFromBothNodes", func(t *testing.T) {
		const each = 10
		var wg sync.WaitGroup
		for _, db := range nodes {
			for range each {
				wg.Go(func() {
					tmpl := &inapp.Template{TemplateName: "shared", TemplateType: "INAPP", Layout: "OVERLAYS"}
					if err := db.PutTemplate(ctx, tmpl, true); err != nil {
						t.Errorf("PutTemplate: %v", err)
					}
				})
			}
		}
		wg.Wait()
		latest, err := nodes[0].LatestTemplateVersion(ctx, "shared")
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprint(len(nodes) * each); latest != want {
			t.Errorf("latest version %s after %s concurrent new versions", latest, want)
		}
	})
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func wantUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	if code := inapp.ErrorCode(err); code != inapp.EUNAVAIL {
		t.Errorf("%s: error %v (code %q), want %q", what, err, code, inapp.EUNAVAIL)
		return
	}
	if msg := inapp.ErrorMessage(err); msg == "" || msg == "Internal server error." {
		t.Errorf("%s: message %q", what, msg)
	}
}

// A database that is not there answers EUNAVAIL (the API's 503), from Open
// and from every call of a store whose server went away.
func TestPostgresUnavailable(t *testing.T) {
	ctx := context.Background()
	addr := closedAddr(t)
	dsn := "postgres://postgres@" + addr + "/inappd?sslmode=disable&connect_timeout=2"

	start := time.Now()
	_, err := Open(ctx, dsn)
	wantUnavailable(t, "Open", err)
	t.Logf("Open of a closed port: %v after %v", err, time.Since(start).Round(time.Millisecond))

	// A store whose server stopped: the same pool machinery, pointed at
	// the closed port (Open would refuse it, so build it by hand).
	cfg, err := pgxParse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db := &DB{pool: cfg}
	defer db.Close()
	app := inapp.NewID()
	checks := map[string]func() error{
		"Ping":   func() error { return db.Ping(ctx) },
		"GetApp": func() error { _, err := db.GetApp(ctx, app); return err },
		"GetKey": func() error { _, err := db.GetKey(ctx, "AKIA"); return err },
		"RecordEvents": func() error {
			_, err := db.RecordEvents(ctx, []*inapp.EventRecord{{
				AppID: app, EndpointID: "ep", EventID: "e", Time: time.Now(), Event: &inapp.Event{EventType: "x"},
			}})
			return err
		},
		"UpdateEndpoints": func() error {
			return db.UpdateEndpoints(ctx, app, []string{"ep"}, func(string, *inapp.Endpoint) (*inapp.Endpoint, error) {
				t.Errorf("fn called without a database")
				return nil, nil
			})
		},
		"CapCounts": func() error { _, err := db.CapCounts(ctx, app, "ep", "2025-06-01"); return err },
	}
	for name, call := range checks {
		wantUnavailable(t, name, call())
	}

	// A server that accepts connections and never answers: a timeout,
	// still EUNAVAIL, and promptly.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	start = time.Now()
	_, err = Open(ctx, "postgres://postgres@"+ln.Addr().String()+"/inappd?sslmode=disable&connect_timeout=1")
	wantUnavailable(t, "Open of a server that does not answer", err)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Open of a server that does not answer took %v", d)
	}
}

// Connections the server drops (a restart, a failover, an administrator's
// pg_terminate_backend) never surface as a wrong answer: a call either
// succeeds on a new connection or answers EUNAVAIL.
func TestPostgresConnectionsDropped(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	db := open(t, dsn)
	app := &inapp.App{ID: inapp.NewID(), Name: "x"}
	if err := db.CreateApp(ctx, app); err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		// Hold a few connections open, then have the server end them all.
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() { db.GetApp(ctx, app.ID) })
		}
		wg.Wait()
		var dbname string
		if err := db.pool.QueryRow(ctx, `SELECT current_database()`).Scan(&dbname); err != nil {
			t.Fatal(err)
		}
		admin, err := pgx.Connect(ctx, pgtest.AdminDSN())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, dbname); err != nil {
			t.Fatal(err)
		}
		admin.Close(ctx)
		for i := range 8 {
			got, err := db.GetApp(ctx, app.ID)
			switch {
			case err == nil && got.ID != app.ID:
				t.Fatalf("round %d call %d: wrong app %+v", round, i, got)
			case err != nil && inapp.ErrorCode(err) != inapp.EUNAVAIL:
				t.Errorf("round %d call %d: %v (code %q), want success or %q", round, i, err, inapp.ErrorCode(err), inapp.EUNAVAIL)
			}
		}
	}
}

// A transaction whose connection the server ended: the statement that
// finds it broken and every later one in the transaction (pgx closed the
// connection meanwhile: "conn closed") answer EUNAVAIL, so that callers
// such as an import job pause and retry rather than fail for good.
func TestPostgresTransactionConnectionLost(t *testing.T) {
	ctx := context.Background()
	db := open(t, pgtest.NewDatabase(t))
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var pid int
	if err := tx.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, pgtest.AdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	admin.Close(ctx)
	_, err = tx.Exec(ctx, `SELECT 1`)
	wantUnavailable(t, "the first statement on the ended connection", wrapErr("first", err))
	_, err = tx.Exec(ctx, `SELECT 1`)
	if !strings.Contains(fmt.Sprint(err), "conn closed") {
		t.Fatalf("the second statement failed with %v, want pgx's conn closed", err)
	}
	wantUnavailable(t, "the next statement in the transaction", wrapErr("next", err))
}

// A scan stopped early (an estimate's error, a caller done) ends its
// query and gives its connection back: many more such scans than the pool
// holds, then the store still answers.
func TestPostgresScanStoppedEarly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := open(t, pgtest.NewDatabase(t))
	app := &inapp.App{ID: inapp.NewID(), Name: "x"}
	if err := db.CreateApp(ctx, app); err != nil {
		t.Fatal(err)
	}
	// Far more than the scan's read-ahead, so that its query is still
	// open when it stops.
	var ids []string
	for i := range 20 * scanBatch {
		ids = append(ids, fmt.Sprintf("ep-%05d", i))
	}
	err := db.UpdateEndpoints(ctx, app.ID, ids, func(id string, _ *inapp.Endpoint) (*inapp.Endpoint, error) {
		return &inapp.Endpoint{ID: id, ApplicationID: app.ID, ChannelType: "IN_APP"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	for i := range 3 * PoolSize() {
		if err := db.ScanEndpointDocs(ctx, app.ID, func([]string) error { return stop }); !errors.Is(err, stop) {
			t.Fatalf("scan %d stopped by its fn: %v, want its error", i, err)
		}
		calls := 0
		if err := db.ScanEndpoints(ctx, app.ID, func(*inapp.Endpoint) bool { calls++; return false }); err != nil || calls != 1 {
			t.Fatalf("scan %d stopped by its fn: %v after %d calls", i, err, calls)
		}
	}
	n := 0
	if err := db.ScanEndpoints(ctx, app.ID, func(*inapp.Endpoint) bool { n++; return true }); err != nil || n != len(ids) {
		t.Fatalf("a whole scan after %d stopped ones: %d endpoints, %v", 6*PoolSize(), n, err)
	}
}

// pgxParse builds a pool without connecting or migrating.
func pgxParse(dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return pgxpool.NewWithConfig(context.Background(), cfg)
}

// IDs PostgreSQL text cannot hold (a NUL byte, which a client can send as
// "\u0000") must not fail a group-commit batch, and lookups by them find
// nothing rather than fail.
func TestPostgresOddKeys(t *testing.T) {
	ctx := context.Background()
	db := open(t, pgtest.NewDatabase(t))
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	rec := func(endpoint, id, campaign string) *inapp.EventRecord {
		return &inapp.EventRecord{AppID: "app", EndpointID: endpoint, EventID: id, Time: at, CapDay: "2025-06-01",
			Event: &inapp.Event{EventType: inapp.EventDisplayed, Timestamp: inapp.FormatTime(at), Attributes: map[string]string{"campaign_id": campaign}}}
	}
	batch := []*inapp.EventRecord{rec("ep", "ok", "camp"), rec("ep", "nul\x00id", "camp\x00"), rec("ep\x00", "x", "camp"), rec("ep", "bad\xffutf8", "camp")}
	fresh, err := db.RecordEvents(ctx, batch)
	if err != nil {
		t.Fatalf("RecordEvents with odd IDs: %v", err)
	}
	if fmt.Sprint(fresh) != "[true true true true]" {
		t.Errorf("fresh = %v", fresh)
	}
	if fresh, err = db.RecordEvents(ctx, batch); err != nil || fmt.Sprint(fresh) != "[false false false false]" {
		t.Errorf("retry: fresh = %v, %v", fresh, err)
	}
	counts, err := db.CapCounts(ctx, "app", "ep", "2025-06-01")
	if err != nil {
		t.Fatal(err)
	}
	if counts["camp"] != (inapp.CapCount{Total: 2, Day: 2}) {
		t.Errorf("counts %v", counts)
	}
	if _, err := db.CapCounts(ctx, "app", "ep\x00", "2025-06-01\x00"); err != nil {
		t.Errorf("CapCounts of an odd endpoint ID: %v", err)
	}
	if _, err := db.GetEndpoint(ctx, "app", "ep\x00"); inapp.ErrorCode(err) != inapp.ENOTFOUND {
		t.Errorf("GetEndpoint of an odd ID: %v, want not found", err)
	}
	events, err := db.ListEvents(ctx, "app", "ep", 10)
	if err != nil || len(events) != 3 {
		t.Errorf("ListEvents: %d events, %v", len(events), err)
	}
}

// TestPostgresQueryPlans keeps the per-request and per-event queries on
// their indexes. The test tables are tiny, where a sequential scan is the
// planner's honest choice, so sequential scans are priced out: a query that
// still plans one has no index to use, and would grow with the table.
func TestPostgresQueryPlans(t *testing.T) {
	plan := queryPlanner(t, open(t, pgtest.NewDatabase(t)))
	for name, q := range map[string]struct {
		sql  string
		args []any
	}{
		"GetEndpoint":        {`SELECT doc FROM endpoints WHERE app_id = $1 AND id = $2`, []any{"a", "b"}},
		"CapCounts":          {`SELECT day, campaign_id, n FROM counters WHERE app_id = $1 AND endpoint_id = $2 AND day IN ($3, $4)`, []any{"a", "b", "*", "d"}},
		"EndpointActivity":   {`SELECT time FROM endpoint_activity WHERE app_id = $1 AND endpoint_id = $2`, []any{"a", "b"}},
		"UserEndpoints":      {`SELECT doc FROM endpoints WHERE app_id = $1 AND user_id = $2 ORDER BY seq`, []any{"a", "b"}},
		"ListEvents":         {`SELECT event_id, time, cap_day, doc FROM events WHERE app_id = $1 AND endpoint_id = $2 ORDER BY time DESC, seq DESC LIMIT $3`, []any{"a", "b", 10}},
		"ListSegments":       {segments.latestOf(), []any{"a", 0, 10}},
		"ListCampaigns":      {campaigns.latestOf(), []any{"a", 0, 10}},
		"ListApps":           {`SELECT seq, doc FROM apps WHERE seq > $1 ORDER BY seq LIMIT $2`, []any{0, 10}},
		"GetKey":             {`SELECT doc FROM access_keys WHERE id = $1`, []any{"a"}},
		"ListKeys":           {`SELECT seq, doc FROM access_keys WHERE app_id = $1 ORDER BY seq`, []any{"a"}},
		"SegmentMemberships": {`SELECT segment_id FROM segment_members WHERE app_id = $1 AND endpoint_id = $2`, []any{"a", "b"}},
		"CountMembers":       {`SELECT count(*) FROM segment_members WHERE app_id = $1 AND segment_id = $2`, []any{"a", "b"}},
		"ListImportJobs":     {`SELECT seq, doc, state FROM import_jobs WHERE app_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`, []any{"a", 1 << 40, 10}},
		"UnfinishedJobs":     {`SELECT seq, doc, state FROM import_jobs WHERE status NOT IN ('COMPLETED', 'FAILED') ORDER BY seq`, nil},
		"DeleteAppTags":      {`SELECT 1 FROM tags WHERE arn = $1 OR (arn >= $2 AND arn < $3)`, []any{"a", "a/", "a0"}},
	} {
		if text := plan(name, q.sql, q.args...); strings.Contains(text, "Seq Scan") {
			t.Errorf("%s scans a table:\n%s", name, text)
		}
	}
}

// queryPlanner returns PostgreSQL's plan (EXPLAIN, one line a row) of a
// query, on one connection where sequential scans are priced out: the test
// tables are tiny, where a sequential scan is the planner's honest choice,
// so a plan that still has one has no index to use.
func queryPlanner(t *testing.T, db *DB) func(name, sql string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Release)
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Exec(ctx, `RESET enable_seqscan`) })
	return func(name, sql string, args ...any) string {
		t.Helper()
		rows, err := conn.Query(ctx, "EXPLAIN "+sql, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return strings.Join(plan, "\n")
	}
}
