package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	inapp "github.com/inappd/inappd"
)

func notFound(format string, args ...any) error {
	return inapp.Errorf(inapp.ENOTFOUND, format, args...)
}

func errNoApp(id string) error { return notFound("Application %s not found.", id) }

// unavailableError is what a call answers when the database cannot be
// reached: an *inapp.Error with code EUNAVAIL (found by errors.As, so the
// API answers 503) whose message names the kind of failure but not the
// database's address, and the driver's error underneath for the logs.
type unavailableError struct {
	app   *inapp.Error
	cause error
}

func (e *unavailableError) Error() string   { return e.app.Message + " (" + e.cause.Error() + ")" }
func (e *unavailableError) Unwrap() []error { return []error{e.app, e.cause} }

// wrapErr turns what a call failed with into what the store answers:
// errors that are already inapp errors (or not the database's: fn's own
// errors in UpdateEndpoints) pass unchanged; a database that is away
// becomes EUNAVAIL; key conflicts ECONFLICT; a missing parent row
// ENOTFOUND; a value PostgreSQL cannot hold EINVALID; anything else an
// internal error naming the operation.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var ie *inapp.Error
	if errors.As(err, &ie) {
		return err
	}
	if reason := unavailable(err); reason != "" {
		return &unavailableError{
			app:   inapp.Errorf(inapp.EUNAVAIL, "database unavailable: %s; retry later.", reason),
			cause: fmt.Errorf("postgres: %s: %w", op, err),
		}
	}
	if pe := pgError(err); pe != nil {
		switch {
		case pe.Code == "23505": // unique_violation
			return inapp.Errorf(inapp.ECONFLICT, "A concurrent request wrote the same resource; retry.")
		case pe.Code == "23503": // foreign_key_violation: the parent went away meanwhile
			return inapp.Errorf(inapp.ENOTFOUND, "The application or resource this write belongs to does not exist.")
		case pe.Code == "40001" || pe.Code == "40P01": // retried, and still failing
			return inapp.Errorf(inapp.ECONFLICT, "Concurrent requests conflicted; retry.")
		case pe.Code == "54000" || pe.Code[:2] == "22": // program_limit_exceeded, data_exception
			return inapp.Errorf(inapp.EINVALID, "A value cannot be stored: %s.", pe.Message)
		}
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// pgError returns the server's error in err's chain, nil when there is none.
func pgError(err error) *pgconn.PgError {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}

// unavailable says why err means that the database cannot be used right
// now ("" when it does not): no connection could be made, an open one
// broke, the server is shutting down or refuses connections, or it did not
// answer in time. A cancelled request context is not the database's
// fault and is not reported as such.
func unavailable(err error) string {
	// Whatever stopped a connection from being made (refused, timed out,
	// or the server's own refusal: shutting down, too many connections,
	// the database gone, the password changed) leaves the store without a
	// database.
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return "connection refused"
		case errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err):
			return "timed out"
		}
		return "cannot connect"
	}
	if pe := pgError(err); pe != nil {
		switch {
		case pe.Code[:2] == "08": // connection_exception
			return "connection failed"
		case pe.Code == "57P01", pe.Code == "57P02": // admin_shutdown, crash_shutdown
			return "the server is shutting down"
		case pe.Code == "57P03": // cannot_connect_now: starting up, recovering
			return "the server is starting"
		case pe.Code == "53300": // too_many_connections
			return "too many connections"
		case pe.Code == "3D000": // invalid_catalog_name: the database was dropped
			return "the database does not exist"
		case pe.Code == "25006": // read_only_sql_transaction: a standby after a failover
			return "the server is read-only"
		}
		return ""
	}
	if errors.Is(err, context.Canceled) {
		return ""
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err):
		return "timed out"
	case errors.Is(err, puddle.ErrClosedPool):
		return "the connection pool is closed"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		// A statement after the one that found the connection broken, in
		// the same transaction or COPY: pgx closed the connection then.
		errors.Is(err, pgconn.ErrConnClosed):
		return "connection lost"
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return "network error"
	}
	return ""
}
