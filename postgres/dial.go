package postgres

import (
	"context"
	"net"
	"syscall"
	"time"
)

// How a node notices that the database's host is gone without a word (a
// crash, a network partition): nothing refuses or resets the connection,
// and without these a request could wait for TCP's own retransmission
// timeout (about 15 minutes) before it fails. With them:
//
//   - an idle connection (in the pool, or the change feed's LISTEN) is
//     probed after keepAliveIdle and declared dead after keepAliveCount
//     unanswered probes, keepAliveInterval apart;
//   - a connection with data the server has not acknowledged within
//     userTimeout (a query sent into the void) is declared dead too
//     (TCP_USER_TIMEOUT, Linux).
//
// The call on it then fails with EUNAVAIL (503). A query that merely runs
// long is not affected: the server's kernel keeps acknowledging.
const (
	keepAliveIdle     = 5 * time.Second
	keepAliveInterval = 2 * time.Second
	keepAliveCount    = 3
	userTimeout       = 10 * time.Second
)

// dialer opens the connections of the pool and of the change feed.
func dialer() func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{
		KeepAliveConfig: net.KeepAliveConfig{
			Enable:   true,
			Idle:     keepAliveIdle,
			Interval: keepAliveInterval,
			Count:    keepAliveCount,
		},
		Control: func(network, _ string, c syscall.RawConn) error {
			if network != "tcp" && network != "tcp4" && network != "tcp6" {
				return nil // a Unix socket: a local server, no network between
			}
			var serr error
			if err := c.Control(func(fd uintptr) { serr = setUserTimeout(fd, userTimeout) }); err != nil {
				return err
			}
			return serr
		},
	}
	return d.DialContext
}
