package postgres

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// The change feed (inapp.ChangeFeed): how a node learns that another node
// changed what its delivery snapshots are built from.
//
// Writes record themselves: triggers on the snapshot tables (migration
// 0003) bump app_changes.version and NOTIFY inappd_changes in the writing
// transaction, so a change is announced exactly when it commits, whichever
// node, code path or tool wrote it. Changes then follows two paths:
//
//   - LISTEN on a dedicated connection (outside the pool), forwarding each
//     notification's payload: milliseconds after the commit;
//   - a poll of app_changes every pollInterval, on a second dedicated
//     connection (a busy pool must not delay it), which does not depend on
//     notifications: a version that moved is reported. It bounds the
//     staleness when notifications are lost (the LISTEN connection broke
//     unnoticed, or is being re-made) to about pollInterval.
//
// Whenever the node cannot be sure it saw every change (the LISTEN
// connection was re-made, or a poll failed), it reports "" (every app):
// snapshots are then rebuilt from the database, which, if it is still
// away, answers 503 rather than a stale snapshot.

// changeChannel is the NOTIFY channel of the change feed.
const changeChannel = "inappd_changes"

// Feed timing (variables for tests). pollInterval bounds how long a change can go unseen when
// notifications are lost; pollTimeout bounds one poll (a poll that does
// not answer in time counts as failed).
var (
	pollInterval     = 500 * time.Millisecond
	pollTimeout      = 450 * time.Millisecond
	listenBackoffMin = 100 * time.Millisecond
	listenBackoffMax = time.Second
)

var _ inapp.ChangeFeed = (*DB)(nil)

// Changes starts the feed: see above. The channel is closed once ctx ends.
func (db *DB) Changes(ctx context.Context) (<-chan string, error) {
	versions, err := db.changeVersions(ctx, db.pool)
	if err != nil {
		return nil, err
	}
	out := make(chan string, 256)
	f := &feed{db: db, out: out, versions: versions, logger: db.logger()}
	done := make(chan struct{}, 2)
	// The first LISTEN before returning: from here on, no notification
	// is missed. (If it fails, listen retries, and the poll covers the
	// gap.)
	conn, err := f.connect(ctx, true)
	if err != nil {
		f.logger.Warn("change feed: LISTEN connection failed; retrying", "error", err)
	}
	go func() { f.listen(ctx, conn); done <- struct{}{} }()
	go func() { f.poll(ctx); done <- struct{}{} }()
	go func() {
		<-done
		<-done
		close(out)
	}()
	return out, nil
}

type feed struct {
	db       *DB
	out      chan<- string
	logger   *slog.Logger
	versions map[string]int64 // poll's view of app_changes
}

func (f *feed) send(ctx context.Context, appID string) {
	select {
	case f.out <- appID:
	case <-ctx.Done():
	}
}

// listen holds a LISTEN connection, forwarding notifications, and makes a
// new one (with backoff) when it breaks. After every new connection it
// reports "" once: notifications sent while it had none are lost. conn is
// the first connection (nil if it could not be made).
func (f *feed) listen(ctx context.Context, conn *pgx.Conn) {
	backoff := listenBackoffMin
	first := conn != nil
	for ctx.Err() == nil {
		var err error
		if conn == nil {
			conn, err = f.connect(ctx, true)
		}
		if err != nil {
			if ctx.Err() == nil {
				f.logger.Debug("change feed: LISTEN connection failed; retrying", "error", err, "in", backoff)
			}
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return
			}
			backoff = min(2*backoff, listenBackoffMax)
			continue
		}
		backoff = listenBackoffMin
		if !first {
			f.logger.Info("change feed: LISTEN connection restored; dropping every snapshot")
			f.send(ctx, "")
		}
		first = false
		for {
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				if ctx.Err() == nil {
					f.logger.Warn("change feed: LISTEN connection lost; reconnecting", "error", err)
				}
				break
			}
			f.send(ctx, n.Payload)
		}
		closeConn(conn)
		conn = nil
	}
}

// connect opens one of the feed's connections, with the pool's settings
// but outside it, so that the feed never waits for (or takes) a
// connection that requests need.
func (f *feed) connect(ctx context.Context, listen bool) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, f.db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	if listen {
		if _, err := conn.Exec(cctx, "LISTEN "+changeChannel); err != nil {
			closeConn(conn)
			return nil, err
		}
	}
	return conn, nil
}

func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn.Close(ctx)
}

// poll compares app_changes with what it saw last, every pollInterval, on
// a connection of its own, and reports the apps whose version moved. When
// a poll fails (or does not answer within pollTimeout) it reports "", and
// once more when polls work again: a node that cannot tell whether its
// snapshots are current drops them.
func (f *feed) poll(ctx context.Context) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			closeConn(conn)
		}
	}()
	failing := false
	for {
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
		var versions map[string]int64
		err := func() error {
			pctx, cancel := context.WithTimeout(ctx, pollTimeout)
			defer cancel()
			if conn == nil {
				c, err := f.connect(pctx, false)
				if err != nil {
					return err
				}
				conn = c
			}
			var err error
			versions, err = f.db.changeVersions(pctx, conn)
			return err
		}()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if conn != nil {
				closeConn(conn)
				conn = nil
			}
			if !failing {
				f.logger.Warn("change feed: cannot read app_changes; snapshots are dropped until it answers", "error", err)
			}
			failing = true
			f.send(ctx, "")
			continue
		}
		if failing {
			f.logger.Info("change feed: app_changes answers again")
			failing = false
			f.send(ctx, "")
		}
		for app, v := range versions {
			if f.versions[app] != v {
				f.send(ctx, app)
			}
		}
		for app := range f.versions {
			if _, ok := versions[app]; !ok {
				f.send(ctx, app) // a row deleted by hand: report it too
			}
		}
		f.versions = versions
	}
}

// changeVersions reads app_changes: one row per app that ever changed, so
// a few hundred rows at most (Pinpoint allowed 100 apps per account).
func (db *DB) changeVersions(ctx context.Context, q querier) (map[string]int64, error) {
	rows, err := q.Query(ctx, `SELECT app_id, version FROM app_changes`)
	if err != nil {
		return nil, wrapErr("read app changes", err)
	}
	versions := map[string]int64{}
	var app string
	var v int64
	_, err = pgx.ForEachRow(rows, []any{&app, &v}, func() error {
		versions[app] = v
		return nil
	})
	if err != nil {
		return nil, wrapErr("read app changes", err)
	}
	return versions, nil
}
