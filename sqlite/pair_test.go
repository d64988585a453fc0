package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	inapp "github.com/inappd/inappd"
)

// TestPairedFiles: a main file opens only with its own events file. One
// restored without the other is refused with what to do, and nothing is
// created or changed; told to go on without its events, it does.
func TestPairedFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path, other := filepath.Join(dir, "a", "inappd.db"), filepath.Join(dir, "b", "inappd.db")
	for _, p := range []string{path, other} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		db, _ := streamedFixture(t, p)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	move := func(from, to string) {
		t.Helper()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(from+suffix, to+suffix); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
		}
	}
	refused := func(want string) {
		t.Helper()
		db, err := Open(ctx, path)
		if err == nil {
			db.Close()
			t.Fatalf("Open succeeded; want an error saying %q", want)
		}
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("Open: %v; want it to say %q", err, want)
		}
	}

	// The events file missing: refused, and not made anew.
	events := EventsPath(path)
	move(events, events+".aside")
	refused("is missing")
	if _, err := os.Stat(events); !os.IsNotExist(err) {
		t.Errorf("a refused Open left an events file behind (%v)", err)
	}
	// Another database's events file: refused.
	move(EventsPath(other), events)
	refused("belongs to another database")
	// Its own again: it opens, with its events.
	move(events, EventsPath(other))
	move(events+".aside", events)
	db := open(t, path)
	if got, err := db.ListEvents(ctx, "app", "ep-0", 1000); err != nil || len(got) == 0 {
		t.Fatalf("events after the files came back: %d, %v", len(got), err)
	}
	db.Close()

	// Going on without the events, as the error says.
	move(events, events+".aside")
	w, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(`DELETE FROM events_file`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	db = open(t, path)
	defer db.Close()
	if _, err := db.GetApp(ctx, "app"); err != nil {
		t.Errorf("the app after going on without the events: %v", err)
	}
	if got, err := db.ListEvents(ctx, "app", "ep-0", 1000); err != nil || len(got) != 0 {
		t.Errorf("events after going on without them: %d, %v; want none", len(got), err)
	}
	if err := db.CreateApp(ctx, &inapp.App{ID: "later", Name: "later"}); err != nil {
		t.Error(err)
	}
}
