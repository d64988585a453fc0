package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/storetest"
)

// TestBackgroundCheckpoint: commits leave the copying back into the
// database file to the checkpointer (the writer's own autocheckpoint sits
// far above what these batches write), and the checkpointer does it within
// a few of its ticks, so the database file catches up with the WAL while
// the writer goes on. Events are written to the events file, whose
// checkpointer is watched.
func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	mainPath := filepath.Join(t.TempDir(), "inappd.db")
	db := open(t, mainPath)
	path := EventsPath(mainPath)
	defer func() { db.Close() }()
	size := func(p string) int64 {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	// Let a checkpoint of the migrations pass, so that the sizes below
	// measure the events alone.
	time.Sleep(2 * checkpointEvery)
	before := size(path)

	n := 0
	for range 10 {
		batch := make([]*inapp.EventRecord, 1000)
		for i := range batch {
			n++
			batch[i] = storetest.BenchEvent(n)
		}
		if _, err := db.RecordEvents(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	wal := size(path + "-wal")
	if wal < 4<<20 {
		t.Fatalf("the WAL holds %d bytes after 10,000 events; expected several MB (did the batches land?)", wal)
	}
	if frames := wal / 4096; frames >= writerAutocheckpoint {
		t.Fatalf("the test wrote %d frames, past the writer's own guard (%d): it cannot tell who checkpointed", frames, writerAutocheckpoint)
	}

	deadline := time.Now().Add(5 * checkpointEvery)
	for size(path)-before < wal/4 {
		if time.Now().After(deadline) {
			t.Fatalf("database file grew %d bytes in %v while the WAL holds %d: no background checkpoint", size(path)-before, 5*checkpointEvery, wal)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The data is readable, and survives a close and reopen.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = open(t, mainPath)
	var stored int
	if err := db.read.QueryRow(`SELECT count(*) FROM events`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != n {
		t.Errorf("%d events stored, want %d", stored, n)
	}
}

// TestWALShrinksOnlyWhenQuiet: the writer keeps the WAL file's size when
// it starts the log over (truncating a large file stalled the first write
// after a checkpoint), and the checkpointer truncates the file once no
// write has committed for quietBeforeTruncate (the events file's, which
// the events make grow).
func TestWALShrinksOnlyWhenQuiet(t *testing.T) {
	defer func(q time.Duration, keep int64) { quietBeforeTruncate, walKeepBytes = q, keep }(quietBeforeTruncate, walKeepBytes)
	quietBeforeTruncate, walKeepBytes = 3*checkpointEvery, 1<<20
	ctx := context.Background()
	mainPath := filepath.Join(t.TempDir(), "inappd.db")
	db := open(t, mainPath)
	path := EventsPath(mainPath)
	defer db.Close()
	walSize := func() int64 {
		fi, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	n := 0
	record := func(events int) {
		batch := make([]*inapp.EventRecord, events)
		for i := range batch {
			n++
			batch[i] = storetest.BenchEvent(n)
		}
		if _, err := db.RecordEvents(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		record(1000)
	}
	grown := walSize()
	if grown < 2*walKeepBytes {
		t.Fatalf("the WAL holds %d bytes after 5,000 events; the test needs more than %d", grown, 2*walKeepBytes)
	}
	// A write every half tick keeps the database busy: the checkpointer
	// copies the log back, the writer starts it over, and the file keeps
	// its size.
	for range 3 * int(quietBeforeTruncate/(checkpointEvery/2)) / 2 {
		record(10)
		time.Sleep(checkpointEvery / 2)
	}
	if got := walSize(); got < grown {
		t.Fatalf("the WAL file shrank from %d to %d bytes while writes went on", grown, got)
	}
	var frames int
	if err := db.read.QueryRow(`SELECT count(*) FROM events`).Scan(&frames); err != nil || frames != n {
		t.Fatalf("%d events readable (%v), want %d", frames, err, n)
	}
	// Quiet: the checkpointer truncates the file.
	deadline := time.Now().Add(quietBeforeTruncate + 5*checkpointEvery)
	for walSize() > walKeepBytes {
		if time.Now().After(deadline) {
			t.Fatalf("the WAL file still holds %d bytes %v after the last write", walSize(), quietBeforeTruncate+5*checkpointEvery)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Nothing was lost, and writing goes on.
	record(10)
	if err := db.read.QueryRow(`SELECT count(*) FROM events`).Scan(&frames); err != nil || frames != n {
		t.Fatalf("%d events readable after the truncation (%v), want %d", frames, err, n)
	}
}
