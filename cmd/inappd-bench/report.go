package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets (issue 3).
const (
	targetHalfLoadP99MS = 10.0
	targetEventsPerSec  = 100_000.0
	targetVisibilityMS  = 100.0
	targetRSSBytes      = 1 << 30
	targetRatioOfBare   = 0.5
	targetSizeEndpoints = 1_000_000
	targetSizeCampaigns = 1_000
)

type report struct {
	Time    string  `json:"time"`
	Machine machine `json:"machine"`
	Config  *config `json:"config"`
	RunID   string  `json:"run_id"`
	Seed    struct {
		Endpoints            int     `json:"endpoints"`
		EndpointSeconds      float64 `json:"endpoint_seconds"`
		EndpointsPerSec      float64 `json:"endpoints_per_second"`
		Campaigns            int     `json:"campaigns"`
		CampaignSeconds      float64 `json:"campaign_seconds"`
		CampaignRequestBytes int     `json:"campaign_answer_bytes"`
		DataBytes            int64   `json:"data_dir_bytes,omitempty"` // database + WAL after seeding
	} `json:"seed"`
	SnapshotColdMS   float64       `json:"first_request_ms"`
	GIAM             *loadResult   `json:"get_in_app_messages"`
	GIAMHalf         *loadResult   `json:"get_in_app_messages_half_load"`
	VisibilityIdle   *trialSummary `json:"visibility_idle,omitempty"`
	VisibilityLoaded *trialSummary `json:"visibility_under_load,omitempty"`
	GIAMDuringWrites *loadResult   `json:"get_in_app_messages_during_admin_writes,omitempty"`
	// VisibilityEvents is the admin-write trials under PutEvents load.
	VisibilityEvents   *trialSummary `json:"visibility_under_put_events,omitempty"`
	EventsDuringWrites *loadResult   `json:"put_events_during_admin_writes,omitempty"`
	Events             *loadResult   `json:"put_events"`
	Overload           *loadResult   `json:"put_events_over_capacity,omitempty"`
	Verification       verification  `json:"event_check"`
	BaseGIAM           *loadResult   `json:"bare_get,omitempty"`
	BaseGIAMHalf       *loadResult   `json:"bare_get_half_load,omitempty"`
	BaseEvents         *loadResult   `json:"bare_post,omitempty"`
	Memory             struct {
		AfterSeed   *memInfo `json:"after_seed,omitempty"`
		AfterWarmup *memInfo `json:"after_warmup,omitempty"`
		AfterLoad   *memInfo `json:"after_load,omitempty"`
		Final       *memInfo `json:"final,omitempty"`
	} `json:"server_memory"`

	sampleAnswer []byte
}

func newReport(cfg *config) *report {
	return &report{Time: time.Now().UTC().Format(time.RFC3339), Machine: thisMachine(), Config: cfg}
}

func (r *report) writeJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// line is a one-line summary of a scenario for the progress log.
func (l *loadResult) line() string {
	s := fmt.Sprintf("%d requests in %.1fs: %.0f/s, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.1f ms",
		l.Requests, l.Seconds, l.RPS, l.P50, l.P90, l.P99, l.Max)
	if l.Seconds >= 2 {
		s += fmt.Sprintf(" (worst second: p99 %.1f ms)", l.WorstP99)
	}
	if l.Errors > 0 {
		s += fmt.Sprintf(", %d errors %v", l.Errors, l.Statuses)
		if l.TransportError != "" {
			s += fmt.Sprintf(" (no answer: %s)", l.TransportError)
		}
	}
	if l.MeanUnits > 0 {
		s += fmt.Sprintf(", %.0f B and %.2f units per answer (%.0f units/s)", l.MeanBytes, l.MeanUnits, l.UnitsPerSec)
	}
	if l.Usage.ServerCPU > 0 {
		s += fmt.Sprintf("; server %.2f cores (%.0f µs/request), client %.2f cores, machine busy %.2f cores", l.Usage.ServerCPU, l.ServerCPUus, l.Usage.ClientCPU, l.Usage.MachineCPU)
		if l.Usage.StolenCPU >= 0.01 {
			s += fmt.Sprintf(", %.2f cores taken by the hypervisor", l.Usage.StolenCPU)
		}
		if l.Usage.DiskWrites > 1<<20 || l.Usage.DiskWaitShare > 0 {
			s += fmt.Sprintf("; server wrote %s, disk wait in %.0f%% of samples", mib(l.Usage.DiskWrites), 100*l.Usage.DiskWaitShare)
		}
	}
	return s
}

// trialSummary sums up visibility trials.
type trialSummary struct {
	Trials      []visibilityTrial `json:"trials"`
	MedianMS    float64           `json:"median_ms"`
	MaxMS       float64           `json:"max_ms"`
	MedianAckMS float64           `json:"median_after_ack_ms"`
	MaxAckMS    float64           `json:"max_after_ack_ms"`
	WriteMS     float64           `json:"median_write_ms"`
	// Of the write, the time in the server (Server-Timing); -1 when
	// the server sent none (an older inappd, or --url at another one).
	MedianServerMS float64 `json:"median_server_ms"`
	MaxServerMS    float64 `json:"max_server_ms"`
}

func summarizeTrials(ts []visibilityTrial) *trialSummary {
	s := &trialSummary{Trials: ts}
	var vis, ack, wr, srv []float64
	for _, t := range ts {
		vis = append(vis, t.VisibleMS)
		ack = append(ack, t.AfterAckMS)
		wr = append(wr, t.WriteMS)
		srv = append(srv, t.ServerMS)
	}
	if len(vis) == 0 {
		return s
	}
	med := func(v []float64) float64 { slices.Sort(v); return v[len(v)/2] }
	s.MedianMS, s.MedianAckMS, s.WriteMS, s.MedianServerMS = med(vis), med(ack), med(wr), med(srv)
	s.MaxMS, s.MaxAckMS, s.MaxServerMS = vis[len(vis)-1], ack[len(ack)-1], srv[len(srv)-1]
	if srv[0] < 0 {
		s.MedianServerMS, s.MaxServerMS = -1, -1 // some answer had no Server-Timing
	}
	return s
}

func (s *trialSummary) line() string {
	line := fmt.Sprintf("%d writes: visible after median %.1f ms, max %.1f ms (UpdateCampaign itself: median %.1f ms", len(s.Trials), s.MedianMS, s.MaxMS, s.WriteMS)
	if s.MaxServerMS >= 0 {
		line += fmt.Sprintf("; in the server: median %.1f ms, max %.1f ms", s.MedianServerMS, s.MaxServerMS)
	}
	return line + ")"
}

// ---- the summary table ----

func ratio(a, b float64) string {
	if b == 0 {
		return ""
	}
	return fmt.Sprintf("%.2f", a/b)
}

func verdict(met bool, miss string) string {
	if met {
		return "met"
	}
	return "MISSED " + miss
}

func (r *report) print(w io.Writer) {
	storage := "SQLite"
	if r.Config.Storage == "postgres" {
		storage = fmt.Sprintf("PostgreSQL, %d node(s)", r.Config.Nodes)
	}
	fmt.Fprintf(w, "\ninappd-bench %s: %s; %d endpoints, %d campaigns, %d workers (PutEvents: %d), %s per scenario; %d CPUs (%s), %s\n\n",
		r.RunID, storage, r.Config.Endpoints, r.Config.Campaigns, r.Config.Concurrency, r.Config.EventConcurrency, r.Config.Duration, r.Machine.CPUs, r.Machine.CPUModel, r.Machine.GoVersion)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tinappd\tbare handler\tinappd/bare\ttarget\tverdict")
	fmt.Fprintln(tw, "------\t------\t------------\t-----------\t------\t-------")
	row := func(name, v, base, rat, target, verd string) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, v, base, rat, target, verd)
	}
	f0 := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	f2 := func(v float64) string { return fmt.Sprintf("%.2f", v) }
	base := func(l *loadResult, f func(*loadResult) float64, format func(float64) string) (string, float64) {
		if l == nil {
			return "", 0
		}
		return format(f(l)), f(l)
	}

	a, bg := r.GIAM, r.BaseGIAM
	row("seeding (UpdateEndpointsBatch)", fmt.Sprintf("%.0f endpoints/s (%.0fs)", r.Seed.EndpointsPerSec, r.Seed.EndpointSeconds), "", "", "", "")
	if r.Seed.DataBytes > 0 {
		what := "  data directory after seeding"
		if r.Config.Storage == "postgres" {
			what = "  database after seeding"
		}
		row(what, mib(r.Seed.DataBytes), "", "", "", "")
	}
	row("first GetInAppMessages (snapshot build)", fmt.Sprintf("%.1f ms", r.SnapshotColdMS), "", "", "", "")
	if a != nil {
		bs, bv := base(bg, func(l *loadResult) float64 { return l.RPS }, f0)
		v := ""
		if bv > 0 {
			v = verdict(a.RPS >= targetRatioOfBare*bv, fmt.Sprintf("(%.0f%% of bare)", 100*a.RPS/bv))
		}
		row("GetInAppMessages requests/s (max)", f0(a.RPS), bs, ratio(a.RPS, bv), "≥ 0.50 × bare", v)
		for _, q := range []struct {
			name string
			f    func(*loadResult) float64
		}{
			{"  p50 ms at max", func(l *loadResult) float64 { return l.P50 }},
			{"  p90 ms at max", func(l *loadResult) float64 { return l.P90 }},
			{"  p99 ms at max", func(l *loadResult) float64 { return l.P99 }},
			{"  max ms at max", func(l *loadResult) float64 { return l.Max }},
		} {
			bs, bv := base(bg, q.f, f2)
			row(q.name, f2(q.f(a)), bs, ratio(q.f(a), bv), "", "")
		}
		bs, bv = base(bg, func(l *loadResult) float64 { return l.MeanBytes }, f0)
		row("  mean answer bytes", f0(a.MeanBytes), bs, ratio(a.MeanBytes, bv), "", "")
		row("  messages per answer (mean)", f2(a.MeanUnits), "", "", "≤ 10", "")
		row("  answers with 10 / with 0 messages", fmt.Sprintf("%.0f%% / %.0f%%", 100*a.ShareFull, 100*a.ShareEmpty), "", "", "", "")
		bs, bv = base(bg, func(l *loadResult) float64 { return l.ServerCPUus }, f0)
		row("  server CPU µs per request", f0(a.ServerCPUus), bs, ratio(a.ServerCPUus, bv), "", "")
		row("  CPU cores: server / bench / whole machine / stolen", cores(a), cores(bg), "", "", "")
		if a.Errors > 0 {
			row("  errors", fmt.Sprintf("%d %v", a.Errors, a.Statuses), "", "", "0", "")
		}
	}
	if h := r.GIAMHalf; h != nil {
		bh := r.BaseGIAMHalf
		bs, bv := base(bh, func(l *loadResult) float64 { return l.P99 }, f2)
		row(fmt.Sprintf("GetInAppMessages p99 ms at half load (%.0f/s)", h.TargetRate), f2(h.P99), bs, ratio(h.P99, bv), "≤ 10 ms",
			verdict(h.P99 <= targetHalfLoadP99MS, fmt.Sprintf("by %.1f ms", h.P99-targetHalfLoadP99MS)))
		bs, bv = base(bh, func(l *loadResult) float64 { return l.P50 }, f2)
		row("  p50 ms at half load", f2(h.P50), bs, ratio(h.P50, bv), "", "")
		bs, bv = base(bh, func(l *loadResult) float64 { return l.Max }, f2)
		row("  max ms at half load", f2(h.Max), bs, ratio(h.Max, bv), "", "")
		row("  achieved requests/s", f0(h.RPS), func() string {
			if bh == nil {
				return ""
			}
			return f0(bh.RPS)
		}(), "", "", "")
	}
	if c := r.Events; c != nil {
		be := r.BaseEvents
		bs, bv := base(be, func(l *loadResult) float64 { return l.UnitsPerSec }, f0)
		row("PutEvents events/s acknowledged", f0(c.UnitsPerSec), bs, ratio(c.UnitsPerSec, bv), "≥ 100,000/s",
			verdict(c.UnitsPerSec >= targetEventsPerSec, fmt.Sprintf("(%.0f%% of target)", 100*c.UnitsPerSec/targetEventsPerSec)))
		bs, bv = base(be, func(l *loadResult) float64 { return l.RPS }, f0)
		row("  requests/s (100 events each)", f0(c.RPS), bs, ratio(c.RPS, bv), "", "")
		bs, bv = base(be, func(l *loadResult) float64 { return l.P50 }, f2)
		row("  p50 ms per request", f2(c.P50), bs, ratio(c.P50, bv), "", "")
		bs, bv = base(be, func(l *loadResult) float64 { return l.P99 }, f2)
		row("  p99 ms per request", f2(c.P99), bs, ratio(c.P99, bv), "", "")
		bs, bv = base(be, func(l *loadResult) float64 { return l.Max }, f2)
		row("  max ms per request", f2(c.Max), bs, ratio(c.Max, bv), "", "")
		row("  429 answers", fmt.Sprintf("%d", c.Statuses[http.StatusTooManyRequests]), "", "", "", "")
		perEvent := func(l *loadResult) float64 {
			if l.UnitsPerSec == 0 {
				return 0
			}
			return l.ServerCPUus * l.RPS / l.UnitsPerSec
		}
		bs, bv = base(be, perEvent, f2)
		row("  server CPU µs per event", f2(perEvent(c)), bs, ratio(perEvent(c), bv), "", "")
		row("  CPU cores: server / bench / whole machine / stolen", cores(c), cores(be), "", "", "")
		if c.UnitsPerSec > 0 && c.Usage.DiskWrites > 0 {
			row("  server disk writes per event (WAL + checkpoints)", fmt.Sprintf("%.0f B", float64(c.Usage.DiskWrites)/(c.UnitsPerSec*c.Seconds)), "", "", "", "")
		}
		row("  share of time a server thread waited for the disk", fmt.Sprintf("%.0f%%", 100*c.Usage.DiskWaitShare), "", "", "", "")
		if n := c.Errors - c.Statuses[http.StatusTooManyRequests]; n > 0 {
			row("  other errors", fmt.Sprintf("%d %v", n, c.Statuses), "", "", "0", "")
		}
	}
	v := r.Verification
	if o := r.Overload; o != nil {
		throttled := o.Statuses[http.StatusTooManyRequests]
		row(fmt.Sprintf("PutEvents over capacity (%d workers)", o.Concurrency), fmt.Sprintf("%s events/s acknowledged", f0(o.UnitsPerSec)), "", "", "", "")
		row("  answers: 202 / 429", fmt.Sprintf("%d / %d", o.OK, throttled), "", "", "", "")
		row("  p50 / p99 / max ms per answer", fmt.Sprintf("%s / %s / %s", f2(o.P50), f2(o.P99), f2(o.Max)), "", "", "", "")
		row("  CPU cores: server / bench / whole machine / stolen", cores(o), "", "", "", "")
		row("  share of time a server thread waited for the disk", fmt.Sprintf("%.0f%%", 100*o.Usage.DiskWaitShare), "", "", "", "")
		if o.Usage.PeakRSS > 0 {
			row("  server RSS peak", mib(o.Usage.PeakRSS), "", "", "", "")
		}
		shown := "no 429: the queue never filled (raise --overload-concurrency)"
		if throttled > 0 {
			shown = "acknowledged events lost or doubled (see below)"
		}
		row("  a full queue answers 429, loses nothing acknowledged", "", "", "", "429, none lost", verdict(throttled > 0 && v.OK, shown))
		if n := o.Errors - throttled; n > 0 {
			row("  other errors", fmt.Sprintf("%d %v", n, o.Statuses), "", "", "0", "")
		}
	}
	stored := "not read"
	if v.StoreChecked {
		stored = fmt.Sprintf("%d stored / %d displays counted", v.StoredEvents, v.StoredDisplays)
	}
	row("every acknowledged event stored", fmt.Sprintf("%d acked / %d displays; %s", v.Acked, v.DisplayedAcked, stored), "", "", "all, once", verdict(v.OK, strings.Join(v.Problems, "; ")))
	row("  probe endpoints counted exactly (caps)", fmt.Sprintf("%d (%d displays, %d resent requests)", v.ProbeEndpoints-v.ProbeLost-v.ProbeDoubled, v.ProbeDisplays, v.Resent), "", "", "", "")
	// What the server reports of each write (Server-Timing), below each
	// visibility row: the rest is the network and the client.
	inServer := func(s *trialSummary) {
		if s.MaxServerMS >= 0 {
			row("  of each write, in the server: median / max ms", fmt.Sprintf("%.1f / %.1f", s.MedianServerMS, s.MaxServerMS), "", "", "", "")
		}
	}
	if s := r.VisibilityIdle; s != nil {
		row("admin write → GetInAppMessages, idle (ms)", fmt.Sprintf("median %.1f, max %.1f", s.MedianMS, s.MaxMS), "", "", "≤ 100 ms",
			verdict(s.MaxMS <= targetVisibilityMS, fmt.Sprintf("by %.1f ms (max)", s.MaxMS-targetVisibilityMS)))
		inServer(s)
	}
	if s := r.VisibilityLoaded; s != nil {
		row("admin write → GetInAppMessages, under load (ms)", fmt.Sprintf("median %.1f, max %.1f", s.MedianMS, s.MaxMS), "", "", "≤ 100 ms",
			verdict(s.MaxMS <= targetVisibilityMS, fmt.Sprintf("by %.1f ms (max)", s.MaxMS-targetVisibilityMS)))
		inServer(s)
		if g := r.GIAMDuringWrites; g != nil {
			row("  readers during the writes: p99 / max ms", fmt.Sprintf("%.2f / %.1f", g.P99, g.Max), "", "", "", "")
		}
	}
	if s := r.VisibilityEvents; s != nil {
		row("admin write → GetInAppMessages, under PutEvents load (ms)", fmt.Sprintf("median %.1f, max %.1f", s.MedianMS, s.MaxMS), "", "", "≤ 100 ms",
			verdict(s.MaxMS <= targetVisibilityMS, fmt.Sprintf("by %.1f ms (max): the write waits for CPU among the PutEvents requests", s.MaxMS-targetVisibilityMS)))
		inServer(s)
		if e := r.EventsDuringWrites; e != nil {
			row("  events meanwhile", fmt.Sprintf("%s events/s acknowledged", f0(e.UnitsPerSec)), "", "", "", "")
		}
	}
	m := r.Memory
	if m.AfterSeed != nil {
		row("server RSS after seeding", mib(m.AfterSeed.RSS), "", "", "", "")
	}
	if m.AfterWarmup != nil {
		row("server RSS after warm-up (snapshot built)", mib(m.AfterWarmup.RSS), "", "", "", "")
	}
	if r.GIAM != nil && r.GIAM.Usage.PeakRSS > 0 {
		row("server RSS peak under GetInAppMessages", mib(r.GIAM.Usage.PeakRSS), "", "", "", "")
	}
	if r.Events != nil && r.Events.Usage.PeakRSS > 0 {
		row("server RSS peak under PutEvents", mib(r.Events.Usage.PeakRSS), "", "", "", "")
	}
	hwm := int64(0)
	for _, mi := range []*memInfo{m.AfterSeed, m.AfterWarmup, m.AfterLoad, m.Final} {
		if mi != nil {
			hwm = max(hwm, mi.HWM)
		}
	}
	if hwm > 0 {
		note := ""
		if r.Config.Endpoints != targetSizeEndpoints || r.Config.Campaigns != targetSizeCampaigns {
			note = " (target is for 1M/1k)"
		}
		row("server VmHWM (peak RSS of the run)", mib(hwm), "", "", "≤ 1 GB at 1M/1k",
			verdict(hwm <= targetRSSBytes, fmt.Sprintf("by %s", mib(hwm-targetRSSBytes)))+note)
	}
	if name, stolen := r.mostStolen(); stolen >= 0.01 {
		note := ""
		if stolen >= stolenWarnCores {
			note = fmt.Sprintf("the machine had %.0f%% fewer CPU cycles than it asked for: rates are low, compare figures within one run only", 100*stolen/float64(r.Machine.CPUs))
		}
		row("CPU taken by the hypervisor (most in one scenario)", fmt.Sprintf("%.2f cores (%s)", stolen, name), "", "", "", note)
	}
	tw.Flush()
}

// stolenWarnCores is how much CPU time the hypervisor may take during a
// scenario before the summary says the run's rates are low.
const stolenWarnCores = 0.1

// mostStolen is the scenario during which the hypervisor took the most
// CPU time from this machine, and how much (in cores).
func (r *report) mostStolen() (string, float64) {
	name, most := "", 0.0
	for _, s := range []struct {
		name string
		l    *loadResult
	}{
		{"GetInAppMessages", r.GIAM}, {"bare GET", r.BaseGIAM}, {"GetInAppMessages at half load", r.GIAMHalf}, {"bare GET at half load", r.BaseGIAMHalf},
		{"PutEvents", r.Events}, {"bare POST", r.BaseEvents}, {"PutEvents over capacity", r.Overload},
	} {
		if s.l != nil && s.l.Usage.StolenCPU > most {
			name, most = s.name, s.l.Usage.StolenCPU
		}
	}
	return name, most
}

func cores(l *loadResult) string {
	if l == nil {
		return ""
	}
	return fmt.Sprintf("%.2f / %.2f / %.2f / %.2f", l.Usage.ServerCPU, l.Usage.ClientCPU, l.Usage.MachineCPU, l.Usage.StolenCPU)
}
