// Command inappd is a self-hosted in-app messaging server, wire compatible
// with Amazon Pinpoint's in-app channel.
//
//	inappd serve [--addr 127.0.0.1:8080] [--data ./inappd-data] [--postgres DSN]
//	inappd backup --to DIR [--data ./inappd-data]
//	inappd version
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/ingest"
	"github.com/inappd/inappd/pinpointapi"
	"github.com/inappd/inappd/retention"
	"github.com/inappd/inappd/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "inappd:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		m := NewMain()
		m.Stdout = stdout
		if err := m.ParseFlags(args[1:], os.Getenv); err != nil {
			return err
		}
		var level slog.Level
		if err := level.UnmarshalText([]byte(m.Config.LogLevel)); err != nil {
			return fmt.Errorf("--log-level: %w", err)
		}
		m.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
		if err := m.Run(ctx); err != nil {
			return err
		}
		<-ctx.Done()
		m.Logger.Info("shutting down")
		return m.Close()
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "inappd", inapp.Version)
		return nil
	case "backup":
		return backup(ctx, args[1:], os.Getenv, stdout)
	case "help", "--help", "-h":
		usage(stdout)
		return nil
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprint(w, `inappd: self-hosted in-app messaging, wire compatible with Amazon Pinpoint.

Commands:
  serve     run the server (inappd serve --help lists its flags)
  backup    copy the embedded database into a directory, also while the server runs
  version   print the version
`)
}

// defaultDataDir is --data when neither the flag nor INAPPD_DATA is set,
// for serve and backup alike.
const defaultDataDir = "./inappd-data"

// backup copies the SQLite database of a data directory (both of its
// files) into another directory.
func backup(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("inappd backup", flag.ContinueOnError)
	data := fs.String("data", cmp.Or(getenv("INAPPD_DATA"), defaultDataDir), "data directory of the database to copy (INAPPD_DATA)")
	to := fs.String("to", "", "directory to write the copy into (made if missing; must not hold a copy already)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("backup: --to is required: the directory to write the copy into")
	}
	if getenv("INAPPD_POSTGRES") != "" {
		return errors.New("backup: INAPPD_POSTGRES is set: back up PostgreSQL with its own tools (pg_dump); this copies the embedded SQLite database")
	}
	path := filepath.Join(*data, "inappd.db")
	if err := os.MkdirAll(*to, 0o755); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// The generated root key too, when there is one: a copy of the
	// data directory starts with the same credentials.
	key, err := os.ReadFile(filepath.Join(*data, rootKeyFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	if err := sqlite.Backup(ctx, path, *to); err != nil {
		return err
	}
	if key != nil {
		if err := os.WriteFile(filepath.Join(*to, rootKeyFile), key, 0o600); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	fmt.Fprintf(stdout, "copied %s and %s into %s\n", path, sqlite.EventsPath(path), *to)
	return nil
}

// ParseFlags reads the serve flags; every flag can also be set with an
// INAPPD_* environment variable (--addr ↔ INAPPD_ADDR), flags winning.
func (m *Main) ParseFlags(args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("inappd serve", flag.ContinueOnError)
	fs.StringVar(&m.Config.Addr, "addr", "127.0.0.1:8080", "address to listen on (INAPPD_ADDR)")
	fs.StringVar(&m.Config.DataDir, "data", defaultDataDir, "directory of the embedded database and the generated root key (INAPPD_DATA)")
	cors := fs.String("cors-origins", "", "comma-separated browser origins allowed to call the API, or * (INAPPD_CORS_ORIGINS)")
	fs.StringVar(&m.Config.LogLevel, "log-level", "info", "debug, info, warn or error (INAPPD_LOG_LEVEL)")
	fs.StringVar(&m.Config.Postgres, "postgres", "", "PostgreSQL DSN (postgres://user:password@host:5432/db): keep all state there instead of the embedded SQLite in --data (INAPPD_POSTGRES)")
	fs.StringVar(&m.Config.ImportDir, "import-dir", "", "directory import jobs may read file:// sources from (S3Url file:///dir/file.csv); file:// is refused when empty (INAPPD_IMPORT_DIR)")
	fs.StringVar(&m.Config.StreamDir, "stream-dir", "", "directory event streams may write file:// destinations under (DestinationStreamArn file:///dir/events.jsonl); file:// is refused when empty (INAPPD_STREAM_DIR)")
	fs.StringVar(&m.Config.PprofAddr, "pprof", "", "serve net/http/pprof on this separate address, e.g. 127.0.0.1:6060; off when empty (INAPPD_PPROF)")
	fs.IntVar(&m.Config.EventQueue, "event-queue", ingest.DefaultQueueSize, "PutEvents events that may wait for the writer; beyond them PutEvents answers 429 (INAPPD_EVENT_QUEUE)")
	fs.Var(retention.Flag{D: &m.Config.Retention}, "retention", "how long events and analytics are kept: days (90d), a duration (2160h), or 0 to keep them forever (INAPPD_RETENTION)")
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		env := "INAPPD_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(env); v != "" {
			if err := f.Value.Set(v); err != nil && envErr == nil {
				envErr = fmt.Errorf("%s: %w", env, err)
			}
		}
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if envErr != nil {
		return envErr
	}
	if m.Config.EventQueue < pinpointapi.MaxEventsPerRequest {
		return fmt.Errorf("--event-queue %d: the queue must hold at least one full PutEvents request (%d events)", m.Config.EventQueue, pinpointapi.MaxEventsPerRequest)
	}
	if *cors != "" {
		for _, o := range strings.Split(*cors, ",") {
			if o = strings.TrimSpace(o); o != "" {
				m.Config.CORSOrigins = append(m.Config.CORSOrigins, o)
			}
		}
	}
	m.Config.RootAccessKeyID = getenv("INAPPD_ROOT_ACCESS_KEY_ID")
	m.Config.RootSecretAccessKey = getenv("INAPPD_ROOT_SECRET_ACCESS_KEY")
	if (m.Config.RootAccessKeyID == "") != (m.Config.RootSecretAccessKey == "") {
		return errors.New("set both INAPPD_ROOT_ACCESS_KEY_ID and INAPPD_ROOT_SECRET_ACCESS_KEY, or neither")
	}
	return nil
}
