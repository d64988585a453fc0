package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// TestBackup: a backup taken while the database is open holds both files,
// opens as a pair with what was stored, and is independent of the
// original; a second backup into the same directory is refused.
func TestBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "inappd.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db, want := streamedFixture(t, path)
	defer db.Close()

	to := filepath.Join(dir, "backup")
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Backup(ctx, path, to); err != nil {
		t.Fatal(err)
	}
	// Written to after the backup: the copy does not change.
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	if _, err := db.RecordEvents(ctx, []*inapp.EventRecord{{AppID: "app", EndpointID: "ep-0", EventID: "after-the-backup", Time: at,
		Event: &inapp.Event{EventType: "purchase", Timestamp: inapp.FormatTime(at)}}}); err != nil {
		t.Fatal(err)
	}
	copied := open(t, filepath.Join(to, "inappd.db"))
	defer copied.Close()
	if got := storedEvents(t, copied); got != want {
		t.Errorf("the backup holds:\n%s\nwant:\n%s", got, want)
	}
	if _, err := copied.GetEventStream(ctx, "app"); err != nil {
		t.Errorf("the backup's main file: %v", err)
	}

	err := Backup(ctx, path, to)
	if err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("a backup over an existing one: %v; want it refused", err)
	}
}
