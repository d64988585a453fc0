package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// Leases (inapp.LeaseStore) are rows of the leases table (migration 0003),
// with expiry by the database's clock.
//
// Why rows rather than advisory locks: an advisory lock lives as long as
// the session that took it, so holding one means pinning a pool connection
// for the whole job, and a connection that breaks for a moment (a network
// blip, a proxy restart) releases the lock at once, while its holder,
// which has not noticed yet, goes on working next to the node that took
// the lock over. A row with an expiry makes the hand-over explicit: the
// holder renews it well within its TTL and stops working as soon as it
// cannot be sure it still holds it (see package lease), and another node
// takes it only after the expiry has passed.

var _ inapp.LeaseStore = (*DB)(nil)

func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	var got bool
	err := db.pool.QueryRow(ctx, `INSERT INTO leases AS l (name, holder, expires_at)
		VALUES ($1, $2, clock_timestamp() + $3 * interval '1 microsecond')
		ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
		WHERE l.holder = EXCLUDED.holder OR l.expires_at < clock_timestamp()
		RETURNING true`, name, holder, ttl.Microseconds()).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil // held by another node, not expired
	}
	if err != nil {
		return false, wrapErr("acquire lease", err)
	}
	return got, nil
}

func (db *DB) RenewLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE leases SET expires_at = clock_timestamp() + $3 * interval '1 microsecond'
		WHERE name = $1 AND holder = $2`, name, holder, ttl.Microseconds())
	if err != nil {
		return false, wrapErr("renew lease", err)
	}
	return tag.RowsAffected() == 1, nil
}

func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder)
	return wrapErr("release lease", err)
}
