package ingest_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/ingest"

	"github.com/inappd/inappd/internal/syncbuf"
)

// logLines is a slog handler's output, read back line by line.
type logLines struct{ syncbuf.Buffer }

func (l *logLines) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// matching returns the lines whose message starts with prefix.
func (l *logLines) matching(t *testing.T, prefix string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if strings.HasPrefix(m["msg"].(string), prefix) {
			out = append(out, m)
		}
	}
	return out
}

const capacityMsg = "PutEvents at capacity"

// TestRefusalsAreReported: a spell at capacity logs its first refusal at
// once and the others only as a count in the next report, which is a
// Warn; a report without refusals is Info, a quiet one says nothing, and
// the refusal after a report without any opens a new spell.
func TestRefusalsAreReported(t *testing.T) {
	var logs logLines
	store := newFakeStore()
	g := newGate()
	store.before = g.block(1)
	w := start(t, store, ingest.Options{QueueSize: 10, ReportEvery: -1, Logger: logs.logger()})
	ctx := context.Background()

	before := w.Stats()
	first := submitAsync(ctx, w, records("a", 5))
	<-g.entered
	second := submitAsync(ctx, w, records("b", 10))
	waitFor(t, "queue full", func() bool { return w.Stats().Pending == 10 })
	for range 3 {
		if _, err := w.Submit(ctx, records("c", 1)); inapp.ErrorCode(err) != inapp.ETHROTTLED {
			t.Fatalf("Submit on a full queue: %v", err)
		}
	}
	if _, err := w.Reserve(1); inapp.ErrorCode(err) != inapp.ETHROTTLED {
		t.Fatalf("Reserve on a full queue: %v", err)
	}
	if got := logs.matching(t, capacityMsg); len(got) != 1 || got[0]["level"] != "WARN" || got[0]["queue_events"] != 10.0 {
		t.Fatalf("four refusals logged %d capacity lines, want one Warn with the queue's size: %v", len(got), got)
	}

	close(g.release)
	receive(t, first)
	receive(t, second)
	full := w.Stats()
	w.Report(before, full, 10*time.Second)
	got := logs.matching(t, "events committed")
	if len(got) != 1 {
		t.Fatalf("report lines = %v, want one", got)
	}
	want := map[string]any{"level": "WARN", "events": 15.0, "events_per_second": 1.0, "transactions": 2.0, "refused_requests": 4.0,
		"retried_events": 0.0, "failed_transactions": 0.0, "queued_events": 0.0, "over": "10s"}
	for k, v := range want {
		if got[0][k] != v {
			t.Errorf("report %s = %v, want %v (line %v)", k, got[0][k], v, got[0])
		}
	}
	if !strings.Contains(got[0]["msg"].(string), "429") {
		t.Errorf("a report with refusals does not say they were answered 429: %q", got[0]["msg"])
	}

	w.Report(full, full, time.Second) // nothing happened: no line
	if n := len(logs.matching(t, "events committed")); n != 1 {
		t.Errorf("a quiet interval logged a report (%d lines)", n)
	}

	if _, err := w.Submit(ctx, records("b", 10)); err != nil { // retries only
		t.Fatal(err)
	}
	retried := w.Stats()
	w.Report(full, retried, time.Second)
	got = logs.matching(t, "events committed")
	if len(got) != 2 || got[1]["level"] != "INFO" || got[1]["events"] != 10.0 || got[1]["retried_events"] != 10.0 || got[1]["refused_requests"] != 0.0 {
		t.Errorf("report of ten retried events = %v", got[len(got)-1])
	}

	// A new spell at capacity is announced again.
	g = newGate()
	store.before = g.block(4) // calls 1-3 were a, b and the retry of b
	third := submitAsync(ctx, w, records("d", 5))
	<-g.entered
	fourth := submitAsync(ctx, w, records("e", 10))
	waitFor(t, "queue full again", func() bool { return w.Stats().Pending == 10 })
	if _, err := w.Submit(ctx, records("f", 1)); inapp.ErrorCode(err) != inapp.ETHROTTLED {
		t.Fatalf("Submit on a full queue: %v", err)
	}
	if n := len(logs.matching(t, capacityMsg)); n != 2 {
		t.Errorf("the second spell at capacity logged %d capacity lines in all, want 2", n)
	}
	close(g.release)
	receive(t, third)
	receive(t, fourth)
}

// TestReportsOnTheirOwn: with a short ReportEvery the writer reports by
// itself, every committed event once, and stays quiet while idle.
func TestReportsOnTheirOwn(t *testing.T) {
	var logs logLines
	w := start(t, newFakeStore(), ingest.Options{ReportEvery: 10 * time.Millisecond, Logger: logs.logger()})
	if _, err := w.Submit(context.Background(), records("a", 3)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a report", func() bool { return len(logs.matching(t, "events committed")) > 0 })
	time.Sleep(50 * time.Millisecond) // five idle intervals
	total := 0.0
	for _, l := range logs.matching(t, "events committed") {
		if l["level"] != "INFO" {
			t.Errorf("report without refusals at %v", l["level"])
		}
		total += l["events"].(float64)
	}
	if total != 3 {
		t.Errorf("reports counted %v events, want 3", total)
	}
}

// TestLastReportAtClose: a writer that stops reports what it committed
// since its last report, so a shutdown does not take the last minute's
// figures with it.
func TestLastReportAtClose(t *testing.T) {
	var logs logLines
	w := ingest.New(newFakeStore(), ingest.Options{ReportEvery: time.Hour, Logger: logs.logger()})
	w.Start(context.Background())
	if _, err := w.Submit(context.Background(), records("a", 4)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the last report", func() bool { return len(logs.matching(t, "events committed")) == 1 })
	if got := logs.matching(t, "events committed")[0]; got["events"] != 4.0 {
		t.Errorf("last report = %v, want 4 events", got)
	}
}
