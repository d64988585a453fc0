package retention

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres"
	"github.com/inappd/inappd/postgres/pgtest"
	"github.com/inappd/inappd/sqlite"

	"github.com/inappd/inappd/internal/syncbuf"
)

// now is the tests' clock: 10:00 UTC on 2026-11-20.
var now = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func newLogger(buf *syncbuf.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func openSQLite(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "inappd.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// seed stores, for n endpoints, a display of campaign "camp" 100 days
// ago and one a day ago.
func seed(t *testing.T, s inapp.Store, n int) string {
	t.Helper()
	app := &inapp.App{ID: inapp.NewID(), Name: "retention", Arn: "arn", CreationDate: inapp.FormatTime(now)}
	if err := s.CreateApp(t.Context(), app); err != nil {
		t.Fatal(err)
	}
	var batch []*inapp.EventRecord
	for i := range n {
		ep := "ep" + string(rune('a'+i))
		for _, at := range []time.Time{now.AddDate(0, 0, -100), now.AddDate(0, 0, -1)} {
			batch = append(batch, &inapp.EventRecord{
				AppID: app.ID, EndpointID: ep, EventID: at.Format(time.DateOnly), Time: at,
				CapDay: at.Format(time.DateOnly),
				Event: &inapp.Event{
					EventType:  inapp.EventDisplayed,
					Timestamp:  inapp.FormatTime(at),
					Attributes: map[string]string{inapp.CampaignIDAttribute: "camp"},
				},
			})
		}
	}
	if _, err := s.RecordEvents(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	return app.ID
}

// eventDays lists an endpoint's events by their IDs (the day they
// happened), newest first.
func eventDays(t *testing.T, s inapp.Store, appID, endpointID string) string {
	t.Helper()
	events, err := s.ListEvents(t.Context(), appID, endpointID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range events {
		ids = append(ids, e.EventID)
	}
	return strings.Join(ids, " ")
}

func TestRetentionRequest(t *testing.T) {
	for _, c := range []struct {
		retention time.Duration
		want      inapp.PruneRequest
	}{
		{90 * day, inapp.PruneRequest{
			EventsBefore: now.AddDate(0, 0, -90), ActivityBefore: now.AddDate(0, 0, -90),
			CounterDaysBefore: "2026-11-18", RollupDaysBefore: "2026-08-22",
		}},
		{31 * day, inapp.PruneRequest{
			EventsBefore: now.AddDate(0, 0, -31), ActivityBefore: now.AddDate(0, 0, -31),
			CounterDaysBefore: "2026-11-18", RollupDaysBefore: "2026-10-20",
		}},
		// Recency looks back 30 days: activity stays.
		{7 * day, inapp.PruneRequest{
			EventsBefore:      now.AddDate(0, 0, -7),
			CounterDaysBefore: "2026-11-18", RollupDaysBefore: "2026-11-13",
		}},
		// Forever: only past cap counter days go.
		{0, inapp.PruneRequest{CounterDaysBefore: "2026-11-18"}},
	} {
		if got := Request(now, c.retention); got != c.want {
			t.Errorf("Request(%s):\n got %+v\nwant %+v", FormatDuration(c.retention), got, c.want)
		}
	}
}

func TestRetentionParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90d": 90 * day, "1d": day, "2160h": 90 * day, "36h30m": 36*time.Hour + 30*time.Minute,
		"0": 0, "0d": 0, "0s": 0, " 30d ": 30 * day,
	} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1h", "23h59m", "-1d", "-24h", "abc", "d", "1.5d", "90days", "90"} {
		if got, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
		}
	}
	for d, want := range map[time.Duration]string{90 * day: "90d", 0: "0", 36 * time.Hour: "36h0m0s"} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestRetentionRun: a pass deletes in batches of Limit until nothing old
// is left, keeps the recent rows, and logs what it deleted.
func TestRetentionRun(t *testing.T) {
	db := openSQLite(t)
	app := seed(t, db, 5)
	var logs syncbuf.Buffer
	j := &Janitor{Store: db, Retention: DefaultRetention, Clock: fixedClock{now}, Logger: newLogger(&logs), Limit: 3}
	res, err := j.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// 5 old events and their 5 counter days, 5 uniques and 1 rollup row;
	// each endpoint is still active a day ago, so activity stays.
	want := inapp.PruneResult{Events: 5, Counters: 5, Uniques: 5, Rollups: 1}
	if res != want {
		t.Errorf("Run: %+v, want %+v", res, want)
	}
	for _, ep := range []string{"epa", "epe"} {
		if got := eventDays(t, db, app, ep); got != "2026-11-19" {
			t.Errorf("events of %s: %q, want only the recent one", ep, got)
		}
	}
	counts, err := db.CapCounts(t.Context(), app, "epa", "2026-11-19")
	if err != nil || counts["camp"] != (inapp.CapCount{Total: 2, Day: 1}) {
		t.Errorf("CapCounts after the pass: %v, %v", counts, err)
	}
	line := logs.String()
	for _, want := range []string{"level=INFO", `msg="retention: pruned"`, "events=5", "cap_counters=5", "analytics_uniques=5", "analytics_rollups=1", "batches=6", "retention=90d", "duration="} {
		if !strings.Contains(line, want) {
			t.Errorf("log lacks %s:\n%s", want, line)
		}
	}
	if res, err = j.Run(t.Context()); err != nil || res != (inapp.PruneResult{}) {
		t.Errorf("second Run: %+v, %v; want nothing deleted", res, err)
	}
}

// TestRetentionForever: with a retention of 0, events and analytics stay;
// only past cap counter days go.
func TestRetentionForever(t *testing.T) {
	db := openSQLite(t)
	app := seed(t, db, 2)
	j := &Janitor{Store: db, Clock: fixedClock{now}, Logger: newLogger(&syncbuf.Buffer{})}
	res, err := j.Run(t.Context())
	if err != nil || res != (inapp.PruneResult{Counters: 2}) {
		t.Errorf("Run: %+v, %v; want the 2 old counter days only", res, err)
	}
	if got := eventDays(t, db, app, "epa"); got != "2026-11-19 2026-08-12" {
		t.Errorf("events: %q, want both", got)
	}
}

// failOnce fails its first Prune, then prunes the store.
type failOnce struct {
	inapp.Pruner
	mu     sync.Mutex
	calls  int
	passed chan struct{} // closed once a call succeeded
}

func (f *failOnce) Prune(ctx context.Context, req inapp.PruneRequest) (inapp.PruneResult, error) {
	f.mu.Lock()
	f.calls++
	first := f.calls == 1
	f.mu.Unlock()
	if first {
		return inapp.PruneResult{}, errors.New("disk on fire")
	}
	res, err := f.Pruner.Prune(ctx, req)
	if err == nil && !res.More {
		select {
		case <-f.passed:
		default:
			close(f.passed)
		}
	}
	return res, err
}

// TestRetentionBackground: Start runs a pass after Delay and then every
// Interval; a failed pass is logged at Warn and the next one goes on;
// Close stops it.
func TestRetentionBackground(t *testing.T) {
	db := openSQLite(t)
	app := seed(t, db, 2)
	var logs syncbuf.Buffer
	store := &failOnce{Pruner: db, passed: make(chan struct{})}
	j := &Janitor{Store: store, Retention: DefaultRetention, Clock: fixedClock{now}, Logger: newLogger(&logs),
		Delay: 10 * time.Millisecond, Interval: 20 * time.Millisecond}
	j.Start(t.Context())
	select {
	case <-store.passed:
	case <-time.After(10 * time.Second):
		t.Fatalf("no pass succeeded; logs:\n%s", logs.String())
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if got := eventDays(t, db, app, "epb"); got != "2026-11-19" {
		t.Errorf("events: %q, want only the recent one", got)
	}
	out := logs.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "disk on fire") {
		t.Errorf("the failed pass was not logged at Warn:\n%s", out)
	}
	if !strings.Contains(out, `msg="retention: pruned"`) {
		t.Errorf("the pass that worked was not logged:\n%s", out)
	}
	// Stopped: no pass runs after Close.
	store.mu.Lock()
	calls := store.calls
	store.mu.Unlock()
	time.Sleep(60 * time.Millisecond)
	store.mu.Lock()
	defer store.mu.Unlock()
	if store.calls != calls {
		t.Errorf("Prune called %d times after Close", store.calls-calls)
	}
	if err := j.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestRetentionLease: with several nodes, a pass runs only under the
// lease; a node that finds it held skips its pass.
func TestRetentionLease(t *testing.T) {
	ctx := t.Context()
	db, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	app := seed(t, db, 2)
	j := &Janitor{Store: db, Retention: DefaultRetention, Clock: fixedClock{now}, Logger: newLogger(&syncbuf.Buffer{}),
		Leases: db, Holder: "node-a"}
	if ok, err := db.AcquireLease(ctx, LeaseName, "node-b", time.Minute); err != nil || !ok {
		t.Fatalf("node-b takes the lease: %v, %v", ok, err)
	}
	if _, err := j.Run(ctx); !errors.Is(err, ErrElsewhere) {
		t.Fatalf("Run while node-b prunes: %v, want ErrElsewhere", err)
	}
	if got := eventDays(t, db, app, "epa"); got != "2026-11-19 2026-08-12" {
		t.Errorf("events after a skipped pass: %q, want both", got)
	}
	if err := db.ReleaseLease(ctx, LeaseName, "node-b"); err != nil {
		t.Fatal(err)
	}
	res, err := j.Run(ctx)
	if err != nil || res.Events != 2 {
		t.Errorf("Run once node-b is done: %+v, %v; want 2 events deleted", res, err)
	}
	if got := eventDays(t, db, app, "epa"); got != "2026-11-19" {
		t.Errorf("events: %q, want only the recent one", got)
	}
	// The pass gave its lease back: node-b may take it at once.
	if ok, err := db.AcquireLease(ctx, LeaseName, "node-b", time.Minute); err != nil || !ok {
		t.Errorf("node-b takes the lease after the pass: %v, %v", ok, err)
	}
}
