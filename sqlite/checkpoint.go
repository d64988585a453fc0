package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"strconv"
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

// Starting the log over. A PASSIVE checkpoint copies the frames committed
// before it began, but under a steady stream of writes the writer has
// always committed more by the time it ends, and the writer only starts
// the WAL over once every frame is copied and no reader still reads one.
// So under a long run of writes (an import; PutEvents) the log grew to
// the writer's guard, and the commit that crossed it checkpointed on
// the writer: 250-450 ms during which no admin write could commit (a
// 1M-row import, every 8 s). Past restartFrames the checkpointer instead
// runs a RESTART checkpoint on the writer's own connection, between two
// of its transactions: it copies only what was committed since its own
// PASSIVE one, waits at most restartWait for readers of older frames,
// and the next transaction starts the log over. A write waits for that
// copy (tens of milliseconds) instead of the guard's.
var (
	// restartFrames is the log's length (frames, 64 MB) past which the
	// checkpointer has the writer start it over.
	restartFrames = 16_000
	// restartWait is how long the writer waits, in restartLog, for the
	// readers still reading the log's old frames.
	restartWait = 20 * time.Millisecond
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
	conn     *sql.DB
	writer   *sql.DB       // the file's writer, for restartLog
	restarts atomic.Int64  // RESTART checkpoints restartLog completed
	wal      string        // the WAL file's path
	commits  *atomic.Int64 // the writer's commit count
	log      *slog.Logger
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
}

// startCheckpointer opens the checkpointer's connection and starts it;
// writer is the file's writer, wal the WAL file's path, commits the count
// of write transactions the writer committed, log where failures go.
func startCheckpointer(uri string, writer *sql.DB, wal string, commits *atomic.Int64, log *slog.Logger) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", uri+"?_busy_timeout="+strconv.Itoa(busyTimeoutMS))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open checkpointer: %w", err)
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxIdleTime(0)
	conn.SetConnMaxLifetime(0)
	c := &checkpointer{conn: conn, writer: writer, wal: wal, commits: commits, log: log, stop: make(chan struct{}), done: make(chan struct{})}
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
		_, frames, err := c.checkpoint(c.conn, "PASSIVE")
		if err != nil {
			c.log.Warn("sqlite: background checkpoint failed; the writer will checkpoint itself past its guard", "err", err)
			continue
		}
		if frames >= restartFrames {
			c.restartLog()
		}
	}
}

// checkpoint runs a checkpoint of the given mode on q: PASSIVE copies
// what it can without waiting for anyone; RESTART and TRUNCATE wait (the
// busy timeout) for the log's readers and writer, then have the next
// writer start the log over (TRUNCATE also empties the file). busy
// reports that it could not finish for them; frames is the log's length.
// main: the events file's writer has the main file attached read-only,
// which a checkpoint of every schema would try to write.
func (c *checkpointer) checkpoint(q querier, mode string) (busy bool, frames int, err error) {
	var blocked, copied int
	err = q.QueryRowContext(context.Background(), "PRAGMA main.wal_checkpoint("+mode+")").Scan(&blocked, &frames, &copied)
	return blocked != 0, frames, err
}

// restartLog runs a RESTART checkpoint on the writer's connection, with
// the busy timeout cut to restartWait. A reader that holds old frames
// longer (a segment estimate's scan) leaves the log as it is until the
// next tick.
func (c *checkpointer) restartLog() {
	ctx := context.Background()
	conn, err := c.writer.Conn(ctx)
	if err != nil {
		return // closing
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", restartWait.Milliseconds())); err != nil {
		return
	}
	defer conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeoutMS))
	busy, _, err := c.checkpoint(conn, "RESTART")
	switch {
	case err != nil:
		c.log.Warn("sqlite: checkpoint on the writer failed", "wal", c.wal, "err", err)
	case !busy:
		c.restarts.Add(1)
	}
}

// shrink truncates the WAL file, with a TRUNCATE checkpoint, when it is
// larger than walKeepBytes; one that cannot finish leaves the file as it
// was, to be tried after the next quiet spell.
func (c *checkpointer) shrink() {
	st, err := os.Stat(c.wal)
	if err != nil || st.Size() <= walKeepBytes {
		return
	}
	busy, _, err := c.checkpoint(c.conn, "TRUNCATE")
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
