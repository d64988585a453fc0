package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/storetest"
)

func open(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db
}

func TestStore(t *testing.T) {
	storetest.RunSuite(t, func(t *testing.T) inapp.Store {
		db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
		t.Cleanup(func() {
			if err := db.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return db
	})
}

// appliedMigrations reads schema_migrations: version → applied_at.
func appliedMigrations(t *testing.T, db *DB) map[int]string {
	t.Helper()
	rows, err := db.read.Query(`SELECT version, applied_at FROM schema_migrations`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	applied := map[int]string{}
	for rows.Next() {
		var v int
		var at string
		if err := rows.Scan(&v, &at); err != nil {
			t.Fatal(err)
		}
		applied[v] = at
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return applied
}

func TestReopenKeepsDataAndMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "inappd.db")
	db := open(t, path)
	ms, err := mainMigrations()
	if err != nil {
		t.Fatal(err)
	}
	first := appliedMigrations(t, db)
	if len(first) != len(ms) {
		t.Fatalf("%d migrations recorded, %d embedded", len(first), len(ms))
	}
	app := &inapp.App{ID: inapp.NewID(), Name: "kept"}
	if err := db.CreateApp(ctx, app); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = open(t, path)
	defer db.Close()
	got, err := db.GetApp(ctx, app.ID)
	if err != nil {
		t.Fatalf("GetApp after reopening: %v", err)
	}
	if got.Name != "kept" {
		t.Errorf("app after reopening: %+v", got)
	}
	// Same rows, same times: nothing was applied a second time.
	again := appliedMigrations(t, db)
	if fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("schema_migrations changed on reopen:\nbefore %v\nafter  %v", first, again)
	}
}

// TestUpgradeFrom0001 opens a database that only has the first migration,
// as the first builds made it, and checks that 0002 carries its events'
// activity over.
func TestUpgradeFrom0001(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "inappd.db")
	ms, err := mainMigrations()
	if err != nil {
		t.Fatal(err)
	}
	old := legacyDB(t, path, 1)
	for _, second := range []int{20, 10} {
		if _, err := old.Exec(`INSERT INTO events (app_id, endpoint_id, event_id, time, cap_day, doc) VALUES ('app', 'ep', ?, ?, '', '{}')`,
			fmt.Sprint(second), time.Unix(int64(second), 0).UnixNano()); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	db := open(t, path)
	defer db.Close()
	if got := len(appliedMigrations(t, db)); got != len(ms) {
		t.Errorf("%d migrations recorded after the upgrade, want %d", got, len(ms))
	}
	at, err := db.EndpointActivity(ctx, "app", "ep")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Unix(20, 0); !at.Equal(want) {
		t.Errorf("EndpointActivity after the upgrade = %v, want %v", at, want)
	}
}

func TestPragmas(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer db.Close()
	for _, c := range []struct {
		pool   string
		pragma string
		want   string
	}{
		{"write", "journal_mode", "wal"},
		{"write", "synchronous", "1"}, // NORMAL
		{"write", "foreign_keys", "1"},
		{"write", "busy_timeout", "5000"},
		{"write", "journal_size_limit", "-1"}, // the checkpointer shrinks the WAL (checkpoint.go)
		{"events", "journal_mode", "wal"},
		{"events", "synchronous", "1"},
		{"events", "busy_timeout", "5000"},
		{"events", "journal_size_limit", "-1"},
		{"read", "journal_mode", "wal"},
		{"read", "eventdb.journal_mode", "wal"}, // the events file, attached
		{"read", "busy_timeout", "5000"},
	} {
		q := map[string]*sql.DB{"write": db.write, "events": db.events, "read": db.read}[c.pool]
		var got string
		if err := q.QueryRow("PRAGMA " + c.pragma).Scan(&got); err != nil {
			t.Fatalf("%s PRAGMA %s: %v", c.pool, c.pragma, err)
		}
		if got != c.want {
			t.Errorf("%s PRAGMA %s = %s, want %s", c.pool, c.pragma, got, c.want)
		}
	}
	if _, err := db.read.Exec(`INSERT INTO tags (arn, key, value) VALUES ('a', 'b', 'c')`); err == nil {
		t.Errorf("the read pool accepted a write")
	}
	if _, err := db.read.Exec(`INSERT INTO endpoint_activity (app_id, endpoint_id, time) VALUES ('a', 'b', 1)`); err == nil {
		t.Errorf("the read pool accepted a write to the events file")
	}
	if _, err := db.events.Exec(`INSERT INTO tags (arn, key, value) VALUES ('a', 'b', 'c')`); err == nil {
		t.Errorf("the events writer wrote to the main file")
	}
}

func TestPathWithURICharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a dir?x=1#y%20", "inappd.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db := open(t, path)
	defer db.Close()
	if err := db.CreateApp(context.Background(), &inapp.App{ID: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at %s: %v", path, err)
	}
}

// BenchmarkRecordEvents measures the PutEvents write path: batches of
// 1,000 events from 10,000 endpoints in the mix of storetest.BenchEvent. Run it long
// (-benchtime 300x or more): the rate falls as the idempotency index
// outgrows the page cache.
func BenchmarkRecordEvents(b *testing.B) {
	ctx := context.Background()
	db := open(b, filepath.Join(b.TempDir(), "inappd.db"))
	defer db.Close()
	const batchSize = 1000
	n := 0
	w0 := writtenBytes()
	for b.Loop() {
		batch := make([]*inapp.EventRecord, batchSize)
		for i := range batch {
			n++
			batch[i] = storetest.BenchEvent(n)
		}
		if _, err := db.RecordEvents(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric((writtenBytes()-w0)/float64(n), "written-B/event")
}

// BenchmarkRecordEventsBatchSize stores the same events (200,000, or
// INAPPD_BATCH_EVENTS) in transactions of different sizes, in the load
// bench's mix (loadMixEvent): how the group commit's batch size moves the
// writer's rate and the bytes it writes per event. Run it once per size:
//
//	go test ./sqlite -run X -bench RecordEventsBatchSize -benchtime 1x
func BenchmarkRecordEventsBatchSize(b *testing.B) {
	total := envCount("INAPPD_BATCH_EVENTS", 200_000)
	for _, size := range []int{2_000, 5_000, 20_000} {
		b.Run(fmt.Sprint("batch=", size), func(b *testing.B) {
			ctx := context.Background()
			db := open(b, filepath.Join(b.TempDir(), "inappd.db"))
			defer db.Close()
			for b.Loop() {
				w0, start := writtenBytes(), time.Now()
				for n := 0; n < total; n += size {
					if _, err := db.RecordEvents(ctx, loadMixBatch(n, min(size, total-n))); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(total)/time.Since(start).Seconds(), "events/s")
				b.ReportMetric((writtenBytes()-w0)/float64(total), "written-B/event")
			}
		})
	}
}

// BenchmarkRecordEventsGrowth is the event writer as the events file
// grows: 20,000-event batches of the bench's mix, reporting events/s and
// bytes written per event over the first and the last 200,000 events.
// Every random key (the events' unique key, counters, analytics pairs)
// makes a batch dirty a page per row once its table outgrows the batch,
// so the cost per event rises with what is stored. INAPPD_GROWTH_EVENTS
// sets how many (default 1,000,000; rounded down to a multiple of
// 200,000, at least one). All of them happen at one moment of one day,
// as in the load bench, unless INAPPD_GROWTH_EVENTS_PER_DAY spreads them
// evenly over as many days as it takes: then each day's displays count
// in that day's cap counters and analytics, as they would in a server
// that has run for that long.
func BenchmarkRecordEventsGrowth(b *testing.B) {
	const size, span = 20_000, 200_000
	total := max(span, envCount("INAPPD_GROWTH_EVENTS", 1_000_000)/span*span)
	perDay := envCount("INAPPD_GROWTH_EVENTS_PER_DAY", 0)
	ctx := context.Background()
	for b.Loop() {
		db := open(b, filepath.Join(b.TempDir(), "inappd.db"))
		var start time.Time
		var w0 float64
		for n := 0; n < total; {
			if n%span == 0 {
				start, w0 = time.Now(), writtenBytes()
			}
			batch := loadMixBatch(n, size)
			if perDay > 0 {
				spreadOverDays(batch, n, perDay)
			}
			if _, err := db.RecordEvents(ctx, batch); err != nil {
				b.Fatal(err)
			}
			n += size
			for _, w := range []struct {
				at   int
				name string
			}{{span, "first"}, {total, "last"}} {
				if n == w.at {
					b.ReportMetric(span/time.Since(start).Seconds(), w.name+"-events/s")
					b.ReportMetric((writtenBytes()-w0)/span, w.name+"-written-B/event")
				}
			}
		}
		db.Close()
	}
}

// spreadOverDays moves events first to first+len(batch)-1 of the bench's
// mix to times perDay a day apart, from the mix's moment on: event n
// happens n/perDay days and (n%perDay)/perDay of a day later. A display
// counts on its UTC day.
func spreadOverDays(batch []*inapp.EventRecord, first, perDay int) {
	for i, r := range batch {
		n := first + i
		r.Time = r.Time.Add(time.Duration(n/perDay)*24*time.Hour + time.Duration(n%perDay)*(24*time.Hour/time.Duration(perDay)))
		e := *r.Event
		e.Timestamp = inapp.FormatTime(r.Time)
		r.Event = &e
		if r.CapDay != "" {
			r.CapDay = r.Time.Format(time.DateOnly)
		}
	}
}

// loadMixBatch is events first to first+size-1 of the bench's mix
// (loadMixEvent).
func loadMixBatch(first, size int) []*inapp.EventRecord {
	batch := make([]*inapp.EventRecord, size)
	for i := range batch {
		batch[i] = loadMixEvent(first + i)
	}
	return batch
}

// loadMixEvent is event n of cmd/inappd-bench's PutEvents mix: 100,000
// endpoints sending 10 events each per request, a third of them displays
// and a tenth clicks and dismissals each, attributed to one of 1,000
// campaigns.
func loadMixEvent(n int) *inapp.EventRecord {
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	types := []string{inapp.EventDisplayed, inapp.EventDisplayed, inapp.EventDisplayed, inapp.EventClicked, inapp.EventDismissed,
		"_session.start", "app_launched", "screen_viewed", "add_to_cart", "purchase"}
	e := &inapp.Event{EventType: types[n%len(types)], Timestamp: inapp.FormatTime(at), SdkName: "aws-amplify/js",
		Session: &inapp.Session{ID: "s", StartTimestamp: inapp.FormatTime(at)}, Attributes: map[string]string{"screen": "home"}}
	day := ""
	if strings.HasPrefix(e.EventType, "_inapp.") {
		h := uint64(n) * 0x9E3779B97F4A7C15 // spreads n over the campaigns
		e.Attributes = map[string]string{inapp.CampaignIDAttribute: fmt.Sprint("campaign-", (h>>29)%1000), inapp.TreatmentIDAttribute: "0"}
		if e.EventType == inapp.EventDisplayed {
			day = "2026-11-21"
		}
	}
	endpoint := (uint64(n/10) * 0x9E3779B97F4A7C15 >> 20) % 100_000
	return &inapp.EventRecord{AppID: "app", EndpointID: fmt.Sprint("ep-", endpoint), EventID: fmt.Sprint("ev-", n), Event: e, Time: at, CapDay: day}
}

// writtenBytes is how much the process has written so far (Linux only; 0
// elsewhere): WAL frames and checkpoints, the write path's real cost.
func writtenBytes() float64 {
	b, _ := os.ReadFile("/proc/self/io")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "wchar: "); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return n
		}
	}
	return 0
}

// envCount is the count a benchmark takes from the environment variable
// name, when it holds a positive integer, and def otherwise.
func envCount(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
