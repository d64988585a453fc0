// Command inappd-bench measures inappd's hot paths end to end, over real
// signed HTTP, against a bare net/http handler measured in the same run.
//
//	go run ./cmd/inappd-bench                       # 1,000,000 endpoints, 1,000 campaigns
//	go run ./cmd/inappd-bench --endpoints 100000 --duration 10s --json out.json
//
// It builds and starts the server (or takes --server-bin, or --url for a
// running server), seeds one app through the API (UpdateEndpointsBatch,
// CreateSegment, CreateCampaign), then measures GetInAppMessages at full
// and at half load, the visibility of admin writes, PutEvents (and checks
// that every acknowledged event was stored), the bare handler, and the
// server's memory. See BENCHMARKS.md for what each figure means.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if child, err := baselineChild(); child {
		if err != nil {
			fmt.Fprintln(os.Stderr, "inappd-bench baseline:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "inappd-bench:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	Endpoints        int           `json:"endpoints"`
	Campaigns        int           `json:"campaigns"`
	Duration         time.Duration `json:"-"`
	DurationS        float64       `json:"duration_s"`
	Warmup           time.Duration `json:"-"`
	Concurrency      int           `json:"concurrency"`
	EventConcurrency int           `json:"event_concurrency"`
	OverloadWorkers  int           `json:"overload_concurrency"`
	SeedConcurrency  int           `json:"seed_concurrency"`
	EventBatch       int           `json:"event_batch"`
	EventEndpoints   int           `json:"event_endpoints_per_request"`
	Trials           int           `json:"visibility_trials"`
	Seed             uint64        `json:"seed"`
	ServerBin        string        `json:"-"`
	URL              string        `json:"url,omitempty"`
	ServerPID        int           `json:"-"`
	JSONPath         string        `json:"-"`
	ProfileDir       string        `json:"-"`
	Keep             bool          `json:"-"`
	NoBaseline       bool          `json:"-"`
	Rounds           int           `json:"rounds"`
	ServerArgs       []string      `json:"server_args,omitempty"`
	// Postgres is the PostgreSQL server to run on (the bench creates a
	// database of its own there); "" runs on the embedded SQLite.
	Postgres string `json:"-"`
	Storage  string `json:"storage"` // "sqlite" or "postgres"
	Nodes    int    `json:"nodes"`
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("inappd-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.Endpoints, "endpoints", 1_000_000, "IN_APP endpoints to seed")
	fs.IntVar(&c.Campaigns, "campaigns", 1_000, "live in-app campaigns to seed, each with its own segment")
	fs.DurationVar(&c.Duration, "duration", 20*time.Second, "length of each load scenario")
	fs.DurationVar(&c.Warmup, "warmup", 2*time.Second, "GetInAppMessages warm-up before the first scenario (not measured)")
	fs.IntVar(&c.Concurrency, "concurrency", 64, "load workers (one keep-alive connection each)")
	fs.IntVar(&c.SeedConcurrency, "seed-concurrency", 8, "concurrent requests while seeding")
	// Devices send their events in parallel, and the group commit batches
	// whatever is in flight: 64 workers of 100 events would cap every
	// transaction at 6,400 events, a limit of the load generator, not of
	// the server.
	fs.IntVar(&c.EventConcurrency, "event-concurrency", 256, "PutEvents load workers (one keep-alive connection each)")
	// Over capacity: more events in flight than the server's queue
	// (40,000 by default) and a transaction (20,000) hold, so that the
	// queue fills and PutEvents must answer 429.
	fs.IntVar(&c.OverloadWorkers, "overload-concurrency", 1024, "PutEvents workers of the over-capacity scenario, which checks that a full queue answers 429 and loses nothing it acknowledged (0 skips it)")
	fs.IntVar(&c.EventBatch, "event-batch", 100, "events per PutEvents request")
	fs.IntVar(&c.EventEndpoints, "event-endpoints", 10, "endpoints per PutEvents request (the events are shared among them)")
	fs.IntVar(&c.Trials, "visibility-trials", 5, "campaigns paused and resumed for the admin-write visibility figure (idle, and again under load)")
	fs.Uint64Var(&c.Seed, "seed", 1, "seed of the generated data set")
	fs.StringVar(&c.ServerBin, "server-bin", "", "inappd binary to run (default: go build ./cmd/inappd from this module)")
	fs.StringVar(&c.URL, "url", "", "benchmark a running server instead (root key from INAPPD_ROOT_ACCESS_KEY_ID / INAPPD_ROOT_SECRET_ACCESS_KEY)")
	fs.IntVar(&c.ServerPID, "server-pid", 0, "with --url: the server's process ID, for its memory and CPU")
	fs.StringVar(&c.JSONPath, "json", "", "also write the figures to this file as JSON")
	fs.StringVar(&c.ProfileDir, "profile", "", "start the server with --pprof and save CPU and allocation profiles of the GetInAppMessages, PutEvents and over-capacity scenarios here")
	fs.BoolVar(&c.Keep, "keep", false, "keep the temporary directory (data, logs, binary)")
	fs.BoolVar(&c.NoBaseline, "no-baseline", false, "skip the bare-handler baseline")
	fs.Func("server-arg", "extra argument for `inappd serve` (repeatable), e.g. --server-arg=--log-level=warn", func(v string) error {
		c.ServerArgs = append(c.ServerArgs, v)
		return nil
	})
	fs.StringVar(&c.Postgres, "postgres", "", "run the server on this PostgreSQL (a postgres:// URL or key=value DSN); the bench creates a throwaway database there (dropped after unless --keep)")
	fs.IntVar(&c.Nodes, "nodes", 1, "inappd nodes to start on the one database (more than 1 needs --postgres); the load goes round-robin over them, one node per worker connection")
	fs.IntVar(&c.Rounds, "rounds", 4, "split each scenario into this many rounds, taking turns with the bare handler (no round under 1 s)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case c.Endpoints < 1:
		return nil, errors.New("--endpoints must be at least 1")
	case c.Campaigns < 1:
		return nil, errors.New("--campaigns must be at least 1")
	case c.Concurrency < 1 || c.SeedConcurrency < 1 || c.EventConcurrency < 1:
		return nil, errors.New("--concurrency, --seed-concurrency and --event-concurrency must be at least 1")
	case c.OverloadWorkers < 0:
		return nil, errors.New("--overload-concurrency must be 0 (skip) or more")
	case c.EventBatch < 1 || c.EventBatch > 100:
		return nil, errors.New("--event-batch must be from 1 to 100 (PutEvents' limit)")
	case c.Duration < 100*time.Millisecond:
		return nil, errors.New("--duration must be at least 100ms")
	case c.ProfileDir != "" && c.URL != "":
		return nil, errors.New("--profile needs a server the bench starts (not --url)")
	case len(c.ServerArgs) > 0 && c.URL != "":
		return nil, errors.New("--server-arg needs a server the bench starts (not --url)")
	case c.Nodes < 1:
		return nil, errors.New("--nodes must be at least 1")
	case c.Nodes > 1 && c.Postgres == "":
		return nil, errors.New("--nodes above 1 needs --postgres: nodes share one PostgreSQL database")
	case (c.Postgres != "" || c.Nodes > 1) && c.URL != "":
		return nil, errors.New("--postgres and --nodes need servers the bench starts (not --url)")
	case c.Nodes > 1 && c.ProfileDir != "":
		return nil, errors.New("--profile profiles one server: use it with --nodes 1")
	}
	c.Storage = "sqlite"
	if c.Postgres != "" {
		c.Storage = "postgres"
	}
	c.DurationS = c.Duration.Seconds()
	return c, nil
}

// bench is one run.
type bench struct {
	cfg    *config
	out    io.Writer
	tmp    string
	base   string
	server *process
	pid    int // the server's, 0 when unknown
	data   string
	pprof  string

	// With --nodes: every node (servers[0] is server), their base URLs
	// (bases[0] is base) and process IDs. pgDSN is the bench's database
	// with --postgres, dropped by pgDrop.
	servers []*process
	bases   []string
	pids    []int
	pgDSN   string
	pgDrop  func()

	root, device *api
	// writer is a device API on the node the admin writes go to (the
	// first); device is on the last node.
	writer      *api
	deviceKey   key
	appID       string
	ds          *dataset
	campaignIDs []string
	probeID     string
	rng         *rand.Rand
	load        *loop

	rep *report

	// The bare handler, while it runs.
	bare     *process
	bareBase string
	basePID  int
	bareGIAM doer
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.out, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	b := &bench{cfg: cfg, out: stdout, rng: rand.New(rand.NewPCG(cfg.Seed, uint64(time.Now().UnixNano())))}
	b.rep = newReport(cfg)
	b.tmp, err = os.MkdirTemp("", "inappd-bench-")
	if err != nil {
		return err
	}
	defer func() {
		if cfg.Keep {
			b.logf("kept %s", b.tmp)
			return
		}
		os.RemoveAll(b.tmp)
	}()
	defer b.stopServer()
	if err := b.startServer(ctx); err != nil {
		return err
	}
	if err := b.scenarios(ctx); err != nil {
		if b.server != nil && !b.server.exited() {
			return err
		}
		if b.server != nil {
			return fmt.Errorf("%w\nthe server exited (%v); its log:\n%s", err, b.server.waitErr, b.server.tail(30))
		}
		return err
	}
	b.rep.print(b.out)
	if cfg.ProfileDir != "" {
		fmt.Fprintf(b.out, "\nProfiles in %s; read them with e.g.\n  go tool pprof -top -nodecount=30 %s\n  go tool pprof -top -sample_index=alloc_space -nodecount=30 %s\n",
			cfg.ProfileDir, filepath.Join(cfg.ProfileDir, "giam-cpu.pprof"), filepath.Join(cfg.ProfileDir, "giam-allocs.pprof"))
	}
	if cfg.JSONPath != "" {
		if err := b.rep.writeJSON(cfg.JSONPath); err != nil {
			return err
		}
		b.logf("figures written to %s", cfg.JSONPath)
	}
	if !b.rep.Verification.OK {
		return fmt.Errorf("event check failed: %s", strings.Join(b.rep.Verification.Problems, "; "))
	}
	return nil
}

// startServer starts (or finds) the server under test and its root key.
func (b *bench) startServer(ctx context.Context) error {
	cfg := b.cfg
	var rootKey key
	if cfg.URL != "" {
		b.base = strings.TrimRight(cfg.URL, "/")
		rootKey = key{ID: os.Getenv("INAPPD_ROOT_ACCESS_KEY_ID"), Secret: os.Getenv("INAPPD_ROOT_SECRET_ACCESS_KEY")}
		if rootKey.ID == "" || rootKey.Secret == "" {
			return errors.New("--url needs the server's root key in INAPPD_ROOT_ACCESS_KEY_ID and INAPPD_ROOT_SECRET_ACCESS_KEY")
		}
		b.pid = cfg.ServerPID
		if err := waitHealthy(ctx, b.base, nil, 10*time.Second); err != nil {
			return err
		}
		b.logf("benchmarking the server at %s", b.base)
	} else {
		bin := cfg.ServerBin
		if bin == "" {
			b.logf("building the server (go build ./cmd/inappd)")
			t := time.Now()
			var err error
			if bin, err = buildServer(ctx, b.tmp); err != nil {
				return err
			}
			b.logf("built in %.1fs", time.Since(t).Seconds())
		}
		if cfg.Postgres != "" {
			if err := b.createDatabase(ctx); err != nil {
				return err
			}
		}
		rootKey = randomKey()
		// Every node: the same root key and database, a data directory
		// and an address of its own.
		for i := range cfg.Nodes {
			addr, err := freeAddr()
			if err != nil {
				return err
			}
			data, logPath := filepath.Join(b.tmp, "data"), filepath.Join(b.tmp, "inappd.log")
			if i > 0 {
				data, logPath = filepath.Join(b.tmp, fmt.Sprintf("data-%d", i)), filepath.Join(b.tmp, fmt.Sprintf("inappd-%d.log", i))
			}
			args := append([]string{"serve", "--addr", addr, "--data", data}, cfg.ServerArgs...)
			if b.pgDSN != "" {
				args = append(args, "--postgres", b.pgDSN)
			}
			if cfg.ProfileDir != "" {
				if b.pprof, err = freeAddr(); err != nil {
					return err
				}
				args = append(args, "--pprof", b.pprof)
				if err := os.MkdirAll(cfg.ProfileDir, 0o755); err != nil {
					return err
				}
			}
			env := append(envWithout("INAPPD_"), "INAPPD_ROOT_ACCESS_KEY_ID="+rootKey.ID, "INAPPD_ROOT_SECRET_ACCESS_KEY="+rootKey.Secret)
			p, err := startProcess("inappd", bin, args, env, logPath)
			if err != nil {
				return err
			}
			b.servers = append(b.servers, p)
			b.pids = append(b.pids, p.pid())
			b.bases = append(b.bases, "http://"+addr)
			if i == 0 {
				b.server, b.pid, b.base, b.data = p, p.pid(), "http://"+addr, data
			}
		}
		for i, p := range b.servers {
			if err := waitHealthy(ctx, b.bases[i], p, 60*time.Second); err != nil {
				return err
			}
			b.logf("server pid %d at %s, data in %s, log in %s", p.pid(), b.bases[i], filepath.Dir(p.logPath), p.logPath)
		}
		if b.pgDSN != "" {
			b.logf("storage: PostgreSQL database %s, %d node(s)", describeDSN(b.pgDSN), cfg.Nodes)
		}
	}
	if len(b.bases) == 0 {
		b.bases, b.pids = []string{b.base}, []int{b.pid}
	}
	admin := &http.Client{Transport: newTransport(4 * cfg.SeedConcurrency), Timeout: 60 * time.Second}
	b.root = newAPI(b.base, admin, rootKey)
	return nil
}

func (b *bench) stopServer() {
	for _, p := range b.servers {
		p.stop()
	}
	if b.pgDrop != nil {
		b.pgDrop()
	}
}

// scenarios runs everything in order.
func (b *bench) scenarios(ctx context.Context) error {
	cfg := b.cfg
	if err := b.seed(ctx); err != nil {
		return err
	}
	b.rep.Memory.AfterSeed = b.mem()
	if b.pgDSN != "" {
		b.rep.Seed.DataBytes = b.databaseSize(ctx)
	} else if b.data != "" {
		b.rep.Seed.DataBytes = dirSize(b.data)
	}
	b.load = &loop{
		client:    &http.Client{Transport: newTransport(max(cfg.Concurrency, cfg.EventConcurrency, cfg.OverloadWorkers)), Timeout: 60 * time.Second},
		key:       b.deviceKey,
		seed:      cfg.Seed,
		fullUnits: 10,
	}
	giamDo := giam(b.bases, b.appID, cfg.Endpoints)
	b.logf("first GetInAppMessages (builds the snapshot of %d campaigns): %.1f ms", cfg.Campaigns+1, b.rep.SnapshotColdMS)
	if cfg.Warmup > 0 {
		b.load.closed("warmup", cfg.Concurrency, cfg.Warmup, giamDo, b.pids...)
	}
	b.rep.Memory.AfterWarmup = b.mem()
	defer b.stopBaseline()

	// Each measured scenario runs in rounds, taking turns with the same
	// scenario against the bare handler, so that both see the same noise
	// of a shared machine.
	rounds := b.rounds()
	slice := cfg.Duration / time.Duration(rounds)
	withBase := !cfg.NoBaseline

	// (a) GetInAppMessages, closed loop, and the bare handler's GET.
	b.logf("GetInAppMessages: %d workers for %s (%d rounds, in turns with the bare handler)", cfg.Concurrency, cfg.Duration, rounds)
	stopProf := b.profile("giam", rounds, slice, withBase)
	var as, bs []*loadResult
	for r := 0; r < rounds; r++ {
		as = append(as, b.load.closed("GetInAppMessages", cfg.Concurrency, slice, giamDo, b.pids...))
		b.logf("  inappd round %d: %s", r+1, as[r].line())
		if as[r].OK == 0 {
			stopProf()
			return fmt.Errorf("GetInAppMessages: no successful request (%v)", as[r].Statuses)
		}
		if !withBase {
			continue
		}
		if r == 0 {
			if err := b.startBaseline(ctx, int(as[0].MeanBytes+0.5)); err != nil {
				stopProf()
				return fmt.Errorf("baseline: %w", err)
			}
		}
		bs = append(bs, b.load.closed("bare GET", cfg.Concurrency, slice, b.bareGIAM, b.basePID))
		b.logf("  bare   round %d: %s", r+1, bs[r].line())
	}
	stopProf()
	a := combine(as...)
	b.rep.GIAM, b.rep.BaseGIAM = a, combine(bs...)
	b.logf("  inappd: %s", a.line())
	if withBase {
		b.logf("  bare:   %s", b.rep.BaseGIAM.line())
	}

	// (b) Half of that rate, open loop; the bare handler at the same rate.
	half := a.RPS / 2
	b.logf("GetInAppMessages at half load: %.0f requests/s on a fixed schedule, for %s", half, cfg.Duration)
	as, bs = nil, nil
	for r := 0; r < rounds; r++ {
		as = append(as, b.load.open(ctx, "GetInAppMessages half load", half, cfg.Concurrency, slice, giamDo, b.pids...))
		b.logf("  inappd round %d: %s", r+1, as[r].line())
		if withBase {
			bs = append(bs, b.load.open(ctx, "bare GET half load", half, cfg.Concurrency, slice, b.bareGIAM, b.basePID))
			b.logf("  bare   round %d: %s", r+1, bs[r].line())
		}
	}
	hb := combine(as...)
	b.rep.GIAMHalf, b.rep.BaseGIAMHalf = hb, combine(bs...)
	b.logf("  inappd: %s", hb.line())
	if withBase {
		b.logf("  bare:   %s", b.rep.BaseGIAMHalf.line())
	}

	// (d) Admin-write visibility, idle and under load.
	if cfg.Trials > 0 {
		b.logf("admin-write visibility: %d campaigns paused and resumed, idle", cfg.Trials)
		// The profile of this phase is mostly snapshot rebuilds.
		stopProf := b.profileFor("admin", 3*time.Second)
		idle, err := b.visibility(ctx, cfg.Trials, 0)
		stopProf()
		if err != nil {
			return fmt.Errorf("visibility: %w", err)
		}
		b.rep.VisibilityIdle = summarizeTrials(idle)
		b.logf("  %s", b.rep.VisibilityIdle.line())
		b.logf("admin-write visibility under GetInAppMessages load (%.0f requests/s)", half)
		loaded, bg, err := b.visibilityUnder(ctx, 500*time.Millisecond, 0, func(lctx context.Context) *loadResult {
			return b.load.open(lctx, "GetInAppMessages during admin writes", half, cfg.Concurrency, 10*time.Minute, giamDo, 0)
		})
		if err != nil {
			return fmt.Errorf("visibility under load: %w", err)
		}
		b.rep.VisibilityLoaded, b.rep.GIAMDuringWrites = loaded, bg
		b.logf("  %s", loaded.line())
		b.logf("  readers meanwhile: %s", bg.line())
	}

	// (c) PutEvents, and the bare handler's POST.
	ev := newEventLoad(b.base, b.appID, b.ds, b.campaignIDs, b.probeID, cfg.EventBatch, cfg.EventEndpoints)
	b.logf("PutEvents: %d workers, %d events per request over %d endpoints, for %s (%d rounds)", cfg.EventConcurrency, cfg.EventBatch, ev.endpoints, cfg.Duration, rounds)
	stopProf = b.profile("events", rounds, slice, withBase)
	as, bs = nil, nil
	for r := 0; r < rounds; r++ {
		as = append(as, b.load.closed("PutEvents", cfg.EventConcurrency, slice, ev.doer(b.bases, true), b.pids...))
		b.logf("  inappd round %d: %s", r+1, as[r].line())
		if withBase {
			if r == 0 {
				if err := b.baselineAnswers(ev); err != nil {
					stopProf()
					return fmt.Errorf("baseline: %w", err)
				}
			}
			bs = append(bs, b.load.closed("bare POST", cfg.EventConcurrency, slice, ev.doer([]string{b.bareBase}, false), b.basePID))
			b.logf("  bare   round %d: %s", r+1, bs[r].line())
		}
	}
	stopProf()
	c := combine(as...)
	c.Extra = map[string]any{"throttled_429": ev.throttled.Load(), "event_batch": cfg.EventBatch}
	b.rep.Events, b.rep.BaseEvents = c, combine(bs...)
	b.logf("  inappd: %s", c.line())
	if withBase {
		b.logf("  bare:   %s", b.rep.BaseEvents.line())
	}
	b.stopBaseline()
	if cfg.Trials > 0 {
		if err := b.visibilityUnderEvents(ctx, ev); err != nil {
			return err
		}
	}
	if cfg.OverloadWorkers > 0 {
		b.overload(ev, slice)
	}
	b.rep.Memory.AfterLoad = b.mem()

	// Was every acknowledged event stored?
	v := &b.rep.Verification
	v.Acked, v.DisplayedAcked = ev.acked.Load(), ev.displayed.Load()
	v.Throttled, v.Ambiguous, v.Partial, v.Refused = ev.throttled.Load(), ev.ambiguous.Load(), ev.partial.Load(), ev.refused.Load()
	b.logf("checking the events: %d acknowledged (%d displays); re-sending %d acknowledged requests, then counting through the caps of %d probe endpoints", v.Acked, v.DisplayedAcked, len(ev.resends), b.ds.probes)
	b.resend(ctx, ev, v)
	if err := b.checkProbes(ctx, ev, v); err != nil {
		return fmt.Errorf("probe check: %w", err)
	}
	b.logf("  probes: %d endpoints, %d displays checked in %d cap moves: %d missing, %d counted twice, %d skipped (unknown fate)",
		v.ProbeEndpoints, v.ProbeDisplays, v.CapWrites, v.ProbeLost, v.ProbeDoubled, v.ProbeSkipped)

	// The storage check, after a crash.
	if b.server != nil {
		b.rep.Memory.Final = b.mem()
		b.logf("killing the server (SIGKILL) and counting the stored events in its database")
		for _, p := range b.servers {
			p.kill()
		}
		if b.pgDSN != "" {
			checkPostgres(ctx, b.pgDSN, b.appID, ev, v)
		} else {
			checkStore(ctx, b.data, b.appID, ev, v)
		}
		if v.StoreChecked {
			b.logf("  storage: %d events (acknowledged %d), %d displays counted (acknowledged %d)", v.StoredEvents, v.Acked, v.StoredDisplays, v.DisplayedAcked)
		} else {
			b.logf("  storage not checked: %s", v.StoreNote)
		}
	} else {
		v.StoreNote = "the bench did not start the server (--url): storage not read"
	}
	if v.Acked == 0 {
		v.problem("no event was acknowledged")
	}
	v.OK = len(v.Problems) == 0
	return nil
}

// visibilityUnderEvents runs the admin-write trials while PutEvents keeps
// the event writer busy. Admin writes have a writer of their own (on
// SQLite, another file's): what this shows is what they still share with
// the events, the CPU and the disk.
func (b *bench) visibilityUnderEvents(ctx context.Context, ev *eventLoad) error {
	cfg := b.cfg
	b.logf("admin-write visibility under PutEvents load (%d workers)", cfg.EventConcurrency)
	// A second first, for the transactions to grow. The writes come
	// 0.5-0.75 s apart, as an admin's do, at a different point of an
	// event transaction each time.
	trials, load, err := b.visibilityUnder(ctx, time.Second, 500*time.Millisecond, func(lctx context.Context) *loadResult {
		return b.load.closedUntil(lctx, "PutEvents during admin writes", cfg.EventConcurrency, ev.doer(b.bases, true), b.pids...)
	})
	if err != nil {
		return fmt.Errorf("visibility under PutEvents load: %w", err)
	}
	b.rep.VisibilityEvents, b.rep.EventsDuringWrites = trials, load
	b.logf("  %s", trials.line())
	b.logf("  events meanwhile: %s", load.line())
	return nil
}

// visibilityUnder runs the admin-write trials with a load in the
// background, started warm before them and stopped after them, and
// returns the trials and the load's figures. spacing is as for
// visibility.
func (b *bench) visibilityUnder(ctx context.Context, warm, spacing time.Duration, load func(context.Context) *loadResult) (*trialSummary, *loadResult, error) {
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bg := make(chan *loadResult, 1)
	go func() { bg <- load(lctx) }()
	time.Sleep(warm)
	trials, err := b.visibility(ctx, b.cfg.Trials, spacing)
	cancel()
	figures := <-bg
	if err != nil {
		return nil, nil, err
	}
	return summarizeTrials(trials), figures, nil
}

// overload drives PutEvents over capacity for d: more events in flight
// than the queue and a transaction hold. The queue fills, the server
// answers 429, and the workers told so wait as an SDK does (Retry-After).
// The event check that follows covers these events too: what was
// acknowledged must be stored once, what got 429 not at all.
func (b *bench) overload(ev *eventLoad, d time.Duration) {
	cfg := b.cfg
	b.logf("PutEvents over capacity: %d workers (%d events in flight), for %s", cfg.OverloadWorkers, cfg.OverloadWorkers*cfg.EventBatch, d)
	stopProf := b.profileFor("overload", d)
	o := b.load.closed("PutEvents over capacity", cfg.OverloadWorkers, d, ev.doer(b.bases, true), b.pids...)
	stopProf()
	b.rep.Overload = o
	b.logf("  inappd: %s", o.line())
}

// rounds is how many turns each scenario takes: --rounds, but no round
// shorter than a second.
func (b *bench) rounds() int {
	return max(1, min(b.cfg.Rounds, int(b.cfg.Duration/time.Second)))
}

// startBaseline starts the bare handler with GET answers of size bytes
// (real answer bytes) and warms it up.
func (b *bench) startBaseline(ctx context.Context, size int) error {
	getBody := sized(b.rep.sampleAnswer, size)
	p, base, err := startBaseline(b.tmp, getBody)
	if err != nil {
		return err
	}
	b.bare, b.bareBase, b.basePID = p, base, p.pid()
	if err := waitHealthy(ctx, base, p, 30*time.Second); err != nil {
		return err
	}
	b.bareGIAM = giam([]string{base}, b.appID, b.cfg.Endpoints)
	b.logf("bare handler: pid %d at %s, %d-byte GET answers", p.pid(), base, len(getBody))
	if b.cfg.Warmup > 0 {
		b.load.closed("baseline warmup", b.cfg.Concurrency, b.cfg.Warmup/2, b.bareGIAM, p.pid())
	}
	return nil
}

// baselineAnswers gives the bare handler a real PutEvents answer to send.
func (b *bench) baselineAnswers(ev *eventLoad) error {
	body := []byte(`{"Results":{}}`)
	if p := ev.answer.Load(); p != nil {
		body = *p
	}
	if err := os.WriteFile(b.baselinePostFile(), body, 0o600); err != nil {
		return err
	}
	b.logf("bare handler: %d-byte POST answers (a real PutEvents answer)", len(body))
	return nil
}

func (b *bench) stopBaseline() {
	if b.bare != nil {
		b.bare.stop()
		b.bare = nil
	}
}

// mem reads the server's memory now (with several nodes, their sum).
func (b *bench) mem() *memInfo {
	var sum memInfo
	for _, pid := range b.pids {
		if pid == 0 {
			return nil
		}
		m, err := readMem(pid)
		if err != nil {
			return nil
		}
		sum.RSS += m.RSS
		sum.HWM += m.HWM
	}
	return &sum
}

// profile fetches CPU and allocation profiles of the server for the
// scenario that starts now; the returned function waits for them.
func (b *bench) profile(name string, rounds int, slice time.Duration, withBase bool) func() {
	// The whole scenario, bare rounds included (the server is idle then,
	// so they add nothing to its profile), less a margin.
	total := time.Duration(rounds) * slice
	if withBase {
		total *= 2
	}
	return b.profileFor(name, total-time.Second)
}

// profileFor fetches the server's CPU and allocation profiles over d.
func (b *bench) profileFor(name string, d time.Duration) func() {
	if b.pprof == "" {
		return func() {}
	}
	secs := max(1, int(d/time.Second))
	var wg sync.WaitGroup
	fetch := func(kind, path string) {
		defer wg.Done()
		url := fmt.Sprintf("http://%s/debug/pprof/%s?seconds=%d", b.pprof, path, secs)
		resp, err := http.Get(url)
		if err != nil {
			b.logf("profile %s: %v", kind, err)
			return
		}
		defer resp.Body.Close()
		f := filepath.Join(b.cfg.ProfileDir, name+"-"+kind+".pprof")
		out, err := os.Create(f)
		if err != nil {
			b.logf("profile %s: %v", kind, err)
			return
		}
		defer out.Close()
		if _, err := io.Copy(out, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
			b.logf("profile %s: HTTP %d %v", kind, resp.StatusCode, err)
		}
	}
	wg.Add(2)
	go fetch("cpu", "profile")
	go fetch("allocs", "allocs")
	return wg.Wait
}

// ---- seeding ----

func (b *bench) seed(ctx context.Context) error {
	cfg := b.cfg
	runID := shortID(b.rng)
	probes := min(1000, max(1, cfg.Endpoints/10))
	b.ds = &dataset{seed: cfg.Seed, endpoints: cfg.Endpoints, campaigns: cfg.Campaigns, probes: probes, runID: runID}
	b.rep.RunID = runID

	var app struct{ Id string }
	if _, err := b.root.call(ctx, http.MethodPost, "/v1/apps", map[string]string{"Name": "inappd-bench-" + runID}, &app); err != nil {
		return err
	}
	b.appID = app.Id
	var k struct{ AccessKeyId, SecretAccessKey string }
	if _, err := b.root.call(ctx, http.MethodPost, "/inappd/v1/apps/"+b.appID+"/keys", map[string]string{"Description": "inappd-bench device key"}, &k); err != nil {
		return err
	}
	b.deviceKey = key{ID: k.AccessKeyId, Secret: k.SecretAccessKey}
	// With several nodes, the device calls go to the last one, so that the
	// visibility trials (writes on the first) measure a write seen by
	// another node.
	b.device = newAPI(b.bases[len(b.bases)-1], b.root.client, b.deviceKey)
	b.writer = newAPI(b.base, b.root.client, b.deviceKey)
	b.logf("app %s, client key %s", b.appID, k.AccessKeyId)

	// Endpoints, 100 per UpdateEndpointsBatch.
	b.logf("seeding %d endpoints: UpdateEndpointsBatch, 100 per request, %d concurrent requests", cfg.Endpoints, cfg.SeedConcurrency)
	start := time.Now()
	var done atomic.Int64
	var next atomic.Int64
	stopProgress := b.progress("endpoints", int64(cfg.Endpoints), &done, start)
	err := parallel(ctx, cfg.SeedConcurrency, func(ctx context.Context) error {
		for {
			from := int(next.Add(100) - 100)
			if from >= cfg.Endpoints {
				return nil
			}
			to := min(from+100, cfg.Endpoints)
			items := make([]*endpointRequest, 0, to-from)
			for i := from; i < to; i++ {
				items = append(items, b.ds.endpoint(i))
			}
			if _, err := b.root.call(ctx, http.MethodPut, "/v1/apps/"+b.appID+"/endpoints", map[string]any{"Item": items}, nil); err != nil {
				return err
			}
			done.Add(int64(to - from))
		}
	})
	stopProgress()
	if err != nil {
		return fmt.Errorf("seeding endpoints: %w", err)
	}
	el := time.Since(start)
	b.rep.Seed.Endpoints = cfg.Endpoints
	b.rep.Seed.EndpointSeconds = el.Seconds()
	b.rep.Seed.EndpointsPerSec = float64(cfg.Endpoints) / el.Seconds()
	b.logf("  %d endpoints in %.1fs: %.0f endpoints/s", cfg.Endpoints, el.Seconds(), b.rep.Seed.EndpointsPerSec)

	// Segments and campaigns.
	b.logf("seeding %d campaigns, each with its own segment (+1 probe campaign for the event check)", cfg.Campaigns)
	start = time.Now()
	b.campaignIDs = make([]string, cfg.Campaigns)
	var nextC atomic.Int64
	var doneC atomic.Int64
	stopProgress = b.progress("campaigns", int64(cfg.Campaigns), &doneC, start)
	err = parallel(ctx, cfg.SeedConcurrency, func(ctx context.Context) error {
		for {
			j := int(nextC.Add(1) - 1)
			if j >= cfg.Campaigns {
				return nil
			}
			var seg, camp struct{ Id string }
			if _, err := b.root.call(ctx, http.MethodPost, "/v1/apps/"+b.appID+"/segments", b.ds.segment(j), &seg); err != nil {
				return err
			}
			body, err := b.root.call(ctx, http.MethodPost, "/v1/apps/"+b.appID+"/campaigns", b.ds.campaign(j, seg.Id), &camp)
			if err != nil {
				return err
			}
			if j == 0 {
				b.rep.Seed.CampaignRequestBytes = len(body)
			}
			b.campaignIDs[j] = camp.Id
			doneC.Add(1)
		}
	})
	stopProgress()
	if err != nil {
		return fmt.Errorf("seeding campaigns: %w", err)
	}
	var seg, camp struct{ Id string }
	if _, err := b.root.call(ctx, http.MethodPost, "/v1/apps/"+b.appID+"/segments", b.ds.probeSegment(), &seg); err != nil {
		return err
	}
	if _, err := b.root.call(ctx, http.MethodPost, "/v1/apps/"+b.appID+"/campaigns", b.ds.probeCampaign(seg.Id), &camp); err != nil {
		return err
	}
	b.probeID = camp.Id
	el = time.Since(start)
	b.rep.Seed.Campaigns = cfg.Campaigns
	b.rep.Seed.CampaignSeconds = el.Seconds()
	b.logf("  %d segments and campaigns in %.1fs", cfg.Campaigns+1, el.Seconds())

	// A real answer with many messages and a real PutEvents answer, for
	// the bare handler.
	// The first GetInAppMessages builds the app's snapshot.
	for try := 0; try < 50; try++ {
		t := time.Now()
		status, body, _, err := b.device.raw(ctx, http.MethodGet, "/v1/apps/"+b.appID+"/endpoints/"+endpointID(b.rng.IntN(cfg.Endpoints))+"/inappmessages", nil)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return &apiError{Method: http.MethodGet, Path: "GetInAppMessages", Status: status, Body: string(body)}
		}
		if try == 0 {
			b.rep.SnapshotColdMS = ms(time.Since(t))
		}
		if len(body) > len(b.rep.sampleAnswer) {
			b.rep.sampleAnswer = body
		}
	}
	return nil
}

// progress prints what has been seeded every 2 s until stopped.
func (b *bench) progress(what string, total int64, done *atomic.Int64, start time.Time) func() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		last, lastAt := int64(0), start
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				n := done.Load()
				rate := float64(n-last) / now.Sub(lastAt).Seconds()
				avg := float64(n) / now.Sub(start).Seconds()
				eta := "?"
				if avg > 0 {
					eta = (time.Duration(float64(total-n)/avg) * time.Second).Round(time.Second).String()
				}
				mem := ""
				if m := b.mem(); m != nil {
					mem = fmt.Sprintf(", server RSS %s", mib(m.RSS))
				}
				b.logf("  %s %d/%d (%.0f%%): %.0f/s now, %.0f/s average, ETA %s%s", what, n, total, 100*float64(n)/float64(total), rate, avg, eta, mem)
				last, lastAt = n, now
			}
		}
	}()
	return func() { close(stop); wg.Wait() }
}

// parallel runs n copies of fn; the first error cancels the others.
func parallel(ctx context.Context, n int, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, n)
	for range n {
		go func() {
			err := fn(ctx)
			if err != nil {
				cancel()
			}
			errs <- err
		}()
	}
	var first error
	for range n {
		if err := <-errs; err != nil && (first == nil || errors.Is(first, context.Canceled)) {
			first = err
		}
	}
	return first
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// machine describes where the bench ran.
type machine struct {
	CPUs      int    `json:"cpus"`
	CPUModel  string `json:"cpu_model"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
}

func thisMachine() machine {
	m := machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				if i := strings.IndexByte(line, ':'); i >= 0 {
					m.CPUModel = strings.TrimSpace(line[i+1:])
				}
				break
			}
		}
	}
	return m
}

// dirSize is the total size of the files in dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
