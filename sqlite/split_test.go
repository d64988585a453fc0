package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// legacyDB makes at path a database as the builds before the events file
// made it: one file, with the main migrations up to version applied. It
// returns a connection to it, closed with the test.
func legacyDB(t *testing.T, path string, version int) *sql.DB {
	t.Helper()
	ms, err := mainMigrations()
	if err != nil {
		t.Fatal(err)
	}
	old, err := sql.Open("sqlite", path+"?"+writerParams())
	if err != nil {
		t.Fatal(err)
	}
	old.SetMaxOpenConns(1)
	t.Cleanup(func() { old.Close() })
	if _, err := old.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version > version {
			break
		}
		if err := applyMigration(context.Background(), old, m); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
	}
	return old
}

// copyRows copies every row of table from src to dst (tables of the same
// columns).
func copyRows(t *testing.T, src, dst *sql.DB, table string) {
	t.Helper()
	rows, err := src.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(cols)-1) + `)`
	for rows.Next() {
		if _, err := dst.Exec(insert, rowValues(t, rows)...); err != nil {
			t.Fatalf("copy %s: %v", table, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// rowValues scans the current row of rows, whatever its columns.
func rowValues(t *testing.T, rows *sql.Rows) []any {
	t.Helper()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	return vals
}

// streamedFixture is a database whose app "app" has an event stream and
// a batch of events stored in every event table; its second return is
// storedEvents of it.
func streamedFixture(t *testing.T, path string) (*DB, string) {
	t.Helper()
	ctx := context.Background()
	db := open(t, path)
	if err := db.CreateApp(ctx, &inapp.App{ID: "app", Name: "app"}); err != nil {
		t.Fatal(err)
	}
	stream := &inapp.EventStream{ApplicationID: "app", DestinationStreamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/s", RoleArn: "arn:aws:iam::123456789012:role/r"}
	if err := db.PutEventStream(ctx, stream); err != nil {
		t.Fatal(err)
	}
	events := make([]*inapp.EventRecord, 600)
	for n := range events {
		events[n] = loadMixEvent(n)
		events[n].EndpointID = fmt.Sprint("ep-", n%37)
	}
	if _, err := db.RecordEvents(ctx, events); err != nil {
		t.Fatal(err)
	}
	want := storedEvents(t, db)
	for _, table := range []string{"events 600", "outbox 600", "counters ", "activity ", "_inapp.message_displayed 1/1", "pairs "} {
		if !strings.Contains(want, table) {
			t.Fatalf("the fixture stores nothing of %q:\n%s", table, want)
		}
	}
	return db, want
}

// TestSplitMovesEventTables opens a one-file database of the last build
// before the events file, holding events, counters, activity, analytics
// and a stream's outbox: afterwards the events file holds exactly those
// rows, the main file none of the tables, the outbox's numbering goes on
// where it was, and opening again changes nothing.
func TestSplitMovesEventTables(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	fixture, want := streamedFixture(t, filepath.Join(dir, "fixture.db"))
	defer fixture.Close()
	// Delivered and acknowledged: the outbox's counter is past its rows.
	items, err := fixture.ReadOutbox(ctx, "app", 100)
	if err != nil || len(items) != 100 {
		t.Fatalf("ReadOutbox: %d items, %v", len(items), err)
	}
	lastSeq := items[len(items)-1].Seq + 500

	path := filepath.Join(dir, "inappd.db")
	old := legacyDB(t, path, 10)
	for _, table := range append([]string{"apps", "event_streams"}, eventTables...) {
		copyRows(t, fixture.read, old, table)
	}
	if _, err := old.Exec(`UPDATE sqlite_sequence SET seq = ? WHERE name = 'stream_outbox'`, lastSeq); err != nil {
		t.Fatal(err)
	}
	old.Close()

	for range 2 {
		db := open(t, path)
		if got := storedEvents(t, db); got != want {
			t.Errorf("after the move:\n%s\nwant:\n%s", got, want)
		}
		var inMain int
		if err := db.read.QueryRow(`SELECT count(*) FROM main.sqlite_master WHERE name IN ('events', 'counters', 'endpoint_activity', 'analytics_rollups', 'analytics_uniques', 'stream_outbox')`).Scan(&inMain); err != nil || inMain != 0 {
			t.Errorf("the main file still has %d event tables (%v)", inMain, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(EventsPath(path)); err != nil {
		t.Fatalf("no events file: %v", err)
	}

	db := open(t, path)
	defer db.Close()
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	if _, err := db.RecordEvents(ctx, []*inapp.EventRecord{{AppID: "app", EndpointID: "ep-0", EventID: "after-the-move", Time: at,
		Event: &inapp.Event{EventType: "purchase", Timestamp: inapp.FormatTime(at)}}}); err != nil {
		t.Fatal(err)
	}
	var seq int64
	if err := db.read.QueryRow(`SELECT seq FROM stream_outbox WHERE event_id = 'after-the-move'`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if seq != lastSeq+1 {
		t.Errorf("the first outbox row after the move has seq %d, want %d (the old counter's next)", seq, lastSeq+1)
	}
}

// TestSplitResumes: a crash after a table's copy committed and before the
// main file dropped it leaves the table in both files; the next start
// drops the main file's without copying its rows a second time.
func TestSplitResumes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inappd.db")
	db, want := streamedFixture(t, path)
	// The main file's table as the crash left it: all its rows (the
	// read pool reads the events file's).
	if _, err := db.write.Exec(`CREATE TABLE events (app_id TEXT, endpoint_id TEXT, event_id TEXT, time INTEGER, cap_day TEXT, doc TEXT)`); err != nil {
		t.Fatal(err)
	}
	copyRows(t, db.read, db.write, "events")
	db.Close()
	db = open(t, path)
	defer db.Close()
	if got := storedEvents(t, db); got != want {
		t.Errorf("after resuming:\n%s\nwant:\n%s", got, want)
	}
}

// TestCleanupOwedAtStart: an app deleted just before a crash, its rows
// of the events file not yet deleted, loses them when the database opens
// again; other apps keep theirs.
func TestCleanupOwedAtStart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "inappd.db")
	db, _ := streamedFixture(t, path)
	if err := db.CreateApp(ctx, &inapp.App{ID: "other", Name: "other"}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	if _, err := db.RecordEvents(ctx, []*inapp.EventRecord{{AppID: "other", EndpointID: "ep", EventID: "kept", Time: at,
		Event: &inapp.Event{EventType: "purchase", Timestamp: inapp.FormatTime(at)}}}); err != nil {
		t.Fatal(err)
	}
	// What DeleteApp's transaction commits, without the cleanup after it.
	if _, err := db.write.Exec(`DELETE FROM apps WHERE id = 'app'; INSERT INTO event_cleanups (app_id, what) VALUES ('app', 'app')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = open(t, path)
	defer db.Close()
	for _, table := range eventTables {
		var n int
		if err := db.read.QueryRow(`SELECT count(*) FROM ` + table + ` WHERE app_id = 'app'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows of the deleted app (%v)", table, n, err)
		}
	}
	var owed int
	if err := db.read.QueryRow(`SELECT count(*) FROM event_cleanups`).Scan(&owed); err != nil || owed != 0 {
		t.Errorf("%d cleanups still owed (%v)", owed, err)
	}
	if events, err := db.ListEvents(ctx, "other", "ep", 10); err != nil || len(events) != 1 {
		t.Errorf("the other app's events: %d, %v; want its one", len(events), err)
	}
}

// TestDeleteEventStreamClearsOutbox: deleting a stream empties its outbox
// in the events file; a stream made again starts empty.
func TestDeleteEventStreamClearsOutbox(t *testing.T) {
	ctx := context.Background()
	db, _ := streamedFixture(t, filepath.Join(t.TempDir(), "inappd.db"))
	defer db.Close()
	s, err := db.GetEventStream(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.DeleteEventStream(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	if err := db.PutEventStream(ctx, s); err != nil {
		t.Fatal(err)
	}
	items, err := db.ReadOutbox(ctx, "app", 10)
	if err != nil || len(items) != 0 {
		t.Errorf("outbox after the stream was deleted and made again: %d items, %v", len(items), err)
	}
	var events int
	if err := db.read.QueryRow(`SELECT count(*) FROM events`).Scan(&events); err != nil || events != 600 {
		t.Errorf("%d events after deleting the stream (%v), want the 600 kept", events, err)
	}
}
