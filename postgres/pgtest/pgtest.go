// Package pgtest gives tests a throwaway PostgreSQL database: it finds the
// server (INAPPD_TEST_POSTGRES, else the machine's own at 127.0.0.1:5432),
// starts the local cluster when nothing answers, creates a database with a
// random name and drops it when the test ends.
//
// When no server can be had the test is skipped, or fails when
// INAPPD_TEST_STRICT=1 (CI), where a skip would hide a missing service.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/inappd/inappd/internal/e2etest"
)

// DefaultDSN is the machine's PostgreSQL as the test machines have it:
// trust authentication for the postgres role on the loopback address.
const DefaultDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// AdminDSN is the DSN tests connect with to create and drop databases:
// $INAPPD_TEST_POSTGRES when set, else DefaultDSN.
func AdminDSN() string {
	if dsn := os.Getenv("INAPPD_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return DefaultDSN
}

// skipf skips the test, or fails it in strict mode (e2etest.Skipf).
var skipf = e2etest.Skipf

var (
	startOnce sync.Once
	startErr  error
)

// startCluster starts the machine's cluster, once per test process, the
// way the machine's documentation says: pg_ctlcluster for each version
// installed under /etc/postgresql.
func startCluster() error {
	startOnce.Do(func() {
		versions, err := os.ReadDir("/etc/postgresql")
		if err != nil {
			startErr = fmt.Errorf("no local cluster to start: %w", err)
			return
		}
		if _, err := exec.LookPath("pg_ctlcluster"); err != nil {
			startErr = fmt.Errorf("no local cluster to start: %w", err)
			return
		}
		var errs []error
		for _, v := range versions {
			out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", v.Name(), "main", "start").CombinedOutput()
			if err != nil {
				errs = append(errs, fmt.Errorf("pg_ctlcluster %s main start: %v: %s", v.Name(), err, strings.TrimSpace(string(out))))
			}
		}
		startErr = errors.Join(errs...)
	})
	return startErr
}

// connect opens one admin connection, starting the local cluster and
// retrying for a few seconds when nothing answers; it skips (or fails in
// strict mode) when that does not help.
func connect(t testing.TB) *pgx.Conn {
	t.Helper()
	dsn := AdminDSN()
	try := func() (*pgx.Conn, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		return pgx.Connect(ctx, dsn)
	}
	conn, err := try()
	if err == nil {
		return conn
	}
	if os.Getenv("INAPPD_TEST_POSTGRES") == "" {
		if serr := startCluster(); serr != nil {
			t.Logf("pgtest: %v", serr)
		}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
			if conn, err = try(); err == nil {
				return conn
			}
		}
	}
	skipf(t, "PostgreSQL not reachable at %s (%v): start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set INAPPD_TEST_POSTGRES",
		redact(dsn), err)
	return nil
}

// NewDatabase creates an empty database with a random name and returns
// its DSN; the database is dropped (WITH (FORCE): whatever still holds a
// connection is disconnected) when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := connect(t)
	defer admin.Close(context.Background())
	var b [6]byte
	rand.Read(b[:])
	name := "inappd_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	dsn := WithDatabase(AdminDSN(), name)
	t.Cleanup(func() { DropDatabase(t, dsn) })
	return dsn
}

// DropDatabase drops the database a DSN from NewDatabase names, at once,
// cutting every connection to it (a test may use it to take the database
// away from a running server). Dropping it twice is harmless.
func DropDatabase(t testing.TB, dsn string) {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("pgtest: drop database: %v", err)
	}
	admin := connect(t)
	defer admin.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := pgx.Identifier{cfg.Database}.Sanitize()
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		t.Errorf("pgtest: drop database %s: %v", name, err)
	}
}

// WithDatabase returns dsn with its database replaced by name; dsn is a
// postgres:// URL or a key=value string.
func WithDatabase(dsn, name string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			u.Path = "/" + name
			u.RawPath = ""
			return u.String()
		}
	}
	return dsn + " dbname=" + name // later keys win
}

// Reset empties every table of the database at dsn but schema_migrations,
// so that tests can share one migrated database: much cheaper than a
// database each.
func Reset(t testing.TB, dsn string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("pgtest: reset: %v", err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, `SELECT quote_ident(tablename) FROM pg_tables
		WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`)
	if err != nil {
		t.Fatalf("pgtest: reset: %v", err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("pgtest: reset: %v", err)
	}
	if len(tables) == 0 {
		return
	}
	// DELETE rather than TRUNCATE: on the small tables tests leave behind
	// it takes a few milliseconds where TRUNCATE, which replaces every
	// table's files, takes about 30. One batch: one round trip, one
	// implicit transaction. Identity sequences go on counting, which
	// nothing may depend on.
	batch := &pgx.Batch{}
	for _, table := range tables {
		batch.Queue("DELETE FROM " + table)
	}
	if err := conn.SendBatch(ctx, batch).Close(); err != nil {
		t.Fatalf("pgtest: reset: %v", err)
	}
}

// redact hides a password in a DSN for messages.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		return u.String()
	}
	return regexp.MustCompile(`password=\S+`).ReplaceAllString(dsn, "password=xxxxx")
}
