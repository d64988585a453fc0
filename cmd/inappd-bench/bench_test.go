package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/inappd/inappd/postgres/pgtest"
)

// TestMain lets the test binary serve as the bare baseline handler, as the
// command's binary does.
func TestMain(m *testing.M) {
	if child, err := baselineChild(); child {
		if err != nil {
			fmt.Fprintln(os.Stderr, "baseline:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// starvedCores is how much CPU the hypervisor must take from a scenario
// before the smoke test lets its unanswered requests pass as the
// machine's doing (half of this 2-core machine).
const starvedCores = 0.5

// TestBenchSmoke runs the whole command with tiny sizes (the CI
// configuration): build and start the server, seed, every scenario, the
// baseline, the event checks; then looks at the figures.
func TestBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole benchmark (about 20 s); skipped with -short")
	}
	smoke(t)
}

// TestBenchPostgresNodes is the smoke run on PostgreSQL with two nodes
// (--postgres, --nodes): the load spread over both, the visibility trials
// writing on one node and reading on the other, the storage check reading
// PostgreSQL.
func TestBenchPostgresNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole benchmark on PostgreSQL; skipped with -short")
	}
	// A database of the test's own tells that PostgreSQL is there (or
	// skips, or fails under INAPPD_TEST_STRICT=1); the bench creates its
	// own database on the same server through it.
	dsn := pgtest.NewDatabase(t)
	// Without the over-capacity scenario, which TestBenchSmoke covers:
	// each node holds 60,000 events before it refuses (its queue and the
	// transaction in progress), so two hold more than the scenario's
	// 102,400 in flight, and whether they answer 429 at all depends on
	// how full their writers' transactions are.
	r := smoke(t, "--postgres", dsn, "--nodes", "2", "--overload-concurrency", "0")
	if r.Config.Storage != "postgres" || r.Config.Nodes != 2 {
		t.Errorf("report config: storage %q, %d nodes", r.Config.Storage, r.Config.Nodes)
	}
}

func smoke(t *testing.T, extra ...string) *report {
	start := time.Now()
	out := filepath.Join(t.TempDir(), "bench.json")
	var log bytes.Buffer
	args := append([]string{
		"--endpoints", "2000", "--campaigns", "20",
		"--duration", "1s", "--warmup", "200ms", "--concurrency", "8",
		"--visibility-trials", "2", "--json", out,
	}, extra...)
	if err := run(t.Context(), args, &log); err != nil {
		t.Fatalf("inappd-bench %v: %v\n%s", args, err, log.String())
	}
	t.Logf("inappd-bench output:\n%s", log.String())

	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("--json output: %v", err)
	}
	scen := map[string]*loadResult{
		"GetInAppMessages": r.GIAM, "half load": r.GIAMHalf, "PutEvents": r.Events,
		"bare GET": r.BaseGIAM, "bare GET half load": r.BaseGIAMHalf, "bare POST": r.BaseEvents,
	}
	for name, l := range scen {
		if l == nil {
			t.Errorf("%s: no figures", name)
			continue
		}
		if l.RPS <= 0 || l.OK == 0 {
			t.Errorf("%s: %d requests ok, %.0f/s", name, l.OK, l.RPS)
		}
		if l.Errors > 0 {
			t.Errorf("%s: %d errors %v", name, l.Errors, l.Statuses)
		}
		if l.P50 <= 0 || l.P99 < l.P50 || l.Max < l.P99 {
			t.Errorf("%s: latencies not sane: p50 %.3f p99 %.3f max %.3f ms", name, l.P50, l.P99, l.Max)
		}
	}
	if r.GIAM != nil {
		if r.GIAM.MeanUnits <= 0 || r.GIAM.MeanUnits > 10 {
			t.Errorf("GetInAppMessages answers carry %.2f messages on average; want some, at most 10", r.GIAM.MeanUnits)
		}
		if r.GIAM.MeanBytes < 500 {
			t.Errorf("GetInAppMessages answers are %.0f bytes on average: too few messages?", r.GIAM.MeanBytes)
		}
	}
	if r.Events != nil && r.Events.MeanUnits != 100 {
		t.Errorf("PutEvents: %.2f events acknowledged per request, want 100", r.Events.MeanUnits)
	}
	// Over capacity the queue fills: 429s, and nothing but 429s and 202s.
	if o := r.Overload; o == nil {
		if r.Config.OverloadWorkers > 0 {
			t.Errorf("over capacity: no figures")
		}
	} else {
		n429, unanswered := o.Statuses[http.StatusTooManyRequests], o.Statuses[0]
		// A request with no answer at all is the server's fault unless
		// the machine was starved: with most of a core taken by the
		// hypervisor, 1,024 workers' requests wait seconds for a CPU.
		if unanswered > 0 && o.Usage.StolenCPU >= starvedCores {
			t.Logf("over capacity: %d of %d requests got no answer (%s) while the hypervisor took %.2f cores; not counted against the server",
				unanswered, o.Requests, o.TransportError, o.Usage.StolenCPU)
			n429 += unanswered
		}
		if o.OK == 0 || o.Statuses[http.StatusTooManyRequests] == 0 || o.Errors != n429 {
			t.Errorf("over capacity: %d answered 202, %d 429, errors %v (%s); want both, and no other error", o.OK, o.Statuses[http.StatusTooManyRequests], o.Statuses, o.TransportError)
		}
	}
	v := r.Verification
	if !v.OK || v.Acked == 0 || !v.StoreChecked || v.StoredEvents != v.Acked || v.StoredDisplays != v.DisplayedAcked {
		t.Errorf("event check: %+v", v)
	}
	if v.ProbeEndpoints == 0 || v.ProbeDisplays == 0 || v.ProbeLost+v.ProbeDoubled > 0 || v.Resent == 0 {
		t.Errorf("probe check: %+v", v)
	}
	for name, s := range map[string]*trialSummary{"idle": r.VisibilityIdle, "under load": r.VisibilityLoaded, "under PutEvents load": r.VisibilityEvents} {
		if s == nil || len(s.Trials) != 4 || s.MaxMS <= 0 {
			t.Errorf("visibility %s: %+v", name, s)
		} else {
			// The server's Server-Timing: read, and a part of each write.
			for _, tr := range s.Trials {
				if tr.ServerMS < 0 || tr.ServerMS > tr.WriteMS {
					t.Errorf("visibility %s: a write of %.1f ms, %.1f ms of it in the server", name, tr.WriteMS, tr.ServerMS)
				}
			}
		}
	}
	if m := r.Memory.AfterWarmup; m == nil || m.RSS <= 0 || m.HWM < m.RSS {
		t.Errorf("server memory not read: %+v", m)
	}
	if el := time.Since(start); el > 60*time.Second {
		t.Errorf("the smoke run took %s; CI wants it under 60 s", el)
	}
	return &r
}
