package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Checkpoints copy committed pages from the WAL back into the database
// file. SQLite runs them inside the commit that crosses wal_autocheckpoint,
// on the committing connection: with one writer connection, every event
// batch behind that commit waited for the copy and its fsyncs (a tenth of
// the writer's time under PutEvents load, in the profile). A checkpointer
// goroutine on a connection of its own runs them instead, beside the
// writer: a PASSIVE checkpoint takes no write lock, so commits go on while
// it copies. The writer keeps an autocheckpoint far above the
// checkpointer's threshold only as a guard, should the checkpointer fall
// behind (a reader holding an old snapshot for a long time).
const (
	// checkpointEvery is how often the checkpointer copies. A page that
	// many commits rewrite (counters, the top of the event index) is copied
	// once per checkpoint, so copying once a second rather than after every
	// commit writes far fewer bytes; under PutEvents load a second of WAL is
	// about as long as the 10,000 pages the writer's own autocheckpoint
	// used to wait for.
	checkpointEvery = time.Second
	// writerAutocheckpoint is the writer's guard (pages, 400 MB).
	writerAutocheckpoint = 100_000
)

// checkpointer owns the connection that runs checkpoints.
type checkpointer struct {
	conn    *sql.DB
	commits *atomic.Int64 // the writer's commit count
	log     *slog.Logger
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

// startCheckpointer opens the checkpointer's connection and starts it;
// commits is the count of write transactions the writer committed.
func startCheckpointer(uri string, commits *atomic.Int64) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", uri+"?_busy_timeout=5000")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open checkpointer: %w", err)
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxIdleTime(0)
	conn.SetConnMaxLifetime(0)
	c := &checkpointer{conn: conn, commits: commits, log: slog.Default(), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	var seen int64
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
		}
		n := c.commits.Load()
		if n == seen {
			continue // nothing new in the WAL
		}
		seen = n
		if _, err := c.checkpoint(); err != nil {
			c.log.Warn("sqlite: background checkpoint failed; the writer will checkpoint itself past its guard", "err", err)
		}
	}
}

// checkpoint copies what it can without waiting for anyone and returns the
// WAL's length in frames after it.
func (c *checkpointer) checkpoint() (frames int, err error) {
	var busy, copied int
	err = c.conn.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	return frames, err
}

// close stops the checkpointer and closes its connection; the writer
// checkpoints what is left when it closes.
func (c *checkpointer) close() error {
	c.once.Do(func() { close(c.stop) })
	<-c.done
	return c.conn.Close()
}
