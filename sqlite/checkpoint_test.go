package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
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

// TestWALStartsOverUnderLoad: under a steady stream of writes with
// readers all along, as during an import, the log is started over once
// it passes restartFrames (restartLog). Without that, no writer found
// every frame copied and no reader in the log, and the log grew to the
// writer's guard, whose checkpoint stalled the commit that crossed it.
// Both files: the events file's writer has the main file attached.
func TestWALStartsOverUnderLoad(t *testing.T) {
	defer func(f int) { restartFrames = f }(restartFrames)
	restartFrames = 1000
	for _, file := range []struct {
		name   string
		path   func(string) string
		schema string // on the read pool
		writer func(*DB) (*sql.DB, func(context.Context, func(*sql.Tx) error) error, *checkpointer)
	}{
		{"main", func(p string) string { return p }, "main", func(db *DB) (*sql.DB, func(context.Context, func(*sql.Tx) error) error, *checkpointer) {
			return db.write, db.update, db.ckpt
		}},
		{"events", EventsPath, "eventdb", func(db *DB) (*sql.DB, func(context.Context, func(*sql.Tx) error) error, *checkpointer) {
			return db.events, db.updateEvents, db.eventCkpt
		}},
	} {
		t.Run(file.name, func(t *testing.T) {
			mainPath := filepath.Join(t.TempDir(), "inappd.db")
			db := open(t, mainPath)
			defer db.Close()
			w, update, ckpt := file.writer(db)
			if _, err := w.Exec(`CREATE TABLE main.filler (b BLOB)`); err != nil {
				t.Fatal(err)
			}
			count := `SELECT count(*) FROM ` + file.schema + `.filler`
			stop := make(chan struct{})
			var readers sync.WaitGroup
			for range 2 {
				readers.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						var n int
						if err := db.read.QueryRow(count).Scan(&n); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			// About 250 pages a write, 20 writes a second for 4 s: 20,000
			// frames in all, 80 MB of log were it never started over.
			const writes = 80
			for range writes {
				err := update(t.Context(), func(tx *sql.Tx) error {
					_, err := tx.Exec(`INSERT INTO main.filler (b) VALUES (randomblob(1000000))`)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				time.Sleep(checkpointEvery / 20)
			}
			close(stop)
			readers.Wait()
			fi, err := os.Stat(file.path(mainPath) + "-wal")
			if err != nil {
				t.Fatal(err)
			}
			if limit := int64(writes * 250 * 4096 / 2); fi.Size() > limit {
				t.Errorf("the WAL file grew to %d bytes (over %d): the log was not started over", fi.Size(), limit)
			}
			if ckpt.restarts.Load() == 0 {
				t.Error("no RESTART checkpoint on the writer completed")
			}
			var n int
			if err := db.read.QueryRow(count).Scan(&n); err != nil || n != writes {
				t.Errorf("%d rows readable (%v), want %d", n, err, writes)
			}
		})
	}
}
