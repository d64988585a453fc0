package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	inapp "github.com/inappd/inappd"
)

func notFound(format string, args ...any) error {
	return inapp.Errorf(inapp.ENOTFOUND, format, args...)
}

func errNoApp(id string) error { return notFound("Application %s not found.", id) }

// appExists answers ENOTFOUND for an app that is not there, so that
// app-scoped calls report the missing app rather than an empty result.
func appExists(ctx context.Context, q querier, appID string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM apps WHERE id = ?`, appID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoApp(appID)
	}
	if err != nil {
		return fmt.Errorf("sqlite: look up app: %w", err)
	}
	return nil
}
