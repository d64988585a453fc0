package main

// Running on PostgreSQL (--postgres, --nodes): a throwaway database for the
// run, its size, and the storage check read from it.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/inappd/inappd/postgres"
)

// createDatabase creates the run's database on the --postgres server and
// arranges for it to be dropped at the end (unless --keep).
func (b *bench) createDatabase(ctx context.Context) error {
	admin := b.cfg.Postgres
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("--postgres %s: %w", describeDSN(admin), err)
	}
	defer conn.Close(context.Background())
	var r [4]byte
	rand.Read(r[:])
	name := "inappd_bench_" + hex.EncodeToString(r[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("--postgres: create the bench's database (the role needs CREATEDB): %w", err)
	}
	b.pgDSN = withDatabase(admin, name)
	b.pgDrop = func() {
		if b.cfg.Keep {
			b.logf("kept database %s", describeDSN(b.pgDSN))
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			b.logf("drop database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			b.logf("drop database %s: %v", name, err)
		}
	}
	return nil
}

// withDatabase returns dsn with its database replaced by name.
func withDatabase(dsn, name string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			u.Path = "/" + name
			u.RawPath = ""
			return u.String()
		}
	}
	return dsn + " dbname=" + name // later keys win
}

// describeDSN names a database without its password.
func describeDSN(dsn string) string { return postgres.Describe(dsn) }

// databaseSize is the size of the run's database.
func (b *bench) databaseSize(ctx context.Context) int64 {
	conn, err := pgx.Connect(ctx, b.pgDSN)
	if err != nil {
		return 0
	}
	defer conn.Close(context.Background())
	var n int64
	if err := conn.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&n); err != nil {
		return 0
	}
	return n
}

// checkPostgres is checkStore for PostgreSQL: the app's rows in events and
// its "*" rows in counters, once every node was killed.
func checkPostgres(ctx context.Context, dsn, appID string, l *eventLoad, v *verification) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		v.StoreNote = "could not open the database: " + err.Error()
		return
	}
	defer conn.Close(context.Background())
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM events WHERE app_id = $1`, appID).Scan(&v.StoredEvents); err != nil {
		v.StoreNote = "could not count events (schema changed?): " + err.Error()
		return
	}
	if err := conn.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM counters WHERE app_id = $1 AND day = '*'`, appID).Scan(&v.StoredDisplays); err != nil {
		v.StoreNote = "could not sum the cap counters (schema changed?): " + err.Error()
		return
	}
	v.StoreChecked = true
	compareStored(l, v)
}
