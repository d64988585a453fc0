package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
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

// Giving the WAL's space back. The writer never truncates the WAL file
// (writerParams): the checkpointer does, with a TRUNCATE checkpoint, once
// no write has committed for quietBeforeTruncate and the file is larger
// than walKeepBytes. That checkpoint holds back a writer that arrives
// meanwhile for as long as the truncation takes, which a quiet database
// rarely sees; under load the file keeps its size and is reused.
var (
	quietBeforeTruncate = 30 * time.Second
	walKeepBytes        = int64(64 << 20)
)

// checkpointer owns the connection that runs checkpoints.
type checkpointer struct {
	conn    *sql.DB
	wal     string        // the WAL file's path
	commits *atomic.Int64 // the writer's commit count
	log     *slog.Logger
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

// startCheckpointer opens the checkpointer's connection and starts it;
// wal is the WAL file's path, commits the count of write transactions the
// writer committed, log where failures go.
func startCheckpointer(uri, wal string, commits *atomic.Int64, log *slog.Logger) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", uri+"?_busy_timeout=5000")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open checkpointer: %w", err)
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxIdleTime(0)
	conn.SetConnMaxLifetime(0)
	c := &checkpointer{conn: conn, wal: wal, commits: commits, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	var seen int64
	var lastCommit time.Time // when the count last moved; zero once the WAL was shrunk
	for {
		var now time.Time
		select {
		case <-c.stop:
			return
		case now = <-tick.C:
		}
		n := c.commits.Load()
		if n == seen {
			// Nothing new in the WAL: once quiet for long enough, give
			// its space back.
			if !lastCommit.IsZero() && now.Sub(lastCommit) >= quietBeforeTruncate {
				c.shrink()
				lastCommit = time.Time{}
			}
			continue
		}
		seen, lastCommit = n, now
		if _, err := c.checkpoint("PASSIVE"); err != nil {
			c.log.Warn("sqlite: background checkpoint failed; the writer will checkpoint itself past its guard", "err", err)
		}
	}
}

// checkpoint runs a checkpoint of the given mode: PASSIVE copies what it
// can without waiting for anyone; TRUNCATE waits (the busy timeout) for
// the log's readers and writer, then empties the file. busy reports that
// it could not finish for them.
func (c *checkpointer) checkpoint(mode string) (busy bool, err error) {
	var blocked, frames, copied int
	err = c.conn.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")").Scan(&blocked, &frames, &copied)
	return blocked != 0, err
}

// shrink truncates the WAL file, with a TRUNCATE checkpoint, when it is
// larger than walKeepBytes; one that cannot finish leaves the file as it
// was, to be tried after the next quiet spell.
func (c *checkpointer) shrink() {
	st, err := os.Stat(c.wal)
	if err != nil || st.Size() <= walKeepBytes {
		return
	}
	busy, err := c.checkpoint("TRUNCATE")
	if err != nil {
		c.log.Warn("sqlite: could not shrink the WAL file", "wal", c.wal, "bytes", st.Size(), "err", err)
		return
	}
	if busy {
		c.log.Info("sqlite: WAL file not shrunk: a reader or writer was busy; trying again after the next quiet spell", "wal", c.wal, "bytes", st.Size())
		return
	}
	c.log.Info("sqlite: WAL file shrunk after a quiet spell", "wal", c.wal, "bytes", st.Size())
}

// close stops the checkpointer and closes its connection; the writer
// checkpoints what is left when it closes.
func (c *checkpointer) close() error {
	c.once.Do(func() { close(c.stop) })
	<-c.done
	return c.conn.Close()
}
