package streams

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/postgres"
	"github.com/inappd/inappd/postgres/pgtest"
	"github.com/inappd/inappd/sqlite"
)

// The manager against real stores (SQLite; PostgreSQL for leases) and a
// real webhook receiver on loopback.

func openSQLite(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func testLogger() *slog.Logger {
	level := slog.LevelError
	if testing.Verbose() {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// fastManager delivers with short waits, so that tests run quickly.
func fastManager(store inapp.EventStreamStore) *Manager {
	return &Manager{
		Store:        store,
		Destinations: &Destinations{},
		Logger:       testLogger(),
		BatchSize:    4,
		Poll:         10 * time.Millisecond,
		Rescan:       50 * time.Millisecond,
		MinBackoff:   10 * time.Millisecond,
		MaxBackoff:   80 * time.Millisecond,
	}
}

func start(t *testing.T, m *Manager) *Manager {
	t.Helper()
	if err := m.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func newTestApp(t *testing.T, s inapp.Store) string {
	t.Helper()
	id := inapp.NewID()
	if err := s.CreateApp(t.Context(), &inapp.App{ID: id, Arn: inapp.AppArn(id), Name: "streams"}); err != nil {
		t.Fatal(err)
	}
	return id
}

func putTestStream(t *testing.T, s inapp.Store, appID, dest string) {
	t.Helper()
	err := s.PutEventStream(t.Context(), &inapp.EventStream{
		ApplicationID: appID, DestinationStreamArn: dest, RoleArn: "unused",
		LastModifiedDate: inapp.FormatTime(time.Now()) + fmt.Sprint(time.Now().UnixNano()),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// recordEvents stores events e<from>…e<to-1> of endpoint ep, as PutEvents
// would.
func recordEvents(t *testing.T, s inapp.Store, appID string, from, to int) {
	t.Helper()
	var recs []*inapp.EventRecord
	at := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	for i := from; i < to; i++ {
		recs = append(recs, &inapp.EventRecord{
			AppID: appID, EndpointID: "ep", EventID: fmt.Sprintf("e%03d", i), Time: at,
			Event: &inapp.Event{EventType: "purchase", Timestamp: inapp.FormatTime(at), Attributes: map[string]string{"n": fmt.Sprint(i)}},
		})
	}
	if _, err := s.RecordEvents(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
}

func eventIDs(from, to int) []string {
	var ids []string
	for i := from; i < to; i++ {
		ids = append(ids, fmt.Sprintf("e%03d", i))
	}
	return ids
}

// deliveredIDs lists the event_id of every record the receiver accepted
// (answered 200), in order of arrival.
func (r *receiver) deliveredIDs(t *testing.T, ok func(n int) bool) []string {
	t.Helper()
	var ids []string
	for i, req := range r.got() {
		if !ok(i + 1) {
			continue
		}
		for _, line := range req.lines {
			var rec Record
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("a record is not JSON: %q", line)
			}
			ids = append(ids, rec.EventID)
		}
	}
	return ids
}

func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func queued(t *testing.T, s inapp.Store, appID string) int {
	t.Helper()
	items, err := s.ReadOutbox(t.Context(), appID, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

func TestEventStreamDeliveryOutage(t *testing.T) {
	s := openSQLite(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer s.Close()
	// The receiver fails its first three requests.
	failing := func(n int) bool { return n <= 3 }
	rcv := newReceiver(t, func(n int) int {
		if failing(n) {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	app := newTestApp(t, s)
	putTestStream(t, s, app, rcv.URL)
	m := start(t, fastManager(s))
	recordEvents(t, s, app, 0, 10)
	ok := func(n int) bool { return !failing(n) }
	waitFor(t, "every event delivered", 10*time.Second, func() bool { return len(rcv.deliveredIDs(t, ok)) >= 10 })
	got := rcv.deliveredIDs(t, ok)
	if !slices.Equal(got, eventIDs(0, 10)) {
		t.Errorf("delivered %v, want each event once, in order", got)
	}
	reqs := rcv.got()
	// The failed batch was sent again as it was: same delivery ID.
	if a, b := reqs[0].header.Get(DeliveryIDHeader), reqs[3].header.Get(DeliveryIDHeader); a != b || a == "" {
		t.Errorf("the retried batch has delivery ID %q, the failed one %q", b, a)
	}
	waitFor(t, "the outbox emptied", 5*time.Second, func() bool { return queued(t, s, app) == 0 })
	m.Close()
}

func TestEventStreamDeliveryRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inappd.db")
	s := openSQLite(t, path)
	var down atomic.Bool
	down.Store(true)
	rcv := newReceiver(t, func(int) int {
		if down.Load() {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	app := newTestApp(t, s)
	putTestStream(t, s, app, rcv.URL)
	m := start(t, fastManager(s))
	recordEvents(t, s, app, 0, 9)
	waitFor(t, "a failed attempt", 5*time.Second, func() bool { return len(rcv.got()) >= 2 })
	m.Close()
	s.Close()

	// inappd restarts on the same database: everything is still queued,
	// and is delivered once the receiver is back.
	s = openSQLite(t, path)
	defer s.Close()
	if n := queued(t, s, app); n != 9 {
		t.Fatalf("%d events queued after the restart, want 9", n)
	}
	failed := len(rcv.got())
	down.Store(false)
	start(t, fastManager(s))
	recordEvents(t, s, app, 9, 12)
	ok := func(n int) bool { return n > failed }
	waitFor(t, "every event delivered", 10*time.Second, func() bool { return len(rcv.deliveredIDs(t, ok)) >= 12 })
	if got := rcv.deliveredIDs(t, ok); !slices.Equal(got, eventIDs(0, 12)) {
		t.Errorf("delivered %v, want each event once, in order", got)
	}
	waitFor(t, "the outbox emptied", 5*time.Second, func() bool { return queued(t, s, app) == 0 })
}

func TestEventStreamDeliveryDeleteAndReplace(t *testing.T) {
	s := openSQLite(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer s.Close()
	first, second := newReceiver(t, nil), newReceiver(t, nil)
	all := func(int) bool { return true }
	app := newTestApp(t, s)
	putTestStream(t, s, app, first.URL)
	m := start(t, fastManager(s))
	recordEvents(t, s, app, 0, 3)
	// Acknowledged, not only received: a batch still in flight when the
	// stream changes is sent again to the new destination.
	waitFor(t, "delivery to the first receiver", 5*time.Second, func() bool { return queued(t, s, app) == 0 })

	// Put again with another destination: once Changed has returned,
	// nothing more goes to the old one.
	putTestStream(t, s, app, second.URL)
	m.Changed(app)
	recordEvents(t, s, app, 3, 5)
	waitFor(t, "delivery to the second receiver", 5*time.Second, func() bool { return queued(t, s, app) == 0 })
	if got := second.deliveredIDs(t, all); !slices.Equal(got, eventIDs(3, 5)) {
		t.Errorf("the second receiver got %v, want %v", got, eventIDs(3, 5))
	}

	// Deleted: delivery stops, nothing is queued any more.
	if _, err := s.DeleteEventStream(t.Context(), app); err != nil {
		t.Fatal(err)
	}
	m.Changed(app)
	recordEvents(t, s, app, 5, 8)
	time.Sleep(200 * time.Millisecond)
	if got := first.deliveredIDs(t, all); !slices.Equal(got, eventIDs(0, 3)) {
		t.Errorf("the first receiver got %v, want %v", got, eventIDs(0, 3))
	}
	if got := second.deliveredIDs(t, all); !slices.Equal(got, eventIDs(3, 5)) {
		t.Errorf("after the stream was deleted, the second receiver has %v, want %v", got, eventIDs(3, 5))
	}
	if n := queued(t, s, app); n != 0 {
		t.Errorf("%d events queued without a stream", n)
	}
}

func TestEventStreamDeliveryBadDestinationWaits(t *testing.T) {
	// A file:// destination accepted once, refused now (the manager has
	// no stream directory): events stay queued, nothing is lost.
	s := openSQLite(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer s.Close()
	app := newTestApp(t, s)
	dir := t.TempDir()
	putTestStream(t, s, app, "file://"+dir+"/events.jsonl")
	refused := start(t, fastManager(s))
	recordEvents(t, s, app, 0, 3)
	time.Sleep(150 * time.Millisecond)
	if n := queued(t, s, app); n != 3 {
		t.Errorf("%d events queued, want 3", n)
	}
	refused.Close()
	// With the directory allowed, the same stream is delivered.
	m := fastManager(s)
	m.Destinations = &Destinations{StreamDir: dir}
	putTestStream(t, s, app, "file://"+dir+"/events.jsonl")
	start(t, m)
	waitFor(t, "the file written", 5*time.Second, func() bool { return queued(t, s, app) == 0 })
	b, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Split(strings.TrimSpace(string(b)), "\n")); n != 3 {
		t.Errorf("the file holds %d records, want 3:\n%s", n, b)
	}
}

// Several nodes on PostgreSQL: one node delivers a stream at a time, and
// another takes over when it stops.
func TestEventStreamDeliveryLeases(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	open := func() *postgres.DB {
		db, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	rcv := newReceiver(t, nil)
	all := func(int) bool { return true }
	app := newTestApp(t, a)
	putTestStream(t, a, app, rcv.URL)
	node := func(db *postgres.DB, holder string) *Manager {
		m := fastManager(db)
		m.Leases, m.Holder, m.LeaseTTL = db, holder, time.Second
		return start(t, m)
	}
	ma := node(a, "node-a")
	time.Sleep(100 * time.Millisecond) // node-a takes the lease first
	node(b, "node-b")
	// Many small batches, stored through both nodes: if both delivered,
	// events would arrive twice.
	for i := 0; i < 40; i += 4 {
		db := a
		if i%8 == 4 {
			db = b
		}
		recordEvents(t, db, app, i, i+4)
		time.Sleep(5 * time.Millisecond)
	}
	waitFor(t, "every event delivered", 10*time.Second, func() bool { return queued(t, a, app) == 0 })
	got := rcv.deliveredIDs(t, all)
	slices.Sort(got)
	if !slices.Equal(got, eventIDs(0, 40)) {
		t.Errorf("delivered %d records, want each of 40 events once: %v", len(got), got)
	}
	// node-a stops: node-b takes the stream over once the lease is free.
	ma.Close()
	recordEvents(t, b, app, 40, 44)
	// Acknowledged, not only received: the receiver records a batch
	// before it answers.
	waitFor(t, "delivery by the other node", 10*time.Second, func() bool { return queued(t, b, app) == 0 })
	got = rcv.deliveredIDs(t, all)
	slices.Sort(got)
	if !slices.Equal(got, eventIDs(0, 44)) {
		t.Errorf("delivered %d records, want each of 44 events once: %v", len(got), got)
	}
}
