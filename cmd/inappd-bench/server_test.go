package main

import (
	"strings"
	"testing"
	"time"
)

// TestParseCPULine reads /proc/stat's cpu line as the kernel writes it:
// the hypervisor's steal is kept apart from the machine's busy time, and
// idle, iowait and the guest columns (already in user time) count in
// neither.
func TestParseCPULine(t *testing.T) {
	for _, c := range []struct {
		line        string
		busy, steal time.Duration
	}{
		// user nice system idle iowait irq softirq steal guest guest_nice
		{"cpu  61945 3 8598 73234 2194 7 1441 37582 500 9", 71994 * 10 * time.Millisecond, 37582 * 10 * time.Millisecond},
		{"cpu 100 0 50 1000 0 0 0 0 0 0", 150 * 10 * time.Millisecond, 0},
		// an older kernel without steal and guest columns
		{"cpu 100 0 50 1000 7", 150 * 10 * time.Millisecond, 0},
		{"intr 1 2 3", 0, 0},
		{"", 0, 0},
	} {
		got := parseCPULine(c.line)
		if got.busy != c.busy || got.steal != c.steal {
			t.Errorf("parseCPULine(%q) = busy %v, steal %v; want %v, %v", c.line, got.busy, got.steal, c.busy, c.steal)
		}
	}
}

// TestSummaryShowsStolenCPU: a run whose scenarios lost CPU time to the
// hypervisor says so in its summary, with the scenario that lost the
// most; a run that lost next to none says nothing.
func TestSummaryShowsStolenCPU(t *testing.T) {
	r := newReport(&config{Endpoints: 10, Campaigns: 1})
	r.Machine.CPUs = 2
	r.GIAM = &loadResult{Usage: usage{StolenCPU: 0.02}}
	r.Events = &loadResult{Usage: usage{StolenCPU: 0.6}}
	var b strings.Builder
	r.print(&b)
	if !strings.Contains(b.String(), "0.60 cores (PutEvents)") || !strings.Contains(b.String(), "30% fewer CPU cycles") {
		t.Errorf("summary does not show the stolen CPU:\n%s", b.String())
	}
	r.Events.Usage.StolenCPU = 0.005
	r.GIAM.Usage.StolenCPU = 0.005
	b.Reset()
	r.print(&b)
	if strings.Contains(b.String(), "hypervisor") {
		t.Errorf("summary mentions the hypervisor for a run that lost no CPU:\n%s", b.String())
	}
}
