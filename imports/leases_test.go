package imports

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// leases is an in-memory inapp.LeaseStore shared by the runners of a test,
// as the database is by nodes; a holder can be cut off from it.
type leases struct {
	mu      sync.Mutex
	holder  map[string]string
	expires map[string]time.Time
	cut     map[string]bool // holders whose calls fail (their database is away)
}

func newLeases() *leases {
	return &leases{holder: map[string]string{}, expires: map[string]time.Time{}, cut: map[string]bool{}}
}

var errCut = inapp.Errorf(inapp.EUNAVAIL, "database unavailable")

func (l *leases) AcquireLease(_ context.Context, name, holder string, ttl time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cut[holder] {
		return false, errCut
	}
	if h := l.holder[name]; h != "" && h != holder && time.Now().Before(l.expires[name]) {
		return false, nil
	}
	l.holder[name], l.expires[name] = holder, time.Now().Add(ttl)
	return true, nil
}

func (l *leases) RenewLease(_ context.Context, name, holder string, ttl time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cut[holder] {
		return false, errCut
	}
	if l.holder[name] != holder {
		return false, nil
	}
	l.expires[name] = time.Now().Add(ttl)
	return true, nil
}

func (l *leases) ReleaseLease(_ context.Context, name, holder string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cut[holder] {
		return errCut
	}
	if l.holder[name] == holder {
		delete(l.holder, name)
	}
	return nil
}

// shared makes r one of several nodes on ls.
func shared(r *Runner, ls *leases, holder, dir string) *Runner {
	r.Leases, r.Holder, r.Dir = ls, holder, dir
	r.LeaseTTL, r.Rescan = 600*time.Millisecond, 50*time.Millisecond
	return r
}

// A node that loses the lease store (its database) stops its job before
// the lease expires; another node, whose data directory does not hold the
// downloaded source, takes the job over once it has, downloads the source
// again, finds it the same and resumes from the last recorded piece. No
// piece is worked on by both at once.
func TestLeaseTakeover(t *testing.T) {
	var body atomic.Value
	body.Store("Id,ChannelType\n" + rows(12))
	var downloads atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		downloads.Add(1)
		fmt.Fprint(w, body.Load().(string))
	}))
	defer srv.Close()

	e := newEnv(t, 2)
	e.runner.Close() // this test's runners are its own
	ls := newLeases()
	var mu sync.Mutex
	var lastA, firstB time.Time
	var piecesA, piecesB int
	a := shared(e.newRunner(2), ls, "A", filepath.Join(t.TempDir(), "a"))
	a.hook = func(stage string, j *inapp.ImportJob) {
		if stage != "endpoints" {
			return
		}
		mu.Lock()
		piecesA++
		lastA = time.Now()
		if piecesA == 2 {
			ls.mu.Lock()
			ls.cut["A"] = true // A can no longer renew: it must stop by itself
			ls.mu.Unlock()
		}
		mu.Unlock()
		time.Sleep(100 * time.Millisecond) // slow pieces: the job outlives the lease
	}
	if err := a.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	job := e.job("CSV", srv.URL+"/eps.csv", true, "seg", true)
	if err := a.Submit(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	// A stops on its own once it cannot renew.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n, last := piecesA, lastA
		mu.Unlock()
		if n >= 2 && time.Since(last) > time.Second {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node A still works on the job without its lease (%d pieces)", n)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// A's copy of the download is on A's machine, not B's.
	if err := os.RemoveAll(a.Dir); err != nil {
		t.Fatal(err)
	}
	b := shared(e.newRunner(2), ls, "B", filepath.Join(t.TempDir(), "b"))
	b.hook = func(stage string, j *inapp.ImportJob) {
		if stage == "endpoints" {
			mu.Lock()
			piecesB++
			if firstB.IsZero() {
				firstB = time.Now()
			}
			mu.Unlock()
		}
	}
	if err := b.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	done := e.wait(job.ID)
	wantJob(t, done, inapp.JobCompleted, 6, 12, 0)
	mu.Lock()
	defer mu.Unlock()
	if !lastA.Before(firstB) {
		t.Errorf("A worked on a piece at %v, after B started at %v", lastA, firstB)
	}
	if piecesA+piecesB > 6+1 {
		t.Errorf("pieces applied: %d by A, %d by B: more than the job's 6 and the one A had not recorded", piecesA, piecesB)
	}
	if n := downloads.Load(); n != 2 {
		t.Errorf("%d downloads, want 2 (A's, and B's again)", n)
	}
	seg, err := e.db.GetSegment(t.Context(), e.app, "seg", 0)
	if err != nil || seg.Version != 1 || seg.ImportDefinition.Size != 12 {
		t.Errorf("segment: %v %v", seg, err)
	}

	// The same, but the file changed between the two downloads: the job
	// cannot resume on another node, and says so.
	piecesA = 0
	ls.mu.Lock()
	ls.cut["A"] = false
	ls.mu.Unlock()
	a.Close()
	b.Close()
	a2 := shared(e.newRunner(2), ls, "A2", filepath.Join(t.TempDir(), "a2"))
	var stops atomic.Int32
	a2.hook = func(stage string, j *inapp.ImportJob) {
		if stage == "endpoints" && stops.Add(1) == 1 {
			body.Store("Id,ChannelType\n" + rows(13))
			ls.mu.Lock()
			ls.cut["A2"] = true
			ls.mu.Unlock()
			time.Sleep(time.Second)
		}
	}
	if err := a2.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	changed := e.job("CSV", srv.URL+"/eps.csv", true, "", false)
	if err := a2.Submit(t.Context(), changed); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	os.RemoveAll(a2.Dir)
	b2 := shared(e.newRunner(2), ls, "B2", filepath.Join(t.TempDir(), "b2"))
	if err := b2.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	failed := e.wait(changed.ID)
	if failed.JobStatus != inapp.JobFailed || len(failed.Failures) == 0 || !strings.Contains(failed.Failures[len(failed.Failures)-1], "changed since the job counted its rows, so the job cannot resume on another node") {
		t.Errorf("job whose source changed: %s %q", failed.JobStatus, failed.Failures)
	}
}

// A job whose database went away mid-way is paused, not failed.
func TestUnavailablePauses(t *testing.T) {
	e := newEnv(t, 1)
	e.runner.Close()
	r := e.newRunner(1)
	r.Store = &flaky{Store: e.db, after: 2}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	job := e.job("CSV", e.file("p.csv", "Id,ChannelType\n"+rows(4)), true, "", false)
	if err := r.Submit(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	got, err := e.db.GetImportJob(t.Context(), e.app, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Finished() || got.JobStatus != inapp.JobProcessing {
		t.Fatalf("job after the database went away: %s %q, want it PROCESSING (paused)", got.JobStatus, got.Failures)
	}
}

// flaky is a store whose UpdateImportJob answers EUNAVAIL after the first
// after calls, as a store whose database went away.
type flaky struct {
	Store
	after int
	n     atomic.Int32
}

func (f *flaky) UpdateImportJob(ctx context.Context, job *inapp.ImportJob) error {
	if int(f.n.Add(1)) > f.after {
		return fmt.Errorf("update: %w", errors.Join(errCut))
	}
	return f.Store.UpdateImportJob(ctx, job)
}

func rows(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "ep-%03d,IN_APP\n", i)
	}
	return b.String()
}
