package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Backup copies the database at path (the main file and its events file)
// into the directory dir, under the same names, while a server may be
// using it: VACUUM INTO reads each file in one read transaction (WAL
// readers do not wait for the writers) and writes a compact copy. The
// two copies are taken one after the other, so the events file's may
// hold a few events the main file's predates; they stay a pair (the
// pair's ID is in both). Existing files in dir are not overwritten.
func Backup(ctx context.Context, path, dir string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	srcs := []string{abs, EventsPath(abs)}
	for _, src := range srcs {
		if _, err := os.Stat(src); err != nil {
			return fmt.Errorf("sqlite: backup: %w", err)
		}
		dst := filepath.Join(dir, filepath.Base(src))
		if _, err := os.Stat(dst); err == nil {
			return fmt.Errorf("sqlite: backup: %s exists already; back up into an empty directory", dst)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sqlite: backup: %w", err)
		}
	}
	for _, src := range srcs {
		if err := vacuumInto(ctx, src, filepath.Join(dir, filepath.Base(src))); err != nil {
			return fmt.Errorf("sqlite: back up %s: %w", src, err)
		}
	}
	return nil
}

// vacuumInto writes a copy of the database file src to dst.
func vacuumInto(ctx context.Context, src, dst string) error {
	db, err := sql.Open("sqlite", fileURI(src)+"?"+readerParams())
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `VACUUM INTO ?`, dst)
	return err
}
