package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/console"
	"github.com/inappd/inappd/delivery"
	"github.com/inappd/inappd/imports"
	"github.com/inappd/inappd/ingest"
	"github.com/inappd/inappd/lease"
	"github.com/inappd/inappd/pinpointapi"
	"github.com/inappd/inappd/postgres"
	"github.com/inappd/inappd/retention"
	"github.com/inappd/inappd/sigv4"
	"github.com/inappd/inappd/sqlite"
	"github.com/inappd/inappd/streams"
)

// Config is what an operator sets.
type Config struct {
	Addr                string
	DataDir             string
	CORSOrigins         []string
	LogLevel            string
	RootAccessKeyID     string
	RootSecretAccessKey string
	// Postgres, when set, is the DSN of the PostgreSQL database that holds
	// all state instead of the embedded SQLite (several nodes may share it).
	Postgres string
	// PprofAddr, when set, serves net/http/pprof on a listener of its own
	// (never on the API address): for profiling, off by default.
	PprofAddr string
	// ImportDir is the directory import jobs may read file:// sources
	// from; "" refuses file:// sources.
	ImportDir string
	// StreamDir is the directory event streams may write file://
	// destinations under; "" refuses file:// destinations.
	StreamDir string
	// Retention is how long events and analytics days are kept (package
	// retention); 0 keeps them forever.
	Retention time.Duration
	// EventQueue is how many PutEvents events may wait for the writer;
	// beyond it PutEvents answers 429 (package ingest).
	EventQueue int
}

// Main wires the parts together; tests start the same Main on port 0.
type Main struct {
	Config Config
	Logger *slog.Logger
	Stdout io.Writer
	Clock  inapp.Clock

	// Set by Run.
	RootKey  *inapp.AccessKey
	Store    inapp.Store
	listener net.Listener
	server   *http.Server
	pprof    *http.Server
	events   *ingest.Writer
	imports  *imports.Runner
	streams  *streams.Manager
	janitor  *retention.Janitor
	cluster  cluster // several nodes on one database (cluster.go)
}

func NewMain() *Main {
	return &Main{
		Config: Config{Addr: "127.0.0.1:8080", DataDir: defaultDataDir, Retention: retention.DefaultRetention, EventQueue: ingest.DefaultQueueSize},
		Logger: slog.Default(),
		Stdout: os.Stdout,
		Clock:  inapp.SystemClock{},
	}
}

// URL is the base URL the server listens on.
func (m *Main) URL() string { return "http://" + m.listener.Addr().String() }

// Run opens the database, makes sure a root key exists, and starts serving;
// it returns once the server accepts connections.
func (m *Main) Run(ctx context.Context) (err error) {
	if err := os.MkdirAll(m.Config.DataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	// Close undoes whatever part of the start-up succeeded.
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	if m.Store, err = m.openStore(ctx); err != nil {
		return err
	}
	if err := m.ensureRootKey(ctx); err != nil {
		return err
	}
	m.events = ingest.New(m.Store, ingest.Options{QueueSize: m.Config.EventQueue, Logger: m.Logger})
	m.events.Start(context.WithoutCancel(ctx))
	deliver := delivery.New(m.Store, m.Clock, m.Logger)
	if err := m.startFeed(ctx, m.Store, deliver); err != nil {
		return err
	}
	api := &pinpointapi.Server{
		Store:       m.Store,
		Auth:        &sigv4.Verifier{Keys: m.Store, Clock: m.Clock},
		Delivery:    deliver,
		Events:      eventSink{m.events},
		Clock:       m.Clock,
		Logger:      m.Logger,
		CORSOrigins: m.Config.CORSOrigins,
	}
	if err := m.startImports(ctx, m.Store, deliver, api); err != nil {
		return err
	}
	if err := m.startStreams(ctx, m.Store, api); err != nil {
		return err
	}
	m.startRetention(ctx, m.Store)
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.listener = ln
	// The web console (/console/) in front of the API; see package console.
	m.server = &http.Server{Handler: console.Mount(api.Handler()), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := m.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("server stopped", "error", err)
		}
	}()
	m.Logger.Info("inappd serving", "url", m.URL(), "console", m.URL()+console.Prefix, "data", m.Config.DataDir, "version", inapp.Version)
	if m.Config.PprofAddr != "" {
		return m.servePprof()
	}
	return nil
}

// openStore opens PostgreSQL when --postgres is set, else the embedded
// SQLite database in the data directory. Either holds all of the state;
// clients see no difference.
func (m *Main) openStore(ctx context.Context) (inapp.Store, error) {
	if dsn := m.Config.Postgres; dsn != "" {
		store, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL %s: %w", postgres.Describe(dsn), err)
		}
		store.SetLogger(m.Logger)
		m.Logger.Info("storage: PostgreSQL", "database", postgres.Describe(dsn), "pool", store.Stat().MaxConns())
		return store, nil
	}
	dbPath := filepath.Join(m.Config.DataDir, "inappd.db")
	store, err := sqlite.OpenWith(ctx, dbPath, sqlite.Options{Logger: m.Logger})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbPath, err)
	}
	m.Logger.Info("storage: SQLite", "path", dbPath, "events", sqlite.EventsPath(dbPath))
	return store, nil
}

// startImports starts the import job runner, which resumes the jobs that
// were running when inappd stopped. Downloads and uploads are kept in
// <data>/imports while their job runs.
func (m *Main) startImports(ctx context.Context, store inapp.Store, deliver *delivery.Engine, api *pinpointapi.Server) error {
	is, ok := store.(imports.Store)
	if !ok {
		m.Logger.Warn("import jobs are off: the storage keeps no import jobs")
		return nil
	}
	m.imports = &imports.Runner{
		Store:      is,
		Dir:        filepath.Join(m.Config.DataDir, "imports"),
		ImportDir:  m.Config.ImportDir,
		Clock:      m.Clock,
		Logger:     m.Logger,
		Invalidate: deliver.Invalidate,
	}
	m.shareImports(store) // several nodes: one runs each job (cluster.go)
	if err := m.imports.Start(ctx); err != nil {
		return err
	}
	api.Imports = m.imports
	return nil
}

// startStreams starts delivering every app's event stream (package
// streams). With several nodes, each stream is delivered by the node that
// holds its lease.
func (m *Main) startStreams(ctx context.Context, store inapp.Store, api *pinpointapi.Server) error {
	m.streams = &streams.Manager{
		Store:        store,
		Destinations: &streams.Destinations{StreamDir: m.Config.StreamDir, Logger: m.Logger},
		Logger:       m.Logger,
	}
	if ls, ok := store.(inapp.LeaseStore); ok {
		if m.cluster.holder == "" {
			m.cluster.holder = lease.Holder()
		}
		m.streams.Leases, m.streams.Holder, m.streams.LeaseTTL = ls, m.cluster.holder, m.cluster.leaseTTL
	}
	if err := m.streams.Start(ctx); err != nil {
		return err
	}
	api.Streams = m.streams
	return nil
}

// startRetention starts the janitor that deletes what is older than the
// retention (package retention). With several nodes, one at a time runs
// it, under its lease.
func (m *Main) startRetention(ctx context.Context, store inapp.Store) {
	m.janitor = &retention.Janitor{
		Store:     store,
		Retention: m.Config.Retention,
		Clock:     m.Clock,
		Logger:    m.Logger,
	}
	if ls, ok := store.(inapp.LeaseStore); ok {
		if m.cluster.holder == "" {
			m.cluster.holder = lease.Holder()
		}
		m.janitor.Leases, m.janitor.Holder, m.janitor.LeaseTTL = ls, m.cluster.holder, m.cluster.leaseTTL
	}
	m.janitor.Start(ctx)
	kept := "forever"
	if m.Config.Retention > 0 {
		kept = retention.FormatDuration(m.Config.Retention)
	}
	m.Logger.Info("retention: old rows are deleted every hour", "events_and_analytics", kept, "cap_counter_days", retention.CounterDays)
}

// servePprof serves the runtime profiles on their own listener, so that
// they are never reachable through the API address.
func (m *Main) servePprof() error {
	ln, err := net.Listen("tcp", m.Config.PprofAddr)
	if err != nil {
		return fmt.Errorf("pprof: listen on %s: %w", m.Config.PprofAddr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	m.pprof = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go m.pprof.Serve(ln)
	m.Logger.Warn("pprof serving: do not expose this address", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return nil
}

// Close stops accepting requests, lets those in flight finish, flushes the
// event writer and closes the database.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var errs []error
	if m.server != nil {
		errs = append(errs, m.server.Shutdown(ctx))
	}
	if m.pprof != nil {
		errs = append(errs, m.pprof.Close())
	}
	if m.imports != nil {
		// A running job stops between pieces and resumes at the next start.
		errs = append(errs, m.imports.Close())
	}
	if m.streams != nil {
		// Batches not yet acknowledged are sent after the next start.
		errs = append(errs, m.streams.Close())
	}
	if m.janitor != nil {
		// A batch cut short is rolled back; the next pass goes on.
		errs = append(errs, m.janitor.Close())
	}
	if m.events != nil {
		errs = append(errs, m.events.Close(ctx))
	}
	m.cluster.stop()
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
	}
	return errors.Join(errs...)
}

// rootKeyFile holds a generated root key, readable by its owner only.
const rootKeyFile = "root-key.json"

// ensureRootKey installs the root key: from the environment when set, else
// the one generated on first start (stored 0600 in the data directory and
// printed once).
func (m *Main) ensureRootKey(ctx context.Context) error {
	now := inapp.FormatTime(m.Clock.Now())
	if m.Config.RootAccessKeyID != "" {
		k := &inapp.AccessKey{ID: m.Config.RootAccessKeyID, Secret: m.Config.RootSecretAccessKey, Description: "root key from the environment", CreationDate: now}
		return m.installRootKey(ctx, k)
	}
	path := filepath.Join(m.Config.DataDir, rootKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		var k inapp.AccessKey
		if err := json.Unmarshal(b, &k); err != nil || k.ID == "" || k.Secret == "" {
			return fmt.Errorf("%s is damaged (%v): delete it to generate a new root key, or set INAPPD_ROOT_ACCESS_KEY_ID and INAPPD_ROOT_SECRET_ACCESS_KEY", path, err)
		}
		return m.installRootKey(ctx, &k)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	k := pinpointapi.NewAccessKey("", "root key generated on first start", now)
	b, _ := json.MarshalIndent(k, "", "  ")
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("store the generated root key: %w", err)
	}
	if err := m.installRootKey(ctx, k); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, `
No root credentials were given, so inappd generated a root key (shown once; also in %s):

  AWS_ACCESS_KEY_ID=%s
  AWS_SECRET_ACCESS_KEY=%s

`, path, k.ID, k.Secret)
	return nil
}

// installRootKey stores k as a root key, replacing a stored key of the same
// ID (an operator may rotate the secret through the environment).
//
// Nodes that share a database and start together race here: each finds no
// key, and all but one find the key taken when they store it. A node that
// loses the race reads the key again and carries on if it is the same.
func (m *Main) installRootKey(ctx context.Context, k *inapp.AccessKey) error {
	k.AppID = ""
	for attempt := 1; ; attempt++ {
		err := m.putRootKey(ctx, k)
		if inapp.ErrorCode(err) != inapp.ECONFLICT || attempt == 3 {
			return err
		}
	}
}

func (m *Main) putRootKey(ctx context.Context, k *inapp.AccessKey) error {
	if old, err := m.Store.GetKey(ctx, k.ID); err == nil {
		if old.Secret == k.Secret && old.AppID == "" {
			m.RootKey = old
			return nil
		}
		if err := m.Store.DeleteKey(ctx, k.ID); err != nil && inapp.ErrorCode(err) != inapp.ENOTFOUND {
			return err
		}
	} else if inapp.ErrorCode(err) != inapp.ENOTFOUND {
		return err
	}
	if err := m.Store.CreateKey(ctx, k); err != nil {
		if inapp.ErrorCode(err) == inapp.ECONFLICT {
			return err // another node stored it meanwhile: look again
		}
		return fmt.Errorf("store the root key: %w", err)
	}
	m.RootKey = k
	return nil
}

// eventSink is the ingest writer as the API's pinpointapi.EventSink.
type eventSink struct{ w *ingest.Writer }

func (s eventSink) Reserve(n int) (pinpointapi.EventRoom, error) {
	r, err := s.w.Reserve(n)
	if err != nil {
		return nil, err // not a nil *Reservation in an interface
	}
	return r, nil
}
